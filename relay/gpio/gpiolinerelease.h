// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

/// What the kernel does with an output line once no process holds it any more.
struct GpioLineRelease
{
    enum class Behaviour {
        KeepsLevel, ///< The line stays an output at its level (Raspberry Pi OS's kernel by default).
        Reverts, ///< The line becomes an input (or returns to its pull): relays may switch.
        Unknown, ///< A driver rackd knows nothing about.
    };
    Behaviour behaviour = Behaviour::Unknown;
    QString reason; ///< Why rackd thinks so, for the log and install.precheck.

    /**
     * Tells from the chip's label (GPIO_GET_CHIPINFO) and the module parameters in `sysfsRoot`
     * what the driver does. Pi 1-4 (pinctrl-bcm2835/2711): mainline Linux reverts a freed line to
     * an input; Raspberry Pi's kernel keeps it unless persist_gpio_outputs is off. gpio-sim returns
     * a freed line to its pull.
     */
    static GpioLineRelease detect(
        const QString &chipLabel, const QString &sysfsRoot = QStringLiteral("/sys"));
};
