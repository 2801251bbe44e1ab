// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "recoverysettings.h"

using namespace Qt::Literals::StringLiterals;

QStringList RecoverySettings::keys()
{
    return {u"recovery"_s, u"shared_stack"_s, u"recovery_after"_s, u"recovery_boot_time"_s,
        u"recovery_drain_timeout"_s, u"recovery_attempts"_s, u"recovery_window"_s, u"recovery_temperature"_s};
}

bool RecoverySettings::read(const IniEntry &entry, QString *problem)
{
    const QString &value = entry.value;
    bool ok = false;
    const double number = value.toDouble(&ok);
    const auto seconds = [&](double lowest, double highest, std::chrono::milliseconds *target) {
        if (ok && number >= lowest && number <= highest) {
            *target = std::chrono::milliseconds(qint64(number * 1000));
            return true;
        }
        *problem = u"\"%1\" is not a number of seconds from %2 to %3"_s.arg(value).arg(lowest).arg(highest);
        return false;
    };
    if (entry.key == u"recovery") {
        const std::optional<RecoveryMode> chosen = recoveryModeFromName(value);
        if (chosen)
            mode = *chosen;
        else
            *problem = u"\"%1\" is not off, notify or recover"_s.arg(value);
        return chosen.has_value();
    }
    if (entry.key == u"shared_stack") {
        const std::optional<SharedStackPolicy> chosen = sharedStackPolicyFromName(value);
        if (chosen)
            sharedStack = *chosen;
        else
            *problem = u"\"%1\" is not wait or drain"_s.arg(value);
        return chosen.has_value();
    }
    if (entry.key == u"recovery_after")
        return seconds(0, 86400, &lostAfter);
    if (entry.key == u"recovery_boot_time")
        return seconds(1, 86400, &bootTime);
    if (entry.key == u"recovery_drain_timeout")
        return seconds(1, 3600, &drainTimeout);
    if (entry.key == u"recovery_window")
        return seconds(60, 7 * 86400, &window);
    if (entry.key == u"recovery_attempts") {
        const int count = value.toInt(&ok);
        if (ok && count >= 1 && count <= 100) {
            attempts = count;
            return true;
        }
        *problem = u"\"%1\" is not a whole number from 1 to 100"_s.arg(value);
        return false;
    }
    if (entry.key == u"recovery_temperature") {
        if (ok && number >= 40 && number <= 120) {
            temperatureLimit = number;
            return true;
        }
        *problem = u"\"%1\" is not a temperature from 40 to 120 (°C)"_s.arg(value);
        return false;
    }
    *problem = u"not a recovery setting"_s;
    return false;
}

std::chrono::milliseconds RecoverySettings::backoffBefore(int attempt) const
{
    if (attempt <= 1)
        return std::chrono::milliseconds(0);
    const int doublings = std::min(attempt - 2, 10);
    return std::max(lostAfter, std::chrono::milliseconds(1000)) * (qint64(1) << doublings);
}
