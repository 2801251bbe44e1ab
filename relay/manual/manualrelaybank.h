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
    using Request = RelayBank::OperatorRequest;

    explicit ManualRelayBank(QList<RelayChannelInfo> channels, RelaySafety safety, QObject *parent = nullptr);
    ~ManualRelayBank() override;

    QString backendName() const override;
    QString deviceDescription() const override;

    bool needsOperator() const override { return true; }
    std::optional<OperatorRequest> pendingOperatorRequest() const override { return m_pending; }
    bool confirmByOperator(int channel) override;
    bool declineByOperator(int channel, const QString &reason) override;

protected:
    bool openDevice(const QMap<int, bool> &initialStates, QString *error) override;
    void closeDevice() override;
    void startSwitch(int channel, bool on) override;
    void startRead(int channel) override;

private:
    std::optional<Request> m_pending;
};
