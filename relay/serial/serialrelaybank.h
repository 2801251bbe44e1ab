// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "relaybank.h"
#include "serialrelaycodec.h"
#include "serialrelaysettings.h"

#include <QSerialPort>

/**
 * A USB-serial relay board (LCUS or Numato). Every command that expects an answer has a
 * deadline, so a silent or babbling board gives an error instead of a hang. A board keeps its
 * relays as they are while the port is opened: taking over changes nothing, and the states are
 * unknown until they are read back or set.
 */
class SerialRelayBank : public RelayBank
{
    Q_OBJECT

public:
    using Settings = SerialRelaySettings;

    SerialRelayBank(
        QList<RelayChannelInfo> channels, RelaySafety safety, Settings settings, QObject *parent = nullptr);
    ~SerialRelayBank() override;

    QString backendName() const override;
    QString deviceDescription() const override;

protected:
    bool openDevice(const QMap<int, bool> &initialStates, QString *error) override;
    void closeDevice() override;
    void startSwitch(int channel, bool on) override;
    void startRead(int channel) override;

private:
    enum class Stage { Idle, Switching, Verifying, Reading };

    void send(Stage stage, const QByteArray &bytes);
    void onReadyRead();
    void onBytesWritten();
    void onTimeout();
    void onPortError(QSerialPort::SerialPortError error);
    void handleReply(const SerialReply &reply);
    void finish(std::optional<bool> state, const QString &error = {});

    Settings m_settings;
    std::unique_ptr<SerialRelayCodec> m_codec;
    QSerialPort m_port;
    QTimer m_replyTimer;
    Stage m_stage = Stage::Idle;
    int m_channel = 0;
    bool m_wanted = false;
    QByteArray m_received;
    int m_statusQueries = 0;
    bool m_verifyRetried = false;
};
