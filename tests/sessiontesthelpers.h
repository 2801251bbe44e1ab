// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "racksession.h"

#include <QElapsedTimer>
#include <QSignalSpy>

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
