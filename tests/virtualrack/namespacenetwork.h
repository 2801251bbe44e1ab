// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "racknetwork.h"

#include <QHash>
#include <QPointer>
#include <QProcess>

class PortForwarder;

/**
 * The real thing, for root: a master namespace with a bridge holding the master's address, dnsmasq
 * serving DHCP on it, and one namespace per Pi joined to the bridge by a veth pair whose Pi end is
 * eth0 with the Pi's MAC. Every namespace is named PREFIX-m or PREFIX-pN with a prefix unique to
 * this run and listed in a manifest under /run/pirack-virtual-rack before it is made, so a later
 * run can remove what a killed one left, and nothing else is ever touched.
 */
class NamespaceNetwork : public RackNetwork
{
    Q_OBJECT

public:
    static constexpr quint16 RackdPort = 7420;

    explicit NamespaceNetwork(QObject *parent = nullptr);
    ~NamespaceNetwork() override;

    /// Whether this machine can do it; if not, why.
    static bool available(QString *why);
    /// Removes namespaces whose owner is gone; returns what was removed, for the log.
    static QStringList removeLeftovers();
    static QString manifestDirectory();

    QString prefix() const { return m_prefix; }
    QString masterNamespace() const { return m_prefix + u"-m"; }
    QString piNamespace(int index) const { return m_prefix + u"-p" + QString::number(index); }

    QString description() const override;
    bool create(const RackNetworkSetup &setup, QString *error) override;
    void destroy() override;
    QHostAddress rackdAddress() const override { return m_setup.masterAddress; }
    quint16 rackdPort() const override { return RackdPort; }
    quint16 exposeRackd(quint16 hostPort, QString *error) override;
    bool exposeHttp(quint16 port, QString *error) override;
    void wrapCommand(const QString &piName, QString *program, QStringList *arguments) const override;
    void plugIn(const VirtualPiNic &pi) override;
    void unplug(const VirtualPiNic &pi) override;
    bool changeMac(const VirtualPiNic &pi, const QString &mac, QString *error) override;
    bool restartDhcpServer(QString *error) override;
    QHostAddress agentBindAddress(const QHostAddress &) const override { return {}; }

private:
    bool writeManifest(QString *error) const;
    bool startDnsmasq(QString *error);
    static void removeNamespaces(const QStringList &names);

    QString m_prefix;
    RackNetworkSetup m_setup;
    QHash<QString, int> m_indexOf; ///< Pi name -> index
    QStringList m_namespaces; ///< Made by this object, in order.
    QPointer<QProcess> m_dnsmasq;
    QHash<QString, QPointer<QProcess>> m_dhcpClients;
    PortForwarder *m_forwarder = nullptr;
    PortForwarder *m_httpForwarder = nullptr;
};
