// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "servicewatchdog.h"

#include "systemdservice.h"

#include <unistd.h>

using namespace std::chrono;

ServiceWatchdog::ServiceWatchdog(QObject *parent)
    : QObject(parent)
{
    // Not coarse: a coarse timer may fire up to 5 % late, and half the interval leaves the margin.
    m_pings.setTimerType(Qt::PreciseTimer);
    connect(&m_pings, &QTimer::timeout, this, &ServiceWatchdog::ping);
}

std::optional<microseconds> ServiceWatchdog::watchdogInterval()
{
    bool ok = false;
    const qulonglong usec = qgetenv("WATCHDOG_USEC").toULongLong(&ok);
    if (!ok || usec == 0)
        return std::nullopt;
    const QByteArray pid = qgetenv("WATCHDOG_PID");
    if (!pid.isEmpty() && pid.toLongLong() != qint64(getpid()))
        return std::nullopt; // meant for another process (our parent, say)
    return microseconds(usec);
}

bool ServiceWatchdog::ready(const QString &status, QString *error)
{
    if (!SystemdService::canNotify())
        return true;
    if (!SystemdService::notify("READY=1\nSTATUS=" + status.toUtf8().replace('\n', ' '), {}, error))
        return false;
    if (const std::optional<microseconds> interval = watchdogInterval()) {
        // Half the interval, as sd_watchdog_enabled(3) advises; at least 1 ms.
        m_pings.start(std::max(milliseconds(1), duration_cast<milliseconds>(*interval / 2)));
        ping();
    }
    return true;
}

void ServiceWatchdog::stopping()
{
    m_pings.stop();
    if (SystemdService::canNotify())
        SystemdService::notify("STOPPING=1");
}

void ServiceWatchdog::ping()
{
    QString error;
    if (SystemdService::notify("WATCHDOG=1", {}, &error)) {
        m_failing = false;
        return;
    }
    if (!std::exchange(m_failing, true))
        Q_EMIT pingFailed(error);
}
