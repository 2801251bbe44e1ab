// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "relaybank.h"

#include <QSignalSpy>
#include <QTest>

/// Waits (with a deadline, on the bank's signal) for the result of one operation.
inline std::optional<RelayOperationResult> waitForOperation(
    QSignalSpy &spy, quint64 id, int timeoutMs = 10000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (true) {
        for (const QList<QVariant> &arguments : std::as_const(spy)) {
            const auto result = arguments.at(0).value<RelayOperationResult>();
            if (result.id == id)
                return result;
        }
        if (deadline.hasExpired() || !spy.wait(int(std::max<qint64>(1, deadline.remainingTime()))))
            return std::nullopt;
    }
}

/// Safety limits of zero, for tests that are not about them.
inline RelaySafety noSafetyLimits() { return {std::chrono::milliseconds(0), std::chrono::milliseconds(0)}; }

inline QList<RelayChannelInfo> stackChannels(const QList<int> &numbers)
{
    QList<RelayChannelInfo> channels;
    int stack = 0;
    for (int number : numbers)
        channels.append({number, QStringLiteral("stack %1").arg(++stack)});
    return channels;
}
