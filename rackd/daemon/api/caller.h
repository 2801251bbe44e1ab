// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/messages.h"
#include "tokenstore.h"

#include <functional>

/// Who is asking: the token a session authenticated with, and where it connects from.
struct Caller
{
    TokenInfo token;
    QString source;
    QString agentMac = {}; ///< Set when the caller is a node's agent, not a person or script.
    QString newCredential = {}; ///< After a join: the node's credential, for the welcome only.

    bool isAgent() const { return !agentMac.isEmpty(); }
};

/// Where a request's one reply goes, possibly later.
using ReplyHandler = std::function<void(const Protocol::Reply &)>;
/// Events for the caller alone while its request runs (per-node results of an action).
using ProgressHandler = std::function<void(const Protocol::Event &)>;
