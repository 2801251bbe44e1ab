// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "gpiolinerelease.h"

#include <QFile>

using namespace Qt::Literals::StringLiterals;

namespace {

/// Raspberry Pi's pin drivers, and the module whose persist_gpio_outputs parameter decides.
struct PinDriver
{
    QStringView labelPrefix;
    QStringView module;
    /// What a kernel without the parameter does: mainline's pinctrl-bcm2835 reverts; for RP1,
    /// rackd knows only Raspberry Pi's driver, which has the parameter.
    GpioLineRelease::Behaviour withoutParameter;
};

constexpr PinDriver pinDrivers[] {
    {u"pinctrl-bcm2835", u"pinctrl_bcm2835", GpioLineRelease::Behaviour::Reverts}, // Pi 1-3
    {u"pinctrl-bcm2711", u"pinctrl_bcm2835", GpioLineRelease::Behaviour::Reverts}, // Pi 4
    {u"pinctrl-rp1", u"pinctrl_rp1", GpioLineRelease::Behaviour::Unknown}, // Pi 5
};

} // namespace

GpioLineRelease GpioLineRelease::detect(const QString &chipLabel, const QString &sysfsRoot)
{
    for (const PinDriver &driver : pinDrivers) {
        if (!chipLabel.startsWith(driver.labelPrefix))
            continue;
        const QString parameterPath
            = u"%1/module/%2/parameters/persist_gpio_outputs"_s.arg(sysfsRoot, driver.module);
        QFile parameter(parameterPath);
        if (!parameter.open(QIODevice::ReadOnly)) {
            if (driver.withoutParameter == Behaviour::Reverts)
                return {Behaviour::Reverts,
                    u"%1 has no persist_gpio_outputs parameter (%2): like mainline Linux, it turns a "
                    "released line into an input"_s.arg(chipLabel, parameterPath)};
            return {Behaviour::Unknown,
                u"%1 has no persist_gpio_outputs parameter (%2): rackd does not know what this kernel "
                "does with a released line"_s.arg(chipLabel, parameterPath)};
        }
        const QByteArray value = parameter.readAll().trimmed();
        if (value == "Y" || value == "1")
            return {Behaviour::KeepsLevel,
                u"%1 keeps a released output at its level (persist_gpio_outputs=Y)"_s.arg(chipLabel)};
        return {Behaviour::Reverts,
            u"%1 turns a released line into an input (persist_gpio_outputs=%2; config.txt may have "
            "dtparam=strict_gpiod)"_s.arg(chipLabel, QString::fromLatin1(value))};
    }
    if (chipLabel.startsWith(u"gpio-sim"_s))
        return {Behaviour::Reverts, u"%1 (gpio-sim) returns a released line to its pull"_s.arg(chipLabel)};
    return {Behaviour::Unknown,
        u"rackd does not know what the driver of %1 does with a released line"_s.arg(chipLabel)};
}
