// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

/// Log lines on stderr: with a timestamp at a terminal; under systemd with the journal's "<N>" priority.
inline void installPiRackLogFormat()
{
    qSetMessagePattern(qEnvironmentVariableIsSet("JOURNAL_STREAM")
                           ? QStringLiteral("<%{if-debug}7%{endif}%{if-info}6%{endif}%{if-warning}4%{endif}"
                                            "%{if-critical}2%{endif}%{if-fatal}0%{endif}>%{category}: %{message}")
                           : QStringLiteral("%{time yyyy-MM-dd HH:mm:ss.zzz} %{type} %{category}: %{message}"));
}
