// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "gpiolinerelease.h"

#include <QFile>

using namespace Qt::Literals::StringLiterals;

GpioLineRelease GpioLineRelease::detect(const QString &chipLabel, const QString &sysfsRoot)
{
    if (chipLabel.startsWith(u"pinctrl-bcm2835"_s) || chipLabel.startsWith(u"pinctrl-bcm2711"_s)) {
        const QString parameterPath
            = sysfsRoot + u"/module/pinctrl_bcm2835/parameters/persist_gpio_outputs"_s;
        QFile parameter(parameterPath);
        if (!parameter.open(QIODevice::ReadOnly))
            return {Behaviour::Reverts,
                u"%1 has no persist_gpio_outputs parameter (%2): like mainline Linux, it turns a released "
                "line into an input"_s.arg(chipLabel, parameterPath)};
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
