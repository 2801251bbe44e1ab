// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "nodemetrics.h"

using namespace Qt::Literals::StringLiterals;

namespace {

template<typename T>
QJsonValue orUnavailable(const std::optional<T> &value)
{
    return value ? QJsonValue(double(*value)) : QJsonValue(u"unavailable"_s);
}

} // namespace

QJsonObject NodeMetrics::toJson() const
{
    QJsonObject object {{u"cpu_percent"_s, orUnavailable(cpuPercent)},
        {u"temperature_c"_s, orUnavailable(temperatureCelsius)},
        {u"memory_total_kib"_s, orUnavailable(memoryTotalKiB)},
        {u"memory_available_kib"_s, orUnavailable(memoryAvailableKiB)}, {u"load1"_s, orUnavailable(load1)},
        {u"load5"_s, orUnavailable(load5)}, {u"load15"_s, orUnavailable(load15)},
        {u"uptime_s"_s, orUnavailable(uptimeSeconds)}};
    if (throttle) {
        object.insert(u"throttled"_s,
            QJsonObject {{u"raw"_s, u"0x%1"_s.arg(throttle->raw, 0, 16)},
                {u"under_voltage"_s, throttle->underVoltageNow()},
                {u"frequency_capped"_s, throttle->frequencyCappedNow()},
                {u"throttled"_s, throttle->throttledNow()},
                {u"soft_temperature_limit"_s, throttle->softTemperatureLimitNow()},
                {u"under_voltage_occurred"_s, throttle->underVoltageOccurred()},
                {u"throttled_occurred"_s, throttle->throttledOccurred()}});
    } else {
        object.insert(u"throttled"_s, u"unavailable"_s);
    }
    return object;
}

QJsonObject NodeIdentity::toJson() const
{
    QJsonObject json {{u"mac"_s, mac}, {u"interface"_s, interfaceName}, {u"hostname"_s, hostname},
        {u"model"_s, model}, {u"serial"_s, serial}};
    if (cores > 0)
        json.insert(u"cores"_s, cores);
    return json;
}
