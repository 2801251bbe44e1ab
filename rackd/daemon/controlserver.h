// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clientsession.h"
#include "protocol/tlsidentity.h"
#include "unauthenticatedbudget.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QSslConfiguration>
#include <QTimer>
#include <memory>

class QSslSocket;
class QTcpServer;

/**
 * rackd's TLS control port. It runs every TLS handshake itself, under a deadline, and hands each
 * connection whose handshake finished to a ClientSession.
 *
 * Three separate budgets: connections not authenticated yet (handshake and hello: in total and per
 * source, the oldest stranger making room for a newcomer when all are taken), people's clients
 * (MaximumClientSessions), and nodes' agents (as many as the inventory). Whatever a peer does
 * before its hello is accepted costs a small, fixed amount, and frees its slot on every path.
 */
class ControlServer : public QObject
{
    Q_OBJECT

public:
    /// Authenticated people's clients at once. Agents are not counted: a rack holds as many as its
    /// inventory, one connection each.
    static constexpr int MaximumClientSessions = 256;

    struct Limits
    {
        UnauthenticatedBudget::Limits unauthenticated;
        std::chrono::milliseconds handshakeTimeout {5000};
        /// All connections' unsent output together (each connection also has its own cap).
        qint64 outputBudget = 128 * 1024 * 1024;
    };

    ControlServer(RackService *service, QObject *parent = nullptr);
    ~ControlServer() override;

    bool listen(const QHostAddress &address, quint16 port, const TlsIdentity &identity, QString *error);
    quint16 port() const;
    /// Authenticated sessions and those still saying hello (not the handshakes before them).
    int sessionCount() const { return int(m_sessions.size()); }
    int clientSessionCount() const { return int(m_clientSessions.size()); }
    /// Connections in their TLS handshake or before their hello: what strangers can hold.
    int unauthenticatedCount() const { return m_unauthenticated.total(); }
    void setLimits(const Limits &limits);
    void setSessionLimits(ClientSession::Limits limits) { m_sessionLimits = limits; }
    void setConnectionLimits(Connection::Limits limits)
    {
        m_connectionLimits = limits;
        m_connectionLimits.outputBudget = &m_outputBudget; // always the server's own
    }
    qint64 outputBudgetUsed() const { return m_outputBudget.usedBytes(); }

private:
    class Listener;
    void onIncoming(qintptr descriptor);
    void onEncrypted(QSslSocket *socket);
    void dropHandshake(QSslSocket *socket, const QString &reason);
    void makeRoomFor(const QHostAddress &peer);
    void releaseUnauthenticated(QObject *holder);
    bool admitClient(ClientSession *session, Protocol::Error *refusal);
    void onAcceptError(QAbstractSocket::SocketError error);
    void noteRefusal(const QString &peer, const QString &why);
    void broadcast(const Protocol::Event &event);

    RackService *m_service;
    std::unique_ptr<Listener> m_listener;
    QSslConfiguration m_tls;
    Limits m_limits;
    UnauthenticatedBudget m_unauthenticated;
    QHash<QObject *, QHostAddress> m_unauthenticatedHolders; ///< Handshaking sockets, sessions before hello.
    QList<QObject *> m_unauthenticatedOrder; ///< The same, oldest first.
    OutputBudget m_outputBudget;
    QSet<ClientSession *> m_sessions;
    QSet<ClientSession *> m_clientSessions; ///< People's, authenticated: what events go to.
    ClientSession::Limits m_sessionLimits;
    Connection::Limits m_connectionLimits;
    QTimer m_acceptRetry;
    // Refusals are many when someone floods the port: they are logged as a count now and then.
    QElapsedTimer m_refusalLogClock;
    int m_refusalsNotLogged = 0;
};
