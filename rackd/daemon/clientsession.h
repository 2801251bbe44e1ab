// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/connection.h"
#include "rackservice.h"

#include <QSet>
#include <QTimer>

/**
 * One client of rackd, from its first message to its last: it must say hello with a good
 * token first, then may send requests (a bounded number at a time) and subscribe to events.
 * Anything malformed gets an error; a broken frame or a bad hello closes the connection.
 */
class ClientSession : public QObject
{
    Q_OBJECT

public:
    struct Limits
    {
        /// From the end of the TLS handshake; it keeps running whatever the peer sends meanwhile.
        std::chrono::milliseconds helloTimeout {5000};
        int maximumRequestsInFlight = 32;
        int maximumBadMessages = 20; ///< Then the client is not worth serving.
        /// Once authenticated; before, the connection accepts no more than a hello's size.
        qint64 maximumMessageSize = Protocol::MaximumMessageSize;
        /// Agents: requests a node may leave unanswered; more fail at once (a hung node holds little).
        int maximumAgentRequests = 64;
    };
    /// Whether one more person's client may be served; false fills in the refusal.
    using ClientAdmission = std::function<bool(Protocol::Error *refusal)>;

    ClientSession(Connection *connection, RackService *service, Limits limits, QObject *parent = nullptr);

    void setClientAdmission(ClientAdmission admission) { m_clientAdmission = std::move(admission); }
    /// "203.0.113.7:50312".
    QString peer() const { return m_connection->peer(); }
    bool isAuthenticated() const { return m_caller.has_value(); }
    bool isAgent() const { return m_caller && m_caller->isAgent(); }
    /// Sends the error and closes.
    void refuse(const QString &code, const QString &message) { closeWithError(code, message); }

    void sendEvent(const Protocol::Event &event);
    /// Agents only: asks the node something; `handler` runs once, with its answer or a failure.
    void sendAgentRequest(qint64 requestId, const QByteArray &frame, NodeManager::ReplyHandler handler);
    bool isSubscribedTo(const QString &eventName) const;

Q_SIGNALS:
    void finished();
    /// The hello was accepted (a person's client, a node's agent or a joining node).
    void authenticated();
    /// A node's agent authenticated on this connection and is now the node's way in.
    void agentOnline();

private:
    void onMessage(const QJsonObject &message);
    void onBadMessage(const QString &problem);
    void onHello(const QJsonObject &message);
    void onRequest(const QJsonObject &message);
    void onAgentMessage(const QJsonObject &message);
    void registerAgent(const QString &mac);
    void sendReply(const Protocol::Reply &reply);
    void closeWithError(const QString &code, const QString &message);

    Connection *m_connection;
    RackService *m_service;
    Limits m_limits;
    QTimer m_helloTimer;
    std::optional<Caller> m_caller;
    ClientAdmission m_clientAdmission;
    int m_inFlight = 0;
    int m_badMessages = 0;
    QSet<QString> m_subscriptions;
    QHash<qint64, NodeManager::ReplyHandler> m_agentRequests; ///< Asked of this agent, not answered yet.
};
