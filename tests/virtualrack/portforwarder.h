// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHostAddress>
#include <QTcpServer>

/**
 * Carries TCP connections from this machine (127.0.0.1:port) to an address inside a network
 * namespace: how rackctl and the desktop reach the rackd that runs in the virtual rack's master
 * namespace. The inner socket is made inside the namespace (setns on this thread for the one
 * socket() call) and connected there; bytes pass through untouched, TLS included.
 */
class PortForwarder : public QObject
{
    Q_OBJECT

public:
    PortForwarder(QString namespaceName, QHostAddress target, quint16 targetPort, QObject *parent = nullptr);

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const { return m_server.serverPort(); }

private:
    void onNewConnection();
    int connectInsideNamespace(QString *error) const;

    QString m_namespace;
    QHostAddress m_target;
    quint16 m_targetPort;
    QTcpServer m_server;
};
