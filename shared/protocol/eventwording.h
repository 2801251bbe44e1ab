// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "messages.h"

#include <optional>

/**
 * rackd's events in the operator's words: "s2-n1 (stack 2, slot 1) is up", "Stack 4 switched
 * off", "Install: stack 3 found 4 of 4 Pis". One place for the wording, which `rackctl events` and
 * the desktop's event log share. Everything in an event came from the network: the sentence is
 * for showing, and its consumer still escapes it for a terminal.
 */
namespace EventWording {

enum class Severity {
    Info, ///< Something happened as asked.
    Notice, ///< Worth knowing; nothing is wrong.
    Warning, ///< Something is wrong, or waits for a person.
    Critical, ///< Only a person can fix it now.
};

struct Sentence
{
    Severity severity = Severity::Info;
    QString text;
    std::optional<int> stack; ///< The stack it is about, when one is.
    QString actor; ///< Who did it, when the event says (a token's name).
    bool routine = false; ///< A periodic event (metrics) that a log of what happened leaves out.
};

Sentence describe(const Protocol::Event &event);
/// "info", "notice", "warning" or "critical".
QString severityName(Severity severity);

} // namespace EventWording
