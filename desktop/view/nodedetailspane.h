// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/metricshistory.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class SparkChart;

/// The selected Pi: who and where it is, its state, uptime, and its recent CPU and temperature.
class NodeDetailsPane : public QWidget
{
    Q_OBJECT

public:
    NodeDetailsPane(RackState *state, MetricsHistory *history, QWidget *parent = nullptr);

    void setNode(const QString &mac);
    QString node() const { return m_mac; }
    /// The value shown for a field ("MAC", "Address", "Model", "Uptime", ...); for tests and screen readers.
    QString field(const QString &name) const;
    /// How a field shows its text: always plain, as its text comes from the node.
    Qt::TextFormat fieldFormat(const QString &name) const;
    SparkChart *cpuChart() const { return m_cpu; }
    SparkChart *temperatureChart() const { return m_temperature; }

    static QString formatUptime(double seconds);

private:
    void refresh();

    RackState *m_state;
    MetricsHistory *m_history;
    QString m_mac;
    QLabel *m_title;
    QFormLayout *m_form;
    QHash<QString, QLabel *> m_fields;
    SparkChart *m_cpu;
    SparkChart *m_temperature;
};
