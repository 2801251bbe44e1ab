// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "session/racksession.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTimer>
#include <functional>

/// Waits on the session's own signal, with a deadline, until it reaches `status`.
inline bool waitForSessionStatus(RackSession &session, RackSession::Status status, int timeoutMs = 20000)
{
    QSignalSpy spy(&session, &RackSession::statusChanged);
    QElapsedTimer clock;
    clock.start();
    while (session.status() != status && clock.elapsed() < timeoutMs)
        spy.wait(int(timeoutMs - clock.elapsed()));
    return session.status() == status;
}

/**
 * Waits, with a deadline, until `condition` holds. `connectWakeups` connects the signals that may
 * make it true to the loop's quit() (queued, so the sender's other slots have run first); the
 * condition is checked again after each, never on a timer but the deadline.
 */
inline bool waitUntilSignalled(const std::function<bool()> &condition, int timeoutMs,
    const std::function<void(QEventLoop *loop)> &connectWakeups)
{
    QElapsedTimer clock;
    clock.start();
    while (!condition()) {
        if (clock.elapsed() >= timeoutMs)
            return false;
        QEventLoop loop;
        connectWakeups(&loop);
        QTimer::singleShot(int(timeoutMs - clock.elapsed()), &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}
