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
        std::chrono::milliseconds helloTimeout {10000};
        int maximumRequestsInFlight = 32;
        int maximumBadMessages = 20; ///< Then the client is not worth serving.
    };

    ClientSession(Connection *connection, RackService *service, Limits limits, QObject *parent = nullptr);

    void sendEvent(const Protocol::Event &event);
    /// Agents only: asks the node something; `handler` runs once, with its answer or a failure.
    void sendAgentRequest(qint64 requestId, const QByteArray &frame, NodeManager::ReplyHandler handler);
    bool isSubscribedTo(const QString &eventName) const;

Q_SIGNALS:
    void finished();
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
    bool m_helloPending = false;
    int m_inFlight = 0;
    int m_badMessages = 0;
    QSet<QString> m_subscriptions;
    QList<QJsonObject> m_backlog;
    QHash<qint64, NodeManager::ReplyHandler>
        m_agentRequests; ///< Asked of this agent, not answered yet. ///< Messages that came while the hello
                         ///< was being checked.
};
