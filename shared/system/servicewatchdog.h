// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QTimer>
#include <chrono>
#include <optional>

/**
 * A daemon's word to systemd (sd_notify(3), through SystemdService::notify): READY=1 once it has
 * started (Type=notify), and while WatchdogSec= is set for it, WATCHDOG=1 at half that interval.
 * The pings come from the event loop, so a daemon whose loop hangs stops pinging and systemd
 * restarts it (Restart=). Not under systemd (no NOTIFY_SOCKET) it does nothing.
 */
class ServiceWatchdog : public QObject
{
    Q_OBJECT

public:
    explicit ServiceWatchdog(QObject *parent = nullptr);

    /**
     * How often systemd expects a ping from this process: WATCHDOG_USEC, when WATCHDOG_PID is
     * absent or this process. Empty without a watchdog, or when the variables are malformed.
     */
    static std::optional<std::chrono::microseconds> watchdogInterval();

    /**
     * READY=1 with a STATUS= line, and the pings from now on if systemd wants them. False, with the
     * reason, when systemd could not be told (rackd goes on: under Type=notify systemd will say so).
     * True and nothing sent when not started by systemd.
     */
    bool ready(const QString &status, QString *error);
    /// STOPPING=1: the service ends on purpose; the pings stop.
    void stopping();
    bool isPinging() const { return m_pings.isActive(); }
    std::chrono::milliseconds pingInterval() const { return std::chrono::milliseconds(m_pings.interval()); }

Q_SIGNALS:
    /// A ping could not be sent: once, until one goes through again.
    void pingFailed(const QString &error);

private:
    void ping();

    QTimer m_pings;
    bool m_failing = false;
};
