// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "racknetwork.h"

#include <QHash>
#include <QProcess>
#include <QQueue>

/**
 * For any user, without namespaces: rackd listens on 127.0.0.1 and each Pi's agent connects from its
 * own 127.x address (127.B.C.D for a leased A.B.C.D). DHCP is played here the way dnsmasq plays it:
 * a reservation from the hosts file wins, else a free address from the pool; the lease is
 * remembered across runs; and the DHCP script runs with dnsmasq's arguments and environment
 * (`add` for a new lease, `old` for a known one), one at a time.
 */
class LoopbackNetwork : public RackNetwork
{
    Q_OBJECT

public:
    LoopbackNetwork(QString reason, QObject *parent = nullptr);
    ~LoopbackNetwork() override;

    QString description() const override;
    bool create(const RackNetworkSetup &setup, QString *error) override;
    void destroy() override;
    QHostAddress rackdAddress() const override { return QHostAddress::LocalHost; }
    quint16 rackdPort() const override { return m_port; }
    quint16 exposeRackd(quint16 hostPort, QString *error) override;
    bool exposeHttp(quint16, QString *) override { return true; } // rackd listens on 127.0.0.1 itself
    void wrapCommand(const QString &, QString *, QStringList *) const override { }
    void plugIn(const VirtualPiNic &pi) override;
    void unplug(const VirtualPiNic &pi) override;
    bool changeMac(const VirtualPiNic &, const QString &, QString *) override { return true; }
    bool restartDhcpServer(QString *error) override;
    QHostAddress agentBindAddress(const QHostAddress &leased) const override;

    /// Picks the port rackd will listen on (0: a free one) before rackd starts.
    bool choosePort(quint16 wanted, QString *error);

private:
    QHostAddress lease(const VirtualPiNic &pi, bool *known);
    void runNextScript();
    bool saveLeases() const;

    QString m_reason;
    RackNetworkSetup m_setup;
    quint16 m_port = 0;
    QHash<QString, QHostAddress> m_leases; ///< MAC -> address, like dnsmasq's lease file.
    QSet<QString> m_plugged;
    struct ScriptRun
    {
        QStringList arguments;
        bool restated = false; ///< A lease re-announced (the server's restart), not a client asking.
    };
    QQueue<ScriptRun> m_scriptQueue;
    QProcess *m_script = nullptr;
};
