// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gpiodhandles.h"
#include "gpiorelaysettings.h"
#include "relaybank.h"

#include <map>

/**
 * Relays on the master's GPIO lines through libgpiod 1.6.
 *
 * The lines are requested once, as outputs whose initial value is the wanted state, and held
 * for the life of the bank: on upstream kernels a released line may float, and an active-low
 * relay board energises when it does.
 */
class GpioRelayBank : public RelayBank
{
    Q_OBJECT

public:
    using Settings = GpioRelaySettings;

    GpioRelayBank(
        QList<RelayChannelInfo> channels, RelaySafety safety, Settings settings, QObject *parent = nullptr);
    ~GpioRelayBank() override;

    QString backendName() const override;
    QString deviceDescription() const override;

protected:
    bool openDevice(const QMap<int, bool> &initialStates, QString *error) override;
    void closeDevice() override;
    void startSwitch(int channel, bool on) override;
    void startRead(int channel) override;

private:
    Settings m_settings;
    GpiodChip m_chip; // declared before the lines: they are released first
    std::map<int, GpiodRequestedLine> m_lines;
};
