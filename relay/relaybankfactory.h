// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gpio/gpiorelaysettings.h"
#include "relaybank.h"
#include "serial/serialrelaysettings.h"
#include "structure/rackstructure.h"

#include <memory>

/// Everything needed to build any relay backend; one place decides which one runs.
struct RelayBankSettings
{
    RelayBackendKind backend = RelayBackendKind::Gpio;
    QList<RelayChannelInfo> channels;
    RelaySafety safety;
    GpioRelaySettings gpio;
    SerialRelaySettings serial;
    QString simulatedStateFile; ///< Empty: the simulated relays live in memory only.

    /// The wiring of a rack: one channel per stack, labelled "stack N".
    static RelayBankSettings fromStructure(const RackStructure &structure);
};

std::unique_ptr<RelayBank> createRelayBank(const RelayBankSettings &settings, QObject *parent = nullptr);
