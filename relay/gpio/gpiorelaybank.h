// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gpiolinedriver.h"
#include "gpiolinekeeper.h"
#include "gpiolinerelease.h"
#include "gpiorelaysettings.h"
#include "relaybank.h"

#include <map>
#include <memory>

/**
 * Relays on the master's GPIO lines, through the kernel's GPIO character device.
 *
 * Each line is requested once, as an output whose first level is the wanted state, and held for
 * the life of the bank. A released line may fall back to an input (mainline Linux on a Pi 1-4),
 * and an active-low relay board energises when it floats, so the requests are also handed to a
 * keeper (systemd's file descriptor store) that holds them while rackd restarts, crashes or is
 * upgraded; the next rackd takes them back without the line ever being free.
 */
class GpioRelayBank : public RelayBank
{
    Q_OBJECT

public:
    using Settings = GpioRelaySettings;

    /// `keeper` may be null (nothing keeps the lines across restarts); it must outlive the bank.
    GpioRelayBank(QList<RelayChannelInfo> channels, RelaySafety safety, Settings settings,
        std::unique_ptr<GpioLineDriver> driver, GpioLineKeeper *keeper, QObject *parent = nullptr);
    ~GpioRelayBank() override;

    QString backendName() const override;
    QString deviceDescription() const override;
    QString restartWarning() const override;

    /// What the chip's driver does with a released line (known once open).
    GpioLineRelease lineRelease() const { return m_release; }
    /// Channels whose line request an earlier rackd left with the keeper (last open()).
    QList<int> takenOverChannels() const { return m_takenOver; }

    /// The name a channel's request is kept under: "gpio-gpiochip0-18".
    static QString keptName(const QString &chipPath, int channel);

protected:
    bool openDevice(const QMap<int, bool> &initialStates, QString *error) override;
    void closeDevice() override;
    void startSwitch(int channel, bool on) override;
    void startRead(int channel) override;

private:
    /// "line 25 of gpiochip0 (stack 2)": for errors.
    QString lineDescription(int channel) const;
    /// A request an earlier run kept, if it is this line's and still fits the settings; else -1.
    int takeKeptRequest(const QString &name, unsigned offset);
    /// Closes this process's descriptors; those of kept requests go back to the keeper.
    void closeRequests(std::map<int, int> &requests);

    Settings m_settings;
    std::unique_ptr<GpioLineDriver> m_driver;
    GpioLineKeeper *m_keeper = nullptr;
    std::map<int, int> m_requests; ///< channel -> line request fd
    GpioLineRelease m_release;
    QList<int> m_takenOver;
    QString m_chipPath;
    QSet<int> m_keptChannels; ///< Channels whose request the keeper has.
};
