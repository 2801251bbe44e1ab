// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "structure/rackstructure.h"

#include <QByteArray>
#include <QMap>
#include <QObject>

class QSocketNotifier;

/**
 * A USB relay board played on the master side of a pseudo-terminal: the code under test opens
 * slavePath() with QSerialPort as it would /dev/ttyUSB0. It answers as an LCUS or Numato
 * board, or misbehaves on request, and records every byte it receives.
 */
class FakeRelayBoard : public QObject
{
    Q_OBJECT

public:
    enum class Behaviour {
        Correct,
        Silent, ///< Reads everything, answers nothing.
        Garbage, ///< Answers every command with garbageReply().
        StaleFirstStatus, ///< LCUS: the first status answer reports every relay off.
        IgnoresSwitches, ///< Answers, but never moves a relay.
    };

    FakeRelayBoard(SerialRelayProtocol protocol, int channelCount, QObject *parent = nullptr);
    ~FakeRelayBoard() override;

    bool isValid() const { return m_master >= 0; }
    QString slavePath() const { return m_slavePath; }

    void setBehaviour(Behaviour behaviour) { m_behaviour = behaviour; }
    void setGarbageReply(const QByteArray &reply) { m_garbage = reply; }
    void setRelay(int channel, bool on) { m_relays.insert(channel, on); }
    bool relay(int channel) const { return m_relays.value(channel, false); }
    QByteArray received() const { return m_received; }
    /// Closes the master side, as if the board were unplugged.
    void unplug();

Q_SIGNALS:
    void bytesReceived();

private:
    void onReadable();
    void handleLcus();
    void handleNumato();
    void reply(const QByteArray &bytes);
    QByteArray lcusStatus();

    SerialRelayProtocol m_protocol;
    int m_channelCount;
    int m_master = -1;
    QString m_slavePath;
    QSocketNotifier *m_notifier = nullptr;
    Behaviour m_behaviour = Behaviour::Correct;
    QByteArray m_garbage = QByteArray("\x13\x00\xfe garbage", 11);
    QMap<int, bool> m_relays;
    QByteArray m_received;
    QByteArray m_pending;
    int m_statusAnswers = 0;
};
