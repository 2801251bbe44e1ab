// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackclient.h"

#include "protocol/protocollogging.h"
#include "protocol/tlsconfiguration.h"

#include <QSslSocket>

using namespace Qt::Literals::StringLiterals;

RackClient::RackClient(QObject *parent)
    : QObject(parent)
{ }

RackClient::~RackClient()
{
    m_pending.clear(); // no handler runs from a destructor
}

void RackClient::connectToRack(const Options &options)
{
    disconnectFromRack();
    ++m_generation;
    m_options = options;
    m_welcome.reset();
    m_serverFingerprint.clear();
    m_errorCode.clear();
    m_errorMessage.clear();
    m_ended = false;

    m_socket = new QSslSocket(this);
    m_socket->setSslConfiguration(PiRackTls::clientConfiguration());
    connect(m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        m_serverFingerprint = certificateFingerprint(m_socket->peerCertificate());
        if (!m_options.pinnedFingerprint.isEmpty() && m_serverFingerprint == m_options.pinnedFingerprint
            && PiRackTls::acceptPinnedPeer(m_socket, errors, m_options.pinnedFingerprint))
            return;
        // Not trusted: nothing more goes over this socket. Receivers of the signals below may end or
        // restart the connection; the generation tells whether this one is still ours to end.
        m_socket->abort();
        const quint64 generation = m_generation;
        if (m_options.pinnedFingerprint.isEmpty()) {
            Q_EMIT untrustedServer(m_serverFingerprint);
            if (generation == m_generation)
                end(u"untrusted"_s,
                    u"the server's fingerprint %1 is not trusted yet"_s.arg(m_serverFingerprint));
        } else if (m_serverFingerprint != m_options.pinnedFingerprint) {
            Q_EMIT fingerprintMismatch(m_options.pinnedFingerprint, m_serverFingerprint);
            if (generation == m_generation)
                end(u"fingerprint_mismatch"_s,
                    u"the server presents %1, but %2 is pinned"_s.arg(
                        m_serverFingerprint, m_options.pinnedFingerprint));
        } else {
            end(u"tls"_s, errors.isEmpty() ? u"TLS error"_s : errors.constFirst().errorString());
        }
    });
    connect(m_socket, &QSslSocket::encrypted, this, &RackClient::onEncrypted);
    connect(m_socket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (!m_connection)
            end(u"connection"_s, m_socket->errorString());
    });
    if (!options.localAddress.isNull() && !m_socket->bind(options.localAddress)) {
        const QString reason = u"cannot use the local address %1: %2"_s.arg(
            options.localAddress.toString(), m_socket->errorString());
        QMetaObject::invokeMethod(
            this,
            [this, reason, generation = m_generation] {
                if (generation == m_generation)
                    end(u"connection"_s, reason);
            },
            Qt::QueuedConnection);
        return;
    }
    m_socket->connectToHostEncrypted(options.host, options.port);
}

void RackClient::disconnectFromRack()
{
    if (m_connection)
        m_connection->close(u"the client disconnected"_s);
    else if (m_socket)
        m_socket->abort();
    end(QString(), u"the client disconnected"_s);
}

void RackClient::onEncrypted()
{
    m_serverFingerprint = certificateFingerprint(m_socket->peerCertificate());
    if (m_serverFingerprint != m_options.pinnedFingerprint) {
        // A certificate that raised no error is still not trusted unless it is the pinned one.
        m_socket->abort();
        const quint64 generation = m_generation;
        Q_EMIT fingerprintMismatch(m_options.pinnedFingerprint, m_serverFingerprint);
        if (generation == m_generation)
            end(u"fingerprint_mismatch"_s, u"the server presents %1"_s.arg(m_serverFingerprint));
        return;
    }
    // What rackd (pinned, so trusted) sends grows with the rack: the `nodes` answer or an `exec`
    // reply for thousands of Pis is megabytes, more than the 1 MiB rackd accepts from a client.
    Connection::Limits limits;
    limits.maximumMessageSize = 64 * 1024 * 1024;
    m_connection = new Connection(m_socket, limits, this);
    connect(m_connection, &Connection::messageReceived, this, &RackClient::onMessage);
    connect(m_connection, &Connection::closed, this, [this](const QString &reason) {
        end(m_errorCode, m_errorMessage.isEmpty() ? reason : m_errorMessage);
    });
    Protocol::Hello hello {Protocol::Version, m_options.software, m_options.token};
    hello.joinSecret = m_options.joinSecret;
    hello.agent = m_options.agentIdentity;
    m_connection->send(hello.toJson());
}

void RackClient::onMessage(const QJsonObject &message)
{
    const QString type = Protocol::typeOf(message);
    QString problem;
    if (type == Protocol::Type::Welcome) {
        m_welcome = Protocol::Welcome::fromJson(message, &problem);
        if (m_welcome)
            Q_EMIT ready(*m_welcome);
        else
            end(Protocol::ErrorCode::BadMessage, u"rackd sent a bad welcome: %1"_s.arg(problem));
    } else if (type == Protocol::Type::Reply) {
        const std::optional<Protocol::Reply> reply = Protocol::Reply::fromJson(message, &problem);
        if (!reply)
            return;
        const ReplyHandler handler = m_pending.take(reply->id);
        if (handler)
            handler(*reply);
    } else if (type == Protocol::Type::Request) {
        if (const auto request = Protocol::Request::fromJson(message, &problem))
            Q_EMIT requestReceived(*request);
    } else if (type == Protocol::Type::Event) {
        if (const auto event = Protocol::Event::fromJson(message, &problem))
            Q_EMIT eventReceived(*event);
    } else if (type == Protocol::Type::Error) {
        const auto error = Protocol::Error::fromJson(message.value(u"error"_s).toObject(), &problem);
        if (error) {
            m_errorCode = error->code;
            m_errorMessage = error->message;
            qCWarning(lcProtocol).noquote() << "rackd:" << error->code << error->message;
        }
    }
}

qint64 RackClient::request(Protocol::Method method, const QJsonObject &params, ReplyHandler handler)
{
    return request(Protocol::name(method), params, std::move(handler));
}

qint64 RackClient::request(const QString &method, const QJsonObject &params, ReplyHandler handler)
{
    const qint64 id = m_nextId++;
    if (!m_connection || !m_welcome) {
        const Protocol::Reply failure
            = Protocol::Reply::failure(id, u"not_connected"_s, u"not connected to rackd"_s);
        QMetaObject::invokeMethod(
            this, [handler, failure] { handler(failure); }, Qt::QueuedConnection);
        return id;
    }
    m_pending.insert(id, std::move(handler));
    m_connection->send(Protocol::Request {id, method, params}.toJson());
    return id;
}

bool RackClient::sendEvent(const Protocol::Event &event)
{
    return m_connection && m_welcome && m_connection->send(event.toJson());
}

bool RackClient::sendReply(const Protocol::Reply &reply)
{
    return m_connection && m_welcome && m_connection->send(reply.toJson());
}

void RackClient::end(const QString &code, const QString &reason)
{
    if (m_ended)
        return;
    m_ended = true;
    m_welcome.reset();
    const QHash<qint64, ReplyHandler> pending = std::exchange(m_pending, {});
    for (auto it = pending.cbegin(); it != pending.cend(); ++it)
        it.value()(Protocol::Reply::failure(it.key(), u"disconnected"_s, reason));
    if (m_socket)
        m_socket->disconnect(this); // its last signals (errors after an abort) are not ours to hear
    if (m_connection) {
        m_connection->disconnect(this);
        m_connection->deleteLater(); // owns the socket
        m_connection = nullptr;
        m_socket = nullptr;
    } else if (m_socket) {
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    Q_EMIT disconnected(code, reason);
}
