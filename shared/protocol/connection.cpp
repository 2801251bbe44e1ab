// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "connection.h"

#include "protocollogging.h"

#include <QCoreApplication>
#include <QSslSocket>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

Connection::Connection(QSslSocket *socket, Limits limits, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_limits(limits)
    , m_decoder(limits.maximumMessageSize)
{
    m_socket->setParent(this);
    // Small request/reply messages: Nagle's algorithm would hold each one back until the previous
    // one is acknowledged, and delayed acknowledgements make that tens of milliseconds.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    const QHostAddress address = m_socket->peerAddress();
    m_peer = (address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + address.toString() + u']'
                                                                  : address.toString())
        + u':' + QString::number(m_socket->peerPort());
    connect(m_socket, &QSslSocket::readyRead, this, &Connection::onReadyRead);
    connect(m_socket, &QSslSocket::disconnected, this, [this] {
        // The last message (often the error that explains the close) may still wait unread.
        onReadyRead();
        finish(u"the peer closed the connection"_s);
    });
    connect(m_socket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError)
            onReadyRead(); // as for disconnected: read what came before the close
        else
            finish(m_socket->errorString());
    });
    if (m_limits.outputBudget) {
        connect(m_socket, &QSslSocket::bytesWritten, this, &Connection::accountOutput);
        connect(m_socket, &QSslSocket::encryptedBytesWritten, this, &Connection::accountOutput);
    }
    // Data may have arrived with the handshake, before anyone listened.
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &Connection::onReadyRead, Qt::QueuedConnection);
}

// The socket is a child and goes with this object; its last signals must not reach a half-destroyed one.
Connection::~Connection()
{
    if (m_limits.outputBudget)
        m_limits.outputBudget->add(-m_accountedOutput);
    if (!m_socketHandedOff)
        m_socket->disconnect(this);
}

qint64 Connection::pendingOutput() const
{
    return m_socketHandedOff ? 0 : m_socket->bytesToWrite() + m_socket->encryptedBytesToWrite();
}

void Connection::accountOutput()
{
    if (!m_limits.outputBudget)
        return;
    const qint64 pending = m_closed ? 0 : pendingOutput();
    m_limits.outputBudget->add(pending - m_accountedOutput);
    m_accountedOutput = pending;
}

bool Connection::send(const QJsonObject &message) { return !m_closed && sendFrame(encodeFrame(message)); }

bool Connection::sendFrame(const QByteArray &frame)
{
    if (m_closed)
        return false;
    const qint64 pending = pendingOutput();
    if (pending > m_limits.maximumPendingOutput) {
        abort(u"the peer does not read what it is sent"_s);
        return false;
    }
    if (m_limits.outputBudget && m_limits.outputBudget->isExceeded()
        && pending > m_limits.fairPendingOutput) {
        abort(u"the peer does not read what it is sent, and rackd's output budget is used up"_s);
        return false;
    }
    m_socket->write(frame);
    accountOutput();
    return true;
}

void Connection::close(const QString &reason)
{
    if (m_closed)
        return;
    // The reason is recorded first: the socket may report "disconnected" from inside the calls below.
    finish(reason);
    // The socket outlives this object until what is queued (often the error that explains the close)
    // has gone out, or a few seconds have passed.
    QSslSocket *socket = m_socket;
    m_socketHandedOff = true;
    socket->disconnect(this);
    // Held by the application meanwhile, so a program that exits at once still frees it.
    QObject *application = QCoreApplication::instance();
    socket->setParent(application && application->thread() == socket->thread() ? application : nullptr);
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(5000, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    socket->disconnectFromHost();
    if (socket->state() == QAbstractSocket::UnconnectedState)
        socket->deleteLater();
}

void Connection::abort(const QString &reason)
{
    if (m_closed)
        return;
    finish(reason);
    m_socket->abort();
}

void Connection::onReadyRead()
{
    if (m_closed)
        return;
    m_decoder.append(m_socket->readAll());
    while (!m_closed) {
        FrameDecoder::Result result = m_decoder.next();
        switch (result.status) {
        case FrameDecoder::Result::Status::NeedMore:
            return;
        case FrameDecoder::Result::Status::Message:
            Q_EMIT messageReceived(result.message);
            break;
        case FrameDecoder::Result::Status::BadPayload:
            Q_EMIT badMessageReceived(result.error);
            break;
        case FrameDecoder::Result::Status::Fatal:
            qCWarning(lcProtocol).noquote() << m_peer << "sent a broken frame:" << result.error;
            abort(result.error);
            return;
        }
    }
}

void Connection::finish(const QString &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    accountOutput(); // what is left to send no longer counts: the socket flushes or drops it on its own
    qCDebug(lcProtocol).noquote() << m_peer << "closed:" << reason;
    Q_EMIT closed(reason);
}
