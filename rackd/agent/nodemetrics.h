// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>
#include <optional>

/// The Raspberry Pi firmware's throttling word (get_throttled), decoded.
struct ThrottleState
{
    quint32 raw = 0;
    bool underVoltageNow() const { return raw & (1u << 0); }
    bool frequencyCappedNow() const { return raw & (1u << 1); }
    bool throttledNow() const { return raw & (1u << 2); }
    bool softTemperatureLimitNow() const { return raw & (1u << 3); }
    bool underVoltageOccurred() const { return raw & (1u << 16); }
    bool frequencyCappedOccurred() const { return raw & (1u << 17); }
    bool throttledOccurred() const { return raw & (1u << 18); }
    bool softTemperatureLimitOccurred() const { return raw & (1u << 19); }
};

/// One heartbeat's worth of measurements. A value a machine does not expose stays empty.
struct NodeMetrics
{
    std::optional<double> cpuPercent; ///< Empty on the first sample: it needs two /proc/stat readings.
    std::optional<double> temperatureCelsius;
    std::optional<qint64> memoryTotalKiB;
    std::optional<qint64> memoryAvailableKiB;
    std::optional<double> load1;
    std::optional<double> load5;
    std::optional<double> load15;
    std::optional<double> uptimeSeconds;
    std::optional<ThrottleState> throttle;

    /// Missing values are written as the string "unavailable", so nobody mistakes them for zero.
    QJsonObject toJson() const;
};

/// Who a node is: what rackd keys its inventory on, and what a person recognises.
struct NodeIdentity
{
    QString mac; ///< Lower case, colon separated.
    QString interfaceName;
    QString hostname;
    QString model; ///< From the device tree; empty off a Pi.
    QString serial;
    int cores = 0; ///< Online CPUs; 0 when unknown.

    QJsonObject toJson() const;
};
