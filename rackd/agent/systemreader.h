// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "nodemetrics.h"

#include <QString>

/**
 * Reads a node's identity and metrics from /proc and /sys under a root directory: "/" on a Pi,
 * a fixture tree in tests. Every read is checked; what is missing or malformed stays empty,
 * and nothing here ever fails the agent.
 */
class SystemReader
{
public:
    explicit SystemReader(QString rootDirectory = QStringLiteral("/"));

    /// `interfaceName` empty: the first interface, in name order, that has a real MAC and is not loopback.
    NodeIdentity identity(const QString &interfaceName = {}) const;
    /// CPU % is measured between this call and the previous one.
    NodeMetrics sample();

private:
    QString path(const QString &relative) const;
    QByteArray readSmallFile(const QString &relative) const;
    std::optional<double> cpuPercent();
    std::optional<double> temperature() const;

    QString m_root;
    struct CpuTimes
    {
        quint64 busy = 0;
        quint64 total = 0;
    };
    std::optional<CpuTimes> m_previousCpu;
};
