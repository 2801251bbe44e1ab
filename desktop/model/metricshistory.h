// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/rackstate.h"

#include <QDateTime>
#include <QHash>

/// One heartbeat's CPU and temperature; NaN where the node did not report the value.
struct MetricsSample
{
    QDateTime time;
    double cpuPercent = qQNaN();
    double temperatureCelsius = qQNaN();
};

/**
 * The last few minutes of CPU and temperature of every node, for the details pane's charts. Fed by
 * RackState's batched changes; bounded per node, so a 1000-Pi rack costs a few MB at most.
 */
class MetricsHistory : public QObject
{
    Q_OBJECT

public:
    static constexpr int MaximumSamples = 150;

    explicit MetricsHistory(RackState *state, QObject *parent = nullptr);

    QList<MetricsSample> samples(const QString &mac) const { return m_samples.value(mac); }

Q_SIGNALS:
    void appended(const QStringList &macs);

private:
    void record(const QStringList &macs);

    RackState *m_state;
    QHash<QString, QList<MetricsSample>> m_samples;
};
