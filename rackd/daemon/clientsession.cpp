// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clientsession.h"

#include "daemonlogging.h"

#include <QJsonArray>
#include <QPointer>
#include <QSslSocket>

using namespace Qt::Literals::StringLiterals;
namespace ErrorCode = Protocol::ErrorCode;

ClientSession::ClientSession(Connection *connection, RackService *service, Limits limits, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_service(service)
    , m_limits(limits)
{
    m_connection->setParent(this);
    connect(m_connection, &Connection::messageReceived, this, &ClientSession::onMessage);
    connect(m_connection, &Connection::badMessageReceived, this, &ClientSession::onBadMessage);
    connect(m_connection, &Connection::closed, this, [this](const QString &reason) {
        qCDebug(lcDaemon).noquote() << "session" << m_connection->peer() << "ended:" << reason;
        m_helloTimer.stop();
        if (m_caller && m_caller->isAgent()) {
            // Whatever this node was asked and has not answered, it will not answer now.
            const auto pending = std::exchange(m_agentRequests, {});
            for (auto it = pending.cbegin(); it != pending.cend(); ++it)
                it.value()(Protocol::Reply::failure(it.key(), u"disconnected"_s, u"the node disconnected"_s));
            m_service->nodes()->agentDisconnected(m_caller->agentMac, this);
        }
        Q_EMIT finished();
    });
    m_helloTimer.setSingleShot(true);
    connect(&m_helloTimer, &QTimer::timeout, this,
        [this] { closeWithError(ErrorCode::Unauthenticated, u"no hello within the time allowed"_s); });
    m_helloTimer.start(m_limits.helloTimeout);
}

bool ClientSession::isSubscribedTo(const QString &eventName) const
{
    return m_subscriptions.contains(eventName);
}

void ClientSession::sendEvent(const Protocol::Event &event)
{
    if (m_caller)
        m_connection->send(event.toJson());
}

void ClientSession::closeWithError(const QString &code, const QString &message)
{
    m_connection->send(Protocol::connectionError(code, message));
    m_connection->close(message);
}

void ClientSession::onBadMessage(const QString &problem)
{
    if (++m_badMessages > m_limits.maximumBadMessages) {
        closeWithError(ErrorCode::BadMessage, u"too many malformed messages"_s);
        return;
    }
    m_connection->send(Protocol::connectionError(ErrorCode::BadMessage, problem));
}

void ClientSession::onMessage(const QJsonObject &message)
{
    if (!m_caller) {
        onHello(message);
        return;
    }
    if (m_caller->isAgent()) {
        onAgentMessage(message);
        return;
    }
    if (Protocol::typeOf(message) != Protocol::Type::Request) {
        onBadMessage(u"expected a request, not \"%1\""_s.arg(Protocol::typeOf(message)));
        return;
    }
    onRequest(message);
}

// Checked at once, in full: nothing of a stranger is kept waiting. A source that keeps failing
// is told when to come back, and its token is not even looked at until then.
void ClientSession::onHello(const QJsonObject &message)
{
    QString problem;
    const std::optional<Protocol::Hello> hello = Protocol::Hello::fromJson(message, &problem);
    if (!hello) {
        closeWithError(ErrorCode::BadMessage, u"the first message must be a hello: %1"_s.arg(problem));
        return;
    }
    const QHostAddress source = m_connection->socket()->peerAddress();
    const std::chrono::milliseconds wait = m_service->authenticator()->throttle().admit(source);
    if (wait.count() > 0) {
        closeWithError(ErrorCode::TooManyRequests,
            u"too many failed logins from this address; try again in %1 s"_s.arg(
                (wait.count() + 999) / 1000));
        return;
    }
    Caller caller;
    Protocol::Error error;
    if (!m_service->authenticator()->authenticate(*hello, source, m_connection->peer(), &caller, &error)) {
        closeWithError(error.code, error.message);
        return;
    }
    if (!caller.isAgent() && m_clientAdmission && !m_clientAdmission(&error)) {
        closeWithError(error.code, error.message);
        return;
    }
    m_helloTimer.stop();
    m_caller = caller;
    m_connection->setMaximumMessageSize(m_limits.maximumMessageSize);
    Protocol::Welcome welcome {Protocol::Version, u"rackd " PIRACK_VERSION_STRING ""_s, caller.token.name,
        caller.isAgent() ? u"node"_s : roleName(caller.token.role)};
    welcome.credential = caller.newCredential;
    m_connection->send(welcome.toJson());
    m_caller->newCredential.clear(); // handed over; not kept
    Q_EMIT authenticated();
    // A join is a one-shot exchange; the node is online once its agent connects with the credential.
    if (caller.isAgent() && caller.newCredential.isEmpty())
        registerAgent(caller.agentMac);
}

void ClientSession::registerAgent(const QString &mac)
{
    QPointer<ClientSession> session(this);
    NodeManager *nodes = m_service->nodes();
    nodes->agentConnected(
        mac, this,
        [session](const QString &reason) {
            if (ClientSession *alive = session.data())
                alive->closeWithError(ErrorCode::Conflict, reason);
        },
        [session](qint64 requestId, const QByteArray &frame, NodeManager::ReplyHandler handler) {
            if (ClientSession *alive = session.data())
                alive->sendAgentRequest(requestId, frame, std::move(handler));
            else
                handler(Protocol::Reply::failure(requestId, u"disconnected"_s, u"the node disconnected"_s));
        },
        m_connection->socket() ? m_connection->socket()->peerAddress() : QHostAddress());
    Q_EMIT agentOnline();
}

void ClientSession::sendAgentRequest(
    qint64 requestId, const QByteArray &frame, NodeManager::ReplyHandler handler)
{
    if (!m_connection->isOpen()) {
        handler(Protocol::Reply::failure(requestId, u"disconnected"_s, u"the node disconnected"_s));
        return;
    }
    if (m_agentRequests.size() >= m_limits.maximumAgentRequests) {
        handler(Protocol::Reply::failure(requestId, ErrorCode::TooManyRequests,
            u"the node has left %1 requests unanswered"_s.arg(m_agentRequests.size())));
        return;
    }
    m_agentRequests.insert(requestId, std::move(handler));
    m_connection->sendFrame(frame);
}

void ClientSession::onAgentMessage(const QJsonObject &message)
{
    QString problem;
    const QString type = Protocol::typeOf(message);
    if (type == Protocol::Type::Event) {
        const std::optional<Protocol::Event> event = Protocol::Event::fromJson(message, &problem);
        if (event && event->name == Protocol::name(Protocol::EventName::NodeHeartbeat)) {
            if (!m_service->nodes()->heartbeat(m_caller->agentMac, event->data, &problem))
                onBadMessage(problem);
            return;
        }
        onBadMessage(event ? u"unknown event \"%1\" from an agent"_s.arg(event->name) : problem);
        return;
    }
    if (type == Protocol::Type::Reply) {
        const std::optional<Protocol::Reply> reply = Protocol::Reply::fromJson(message, &problem);
        if (!reply) {
            onBadMessage(problem);
            return;
        }
        const NodeManager::ReplyHandler handler = m_agentRequests.take(reply->id);
        if (handler)
            handler(*reply); // else: late, after its timeout
        return;
    }
    onBadMessage(u"an agent sends heartbeats and replies, not \"%1\""_s.arg(type));
}

void ClientSession::onRequest(const QJsonObject &message)
{
    QString problem;
    const std::optional<Protocol::Request> request = Protocol::Request::fromJson(message, &problem);
    if (!request) {
        const double id = message.value(u"id"_s).toDouble(-1);
        if (id >= 1 && id <= double(Protocol::MaximumRequestId) && id == double(qint64(id)))
            sendReply(Protocol::Reply::failure(qint64(id), ErrorCode::BadRequest, problem));
        else
            onBadMessage(problem);
        return;
    }
    if (m_inFlight >= m_limits.maximumRequestsInFlight) {
        sendReply(Protocol::Reply::failure(request->id, ErrorCode::TooManyRequests,
            u"%1 requests are already waiting for their replies"_s.arg(m_inFlight)));
        return;
    }
    if (request->method == Protocol::name(Protocol::Method::Subscribe)) {
        QSet<QString> wanted;
        const QJsonArray events = request->params.value(u"events"_s).toArray();
        for (const QJsonValue &value : events) {
            if (!Protocol::eventFamilies().contains(value.toString())) {
                sendReply(Protocol::Reply::failure(request->id, ErrorCode::BadRequest,
                    u"unknown event \"%1\" (known: %2)"_s.arg(
                        value.toVariant().toString(), Protocol::eventFamilies().join(u", "_s))));
                return;
            }
            wanted.insert(value.toString());
        }
        m_subscriptions = wanted;
        QJsonArray subscribed;
        for (const QString &name : std::as_const(m_subscriptions))
            subscribed.append(name);
        sendReply(Protocol::Reply::success(request->id, {{u"events"_s, subscribed}}));
        return;
    }
    ++m_inFlight;
    QPointer<ClientSession> self(this);
    const auto progress = [self](const Protocol::Event &event) {
        if (ClientSession *session = self.data())
            session->m_connection->send(event.toJson());
    };
    m_service->handle(*m_caller, *request, progress, [self](const Protocol::Reply &reply) {
        if (ClientSession *session = self.data()) { // else the client left before its answer was ready
            --session->m_inFlight;
            session->sendReply(reply);
        }
    });
}

void ClientSession::sendReply(const Protocol::Reply &reply) { m_connection->send(reply.toJson()); }
