// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "printable.h"

#include <QtGlobal>

#include <cstdio>
#include <cstdlib>

/// Log lines on stderr: with a timestamp at a terminal; under systemd with the journal's "<N>" priority.
/// Whatever a message holds (text from a node, say), it stays one entry: control characters are
/// escaped and continuation lines indented (Printable::forLog).
inline void installPiRackLogFormat()
{
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &context, const QString &message) {
        const QString line = qFormatLogMessage(type, context, Printable::forLog(message));
        std::fprintf(stderr, "%s\n", line.toLocal8Bit().constData());
        std::fflush(stderr);
        if (type == QtFatalMsg)
            std::abort();
    });
    qSetMessagePattern(qEnvironmentVariableIsSet("JOURNAL_STREAM")
            ? QStringLiteral("<%{if-debug}7%{endif}%{if-info}6%{endif}%{if-warning}4%{endif}"
                             "%{if-critical}2%{endif}%{if-fatal}0%{endif}>%{category}: %{message}")
            : QStringLiteral("%{time yyyy-MM-dd HH:mm:ss.zzz} %{type} %{category}: %{message}"));
}
