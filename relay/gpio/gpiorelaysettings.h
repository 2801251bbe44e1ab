// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

/// How GpioRelayBank reaches its lines; apart from the bank so that its users need no <gpiod.h>.
struct GpioRelaySettings
{
    QString chip = QStringLiteral("gpiochip0"); ///< A name ("gpiochip0") or a path ("/dev/gpiochip0").
    bool activeLow = true;
    QByteArray consumer = QByteArrayLiteral("rackd");
};
