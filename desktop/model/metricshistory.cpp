// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/metricshistory.h"

using namespace Qt::Literals::StringLiterals;

MetricsHistory::MetricsHistory(RackState *state, QObject *parent)
    : QObject(parent)
    , m_state(state)
{
    connect(m_state, &RackState::nodesChanged, this, &MetricsHistory::record);
    connect(m_state, &RackState::reset, this, [this] {
        // Nodes that left the rack leave the history; the others keep theirs across a reconnection.
        for (auto it = m_samples.begin(); it != m_samples.end();) {
            if (m_state->node(it.key()))
                ++it;
            else
                it = m_samples.erase(it);
        }
    });
}

void MetricsHistory::record(const QStringList &macs)
{
    QStringList appendedTo;
    for (const QString &mac : macs) {
        const NodeView *node = m_state->node(mac);
        if (!node || node->metrics.isEmpty())
            continue;
        MetricsSample sample;
        sample.time = node->lastSeen.isValid() ? node->lastSeen : QDateTime::currentDateTimeUtc();
        // "unavailable" (a string) and anything else that is not a number stay NaN.
        if (const QJsonValue cpu = node->metrics.value(u"cpu_percent"_s); cpu.isDouble())
            sample.cpuPercent = cpu.toDouble();
        if (const QJsonValue temperature = node->metrics.value(u"temperature_c"_s); temperature.isDouble())
            sample.temperatureCelsius = temperature.toDouble();
        QList<MetricsSample> &list = m_samples[mac];
        // A node.up without new metrics is not a new sample.
        if (!list.isEmpty() && list.last().time == sample.time)
            continue;
        list.append(sample);
        if (list.size() > MaximumSamples)
            list.remove(0, list.size() - MaximumSamples);
        appendedTo.append(mac);
    }
    if (!appendedTo.isEmpty())
        Q_EMIT appended(appendedTo);
}
