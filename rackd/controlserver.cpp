// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "controlserver.h"

#include "daemonlogging.h"
#include "protocol/tlsconfiguration.h"

#include <QSslSocket>

using namespace Qt::Literals::StringLiterals;

ControlServer::ControlServer(RackService *service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{
    m_server.setHandshakeTimeout(10000);
    connect(&m_server, &QSslServer::pendingConnectionAvailable, this, &ControlServer::acceptPending);
    connect(
        &m_server, &QSslServer::errorOccurred, this, [](QSslSocket *socket, QAbstractSocket::SocketError) {
            qCDebug(lcDaemon).noquote() << "TLS handshake with" << socket->peerAddress().toString()
                                        << "failed:" << socket->errorString();
        });
    connect(m_service, &RackService::eventRaised, this, &ControlServer::broadcast);
}

bool ControlServer::listen(
    const QHostAddress &address, quint16 port, const TlsIdentity &identity, QString *error)
{
    m_server.setSslConfiguration(PiRackTls::serverConfiguration(identity));
    if (!m_server.listen(address, port)) {
        *error = u"cannot listen on %1 port %2: %3"_s.arg(address.toString())
                     .arg(port)
                     .arg(m_server.errorString());
        return false;
    }
    qCInfo(lcDaemon).noquote() << "listening on"
                               << address.toString() + u':' + QString::number(m_server.serverPort())
                               << "(TLS, fingerprint" << identity.fingerprint() + u')';
    return true;
}

void ControlServer::acceptPending()
{
    while (m_server.hasPendingConnections()) {
        auto *socket = qobject_cast<QSslSocket *>(m_server.nextPendingConnection());
        if (!socket)
            continue;
        if (m_clientSessions.size() >= MaximumClientSessions) {
            qCWarning(lcDaemon).noquote() << "refusing" << socket->peerAddress().toString() << "- already"
                                          << MaximumClientSessions << "clients besides the nodes' agents";
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto *connection = new Connection(socket, m_connectionLimits);
        auto *session = new ClientSession(connection, m_service, m_sessionLimits, this);
        m_clientSessions.insert(session);
        connect(session, &ClientSession::agentOnline, this, [this, session] {
            m_clientSessions.remove(session);
            m_agentSessions.insert(session);
        });
        connect(session, &ClientSession::finished, this, [this, session] {
            m_clientSessions.remove(session);
            m_agentSessions.remove(session);
            session->deleteLater();
        });
    }
}

void ControlServer::broadcast(const Protocol::Event &event)
{
    const QString family = event.name.section(u'.', 0, 0); // "relay.changed" -> "relay"
    for (ClientSession *session : std::as_const(m_clientSessions)) {
        if (session->isSubscribedTo(family))
            session->sendEvent(event);
    }
}
