// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "relaybank.h"

/**
 * No relay at all: the operator plugs and unplugs each stack's power supply when asked, as
 * the original PiRack install really worked. A switch waits until the operator confirms it
 * (the desktop app or rackctl makes that call) or declines it.
 */
class ManualRelayBank : public RelayBank
{
    Q_OBJECT

public:
    struct Request
    {
        int channel = 0;
        bool on = false;
        QString instruction; ///< "Plug in the power supply of stack 3 (channel 3)."
    };

    explicit ManualRelayBank(QList<RelayChannelInfo> channels, RelaySafety safety, QObject *parent = nullptr);
    ~ManualRelayBank() override;

    QString backendName() const override;
    QString deviceDescription() const override;

    /// The request waiting for the operator, if any.
    std::optional<Request> pendingRequest() const { return m_pending; }
    /// The operator did it. False when nothing (or another channel) is waiting.
    bool confirm(int channel);
    /// The operator could not or would not do it; the switch fails with this reason.
    bool decline(int channel, const QString &reason);

Q_SIGNALS:
    void operatorActionRequested(const ManualRelayBank::Request &request);
    /// The pending request was answered, or dropped because the bank closed.
    void operatorActionResolved(int channel);

protected:
    bool openDevice(const QMap<int, bool> &initialStates, QString *error) override;
    void closeDevice() override;
    void startSwitch(int channel, bool on) override;
    void startRead(int channel) override;

private:
    std::optional<Request> m_pending;
};

Q_DECLARE_METATYPE(ManualRelayBank::Request)
