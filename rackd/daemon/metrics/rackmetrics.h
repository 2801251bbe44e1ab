// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

/**
 * What rackd exposes at /metrics, as values: gathered from the daemon's parts at scrape time, then
 * rendered here (so the metric names, units and labels live in one place, testable without a rack).
 */
struct RackMetrics
{
    struct Stack
    {
        int id = 0;
        std::optional<bool> relayOn; ///< Empty while the relay's state is not known.
        QString verdict; ///< The last install's: ok, warning, ko or empty; "" before any install.
        quint64 switches = 0; ///< Relay switches since rackd started.
        quint64 switchFailures = 0;
        bool maintenance = false; ///< The stack (or the whole rack, while an install runs) is worked on.
        QString recoveryPhase; ///< draining, cycling or returning while rackd recovers it; else "".
    };
    struct Node
    {
        QString name; ///< Its MAC while it is not placed.
        std::optional<int> stack;
        std::optional<int> slot;
        bool up = false;
        /// Since the last heartbeat rackd got (this run or saved); empty when it never had one.
        std::optional<double> heartbeatAgeSeconds;
        QJsonObject lastReport; ///< The last heartbeat's metrics, as NodeReport kept them.
        bool maintenance = false; ///< The Pi, its stack or the rack is in maintenance: no alerts.
        QString condition = QStringLiteral("ok"); ///< What rackd's recovery says: lost, unhealthy, ...
    };
    /// Durations of fan-out rounds (an action sent to many Pis at once), as a histogram.
    struct Durations
    {
        QList<double> upperBoundsSeconds {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
        QList<quint64> counts = QList<quint64>(10, 0); ///< Per bucket, the last one for +Inf.
        double sumSeconds = 0;

        void observe(double seconds);
    };

    QList<Stack> stacks;
    QList<Node> nodes;
    int agentsConnected = 0;
    int clientsConnected = 0;
    quint64 fanOutRounds = 0;
    Durations fanOutDurations;
    QString installStep; ///< "idle" when no install runs, else the install's step.
    qint64 startTimeSeconds = 0; ///< When rackd started, in Unix seconds.
    QString version;

    /// The Prometheus text exposition of all of the above.
    QByteArray exposition() const;
};
