// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "relaybankfactory.h"

#include "gpio/gpiorelaybank.h"
#include "manual/manualrelaybank.h"
#include "relaylogging.h"
#include "serial/serialrelaybank.h"
#include "simulated/simulatedrelaybank.h"

using namespace Qt::Literals::StringLiterals;

RelayBankSettings RelayBankSettings::fromStructure(const RackStructure &structure)
{
    RelayBankSettings settings;
    settings.backend = structure.wiring.backend;
    for (const RackStack &stack : structure.stacks)
        settings.channels.append({stack.relayChannel, u"stack %1"_s.arg(stack.id)});
    settings.safety.minimumOffTime = structure.timing.minimumOffTime;
    settings.safety.minimumSwitchInterval = structure.timing.minimumSwitchInterval;
    settings.gpio.chip = structure.wiring.gpioChip;
    settings.gpio.activeLow = structure.wiring.activeLow;
    settings.serial.portName = structure.wiring.serialPort;
    settings.serial.protocol = structure.wiring.serialProtocol;
    settings.serial.baudRate = structure.wiring.serialBaud;
    settings.serial.verifySwitches = structure.wiring.serialVerify;
    return settings;
}

std::unique_ptr<RelayBank> createRelayBank(const RelayBankSettings &settings, QObject *parent)
{
    switch (settings.backend) {
    case RelayBackendKind::Gpio:
        return std::make_unique<GpioRelayBank>(settings.channels, settings.safety, settings.gpio,
            std::make_unique<LinuxGpioLineDriver>(), &systemdLineKeeper(), parent);
    case RelayBackendKind::Serial:
        return std::make_unique<SerialRelayBank>(settings.channels, settings.safety, settings.serial, parent);
    case RelayBackendKind::Simulated: {
        auto bank = std::make_unique<SimulatedRelayBank>(
            settings.channels, settings.safety, settings.simulatedStateFile, parent);
        // A rehearsal of a relay that takes a while to say it has switched (a real one takes about
        // 10 ms to settle): the crash-safety tests widen the time between the switch and its report.
        bool ok = false;
        const int latency = qEnvironmentVariableIntValue("PIRACK_SIMULATED_RELAY_LATENCY_MS", &ok);
        if (ok && latency > 0 && latency <= 10000)
            bank->setReportLatency(std::chrono::milliseconds(latency));
        else if (qEnvironmentVariableIsSet("PIRACK_SIMULATED_RELAY_LATENCY_MS"))
            qCWarning(lcRelay) << "PIRACK_SIMULATED_RELAY_LATENCY_MS is not a number of milliseconds from 1 "
                                  "to 10000; ignored";
        return bank;
    }
    case RelayBackendKind::Manual:
        return std::make_unique<ManualRelayBank>(settings.channels, settings.safety, parent);
    }
    return nullptr;
}
