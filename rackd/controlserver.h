// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clientsession.h"
#include "protocol/tlsidentity.h"

#include <QSet>
#include <QSslServer>

/// rackd's TLS control port: accepts clients and hands each to a ClientSession.
class ControlServer : public QObject
{
    Q_OBJECT

public:
    /// Connections that are not a node's agent: people's clients, and anything still saying hello.
    /// Agents are not counted: a rack holds as many as its inventory, one connection each.
    static constexpr int MaximumClientSessions = 256;

    ControlServer(RackService *service, QObject *parent = nullptr);

    bool listen(const QHostAddress &address, quint16 port, const TlsIdentity &identity, QString *error);
    quint16 port() const { return m_server.serverPort(); }
    int sessionCount() const { return int(m_clientSessions.size() + m_agentSessions.size()); }
    void setSessionLimits(ClientSession::Limits limits) { m_sessionLimits = limits; }
    void setConnectionLimits(Connection::Limits limits) { m_connectionLimits = limits; }

private:
    void acceptPending();
    void broadcast(const Protocol::Event &event);

    RackService *m_service;
    QSslServer m_server;
    QSet<ClientSession *> m_clientSessions; ///< Everything but the nodes' agents: what events go to.
    QSet<ClientSession *> m_agentSessions;
    ClientSession::Limits m_sessionLimits;
    Connection::Limits m_connectionLimits;
};
