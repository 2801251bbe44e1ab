// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clientsession.h"
#include "protocol/tlsidentity.h"

#include <QSslServer>

/// rackd's TLS control port: accepts clients and hands each to a ClientSession.
class ControlServer : public QObject
{
    Q_OBJECT

public:
    static constexpr int MaximumSessions = 256;

    ControlServer(RackService *service, QObject *parent = nullptr);

    bool listen(const QHostAddress &address, quint16 port, const TlsIdentity &identity, QString *error);
    quint16 port() const { return m_server.serverPort(); }
    int sessionCount() const { return int(m_sessions.size()); }
    void setSessionLimits(ClientSession::Limits limits) { m_sessionLimits = limits; }
    void setConnectionLimits(Connection::Limits limits) { m_connectionLimits = limits; }

private:
    void acceptPending();
    void broadcast(const Protocol::Event &event);

    RackService *m_service;
    QSslServer m_server;
    QList<ClientSession *> m_sessions;
    ClientSession::Limits m_sessionLimits;
    Connection::Limits m_connectionLimits;
};
