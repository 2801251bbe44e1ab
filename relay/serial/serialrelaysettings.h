// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "structure/rackstructure.h"

#include <QString>
#include <chrono>

/// How SerialRelayBank reaches its board; apart from the bank so that its users need no QSerialPort.
struct SerialRelaySettings
{
    QString portName = QStringLiteral("/dev/ttyUSB0");
    SerialRelayProtocol protocol = SerialRelayProtocol::Lcus;
    int baudRate = 9600;
    /// Read the channel back after each switch (single-channel LCUS boards cannot answer).
    bool verifySwitches = true;
    std::chrono::milliseconds replyTimeout {1000};
};
