// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakerelayboard.h"

#include <QSocketNotifier>

#include <cerrno>
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

FakeRelayBoard::FakeRelayBoard(SerialRelayProtocol protocol, int channelCount, QObject *parent)
    : QObject(parent)
    , m_protocol(protocol)
    , m_channelCount(channelCount)
{
    m_master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (m_master < 0 || grantpt(m_master) != 0 || unlockpt(m_master) != 0) {
        if (m_master >= 0)
            ::close(m_master);
        m_master = -1;
        return;
    }
    m_slavePath = QString::fromLocal8Bit(ptsname(m_master));
    m_notifier = new QSocketNotifier(m_master, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &FakeRelayBoard::onReadable);
}

FakeRelayBoard::~FakeRelayBoard() { unplug(); }

void FakeRelayBoard::unplug()
{
    if (m_master < 0)
        return;
    delete m_notifier;
    m_notifier = nullptr;
    ::close(m_master);
    m_master = -1;
}

void FakeRelayBoard::onReadable()
{
    char buffer[256];
    const ssize_t count = ::read(m_master, buffer, sizeof buffer);
    if (count <= 0) {
        // EIO: nobody has the slave open (yet); wait for the next notification.
        return;
    }
    m_received.append(buffer, count);
    m_pending.append(buffer, count);
    if (m_protocol == SerialRelayProtocol::Lcus)
        handleLcus();
    else
        handleNumato();
    Q_EMIT bytesReceived();
}

void FakeRelayBoard::reply(const QByteArray &bytes)
{
    if (m_master >= 0 && m_behaviour != Behaviour::Silent)
        (void)::write(m_master, bytes.constData(), size_t(bytes.size()));
}

QByteArray FakeRelayBoard::lcusStatus()
{
    const bool stale = m_behaviour == Behaviour::StaleFirstStatus && m_statusAnswers == 0;
    ++m_statusAnswers;
    QByteArray answer;
    for (int channel = 1; channel <= m_channelCount; ++channel) {
        const bool on = !stale && relay(channel);
        answer += "CH" + QByteArray::number(channel) + (on ? ": ON \r\n" : ": OFF\r\n");
    }
    return answer;
}

void FakeRelayBoard::handleLcus()
{
    while (!m_pending.isEmpty()) {
        const auto first = static_cast<unsigned char>(m_pending.at(0));
        if (first == 0xFF) {
            m_pending.remove(0, 1);
            reply(m_behaviour == Behaviour::Garbage ? m_garbage : lcusStatus());
            continue;
        }
        if (first != 0xA0) {
            m_pending.remove(0, 1); // a real board ignores what it does not understand
            continue;
        }
        if (m_pending.size() < 4)
            return;
        const auto channel = static_cast<unsigned char>(m_pending.at(1));
        const auto op = static_cast<unsigned char>(m_pending.at(2));
        const auto sum = static_cast<unsigned char>(m_pending.at(3));
        m_pending.remove(0, 4);
        if (sum == ((0xA0 + channel + op) & 0xFF) && m_behaviour != Behaviour::IgnoresSwitches)
            m_relays.insert(channel, op == 0x01);
        if (m_behaviour == Behaviour::Garbage)
            reply(m_garbage);
    }
}

void FakeRelayBoard::handleNumato()
{
    qsizetype end;
    while ((end = m_pending.indexOf('\r')) >= 0) {
        const QByteArray command = m_pending.left(end);
        m_pending.remove(0, end + 1);
        if (m_behaviour == Behaviour::Garbage) {
            reply(m_garbage);
            continue;
        }
        QByteArray answer = command + "\n\r"; // the echo
        const QList<QByteArray> words = command.split(' ');
        const auto channelOf = [](const QByteArray &name) {
            const char c = name.isEmpty() ? '?' : name.at(0);
            return c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10;
        };
        if (words.size() == 3 && words.at(0) == "relay") {
            const int channel = channelOf(words.at(2));
            if (words.at(1) == "on" || words.at(1) == "off") {
                if (m_behaviour != Behaviour::IgnoresSwitches)
                    m_relays.insert(channel, words.at(1) == "on");
            } else if (words.at(1) == "read") {
                answer += (relay(channel) ? "on" : "off") + QByteArray("\n\r");
            }
        }
        reply(answer + ">");
    }
}
