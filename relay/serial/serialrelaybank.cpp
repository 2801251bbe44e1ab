// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "serialrelaybank.h"

#include "relaylogging.h"

using namespace Qt::Literals::StringLiterals;

SerialRelayBank::SerialRelayBank(
    QList<RelayChannelInfo> channels, RelaySafety safety, Settings settings, QObject *parent)
    : RelayBank(std::move(channels), safety, parent)
    , m_settings(std::move(settings))
    , m_codec(SerialRelayCodec::create(m_settings.protocol))
{
    m_replyTimer.setSingleShot(true);
    m_replyTimer.setTimerType(Qt::PreciseTimer); // the timeout a person is told is the one that applies
    connect(&m_replyTimer, &QTimer::timeout, this, &SerialRelayBank::onTimeout);
    connect(&m_port, &QSerialPort::readyRead, this, &SerialRelayBank::onReadyRead);
    connect(&m_port, &QSerialPort::bytesWritten, this, &SerialRelayBank::onBytesWritten);
    connect(&m_port, &QSerialPort::errorOccurred, this, &SerialRelayBank::onPortError);
}

SerialRelayBank::~SerialRelayBank() { close(); }

QString SerialRelayBank::backendName() const { return u"serial"_s; }

QString SerialRelayBank::deviceDescription() const
{
    return u"%1 (%2 board)"_s.arg(m_settings.portName, m_codec->name());
}

bool SerialRelayBank::openDevice(const QMap<int, bool> &initialStates, QString *error)
{
    Q_UNUSED(initialStates) // a board holds its relays; the caller re-asserts them with commands
    m_port.setPortName(m_settings.portName);
    if (!m_port.open(QIODevice::ReadWrite)) {
        *error = u"cannot open the serial port %1: %2"_s.arg(m_settings.portName, m_port.errorString());
        return false;
    }
    const bool configured = m_port.setBaudRate(m_settings.baudRate) && m_port.setDataBits(QSerialPort::Data8)
        && m_port.setParity(QSerialPort::NoParity) && m_port.setStopBits(QSerialPort::OneStop)
        && m_port.setFlowControl(QSerialPort::NoFlowControl);
    if (!configured) {
        *error = u"cannot set %1 to %2 8N1: %3"_s.arg(m_settings.portName)
                     .arg(m_settings.baudRate)
                     .arg(m_port.errorString());
        m_port.close();
        return false;
    }
    m_port.clear();
    m_statusQueries = 0;
    m_stage = Stage::Idle;
    return true;
}

void SerialRelayBank::closeDevice()
{
    m_replyTimer.stop();
    m_stage = Stage::Idle;
    if (m_port.isOpen())
        m_port.close();
}

void SerialRelayBank::send(Stage stage, const QByteArray &bytes)
{
    m_stage = stage;
    m_received.clear();
    m_port.readAll(); // what arrived before the question is not its answer
    qCDebug(lcRelay) << "serial >" << bytes.toHex(' ');
    if (m_port.write(bytes) != bytes.size()) {
        finish(std::nullopt, u"cannot write to %1: %2"_s.arg(m_settings.portName, m_port.errorString()));
        return;
    }
    m_replyTimer.start(m_settings.replyTimeout);
}

void SerialRelayBank::startSwitch(int channel, bool on)
{
    m_channel = channel;
    m_wanted = on;
    m_verifyRetried = false;
    send(Stage::Switching, m_codec->switchCommand(channel, on));
}

void SerialRelayBank::startRead(int channel)
{
    m_channel = channel;
    send(Stage::Reading, m_codec->statusCommand(channel));
}

void SerialRelayBank::onBytesWritten()
{
    if (m_stage != Stage::Switching || m_codec->switchIsAnswered())
        return;
    if (m_port.bytesToWrite() > 0)
        return;
    // An unanswered command is done once it has left; verify it if the board can tell.
    handleReply(SerialReply::complete());
}

void SerialRelayBank::onReadyRead()
{
    const QByteArray bytes = m_port.readAll();
    qCDebug(lcRelay) << "serial <" << bytes.toHex(' ');
    if (m_stage == Stage::Idle)
        return; // unsolicited: nothing is waiting for it
    m_received += bytes;
    switch (m_stage) {
    case Stage::Switching:
        if (m_codec->switchIsAnswered())
            handleReply(m_codec->parseSwitchReply(m_received, m_channel, m_wanted));
        break;
    case Stage::Verifying:
    case Stage::Reading:
        handleReply(m_codec->parseStatusReply(m_received, m_channel));
        break;
    case Stage::Idle:
        break;
    }
}

void SerialRelayBank::handleReply(const SerialReply &reply)
{
    if (reply.status == SerialReply::Status::Incomplete)
        return;
    m_replyTimer.stop();
    if (reply.status == SerialReply::Status::Garbage) {
        finish(std::nullopt, u"the relay board answered garbage: %1"_s.arg(reply.error));
        return;
    }
    const bool statusReply = m_stage == Stage::Verifying || m_stage == Stage::Reading;
    if (statusReply && m_statusQueries++ == 0 && m_codec->firstStatusMayBeStale()) {
        send(m_stage, m_codec->statusCommand(m_channel)); // the first answer may predate the last command
        return;
    }
    switch (m_stage) {
    case Stage::Switching:
        if (m_settings.verifySwitches)
            send(Stage::Verifying, m_codec->statusCommand(m_channel));
        else
            finish(m_wanted);
        return;
    case Stage::Verifying:
        if (reply.state != m_wanted && !m_verifyRetried) {
            m_verifyRetried = true; // one more look before calling it a failure
            send(Stage::Verifying, m_codec->statusCommand(m_channel));
            return;
        }
        finish(reply.state);
        return;
    case Stage::Reading:
        finish(reply.state);
        return;
    case Stage::Idle:
        return;
    }
}

void SerialRelayBank::onTimeout()
{
    if (m_stage == Stage::Idle)
        return;
    const QString what = m_stage == Stage::Switching && !m_codec->switchIsAnswered()
        ? u"did not take the command"_s
        : m_received.isEmpty()
        ? u"did not answer"_s
        : u"sent an incomplete answer (\"%1\")"_s.arg(QString::fromLatin1(m_received.toHex(' ')));
    finish(std::nullopt,
        u"the relay board %1 within %2 ms (is serial_port right, and is it a %3 board?)"_s.arg(what)
            .arg(m_settings.replyTimeout.count())
            .arg(m_codec->name()));
}

void SerialRelayBank::onPortError(QSerialPort::SerialPortError error)
{
    // While opening, openDevice() reports the failure itself.
    if (error == QSerialPort::NoError || error == QSerialPort::TimeoutError || !isOpen())
        return;
    if (error == QSerialPort::ResourceError || error == QSerialPort::PermissionError
        || error == QSerialPort::DeviceNotFoundError) {
        const QString message
            = u"lost the relay board on %1: %2"_s.arg(m_settings.portName, m_port.errorString());
        m_replyTimer.stop();
        m_stage = Stage::Idle;
        reportDeviceFailure(message);
        return;
    }
    if (m_stage != Stage::Idle)
        finish(std::nullopt, u"serial port error on %1: %2"_s.arg(m_settings.portName, m_port.errorString()));
    m_port.clearError();
}

void SerialRelayBank::finish(std::optional<bool> state, const QString &error)
{
    m_replyTimer.stop();
    m_stage = Stage::Idle;
    m_received.clear();
    finishCommand(state, error);
}
