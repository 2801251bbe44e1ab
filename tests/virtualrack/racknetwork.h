// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dhcppool.h"

#include <QHostAddress>
#include <QObject>
#include <QStringList>

/// One virtual Pi as the network sees it.
struct VirtualPiNic
{
    QString name; ///< s1-n1
    int index = 0; ///< 1-based over the rack
    QString mac;
    QString hostname; ///< What its DHCP client sends.
    QString directory; ///< Its files in the run directory.
};

/// What every network needs to know about the rack it wires up.
struct RackNetworkSetup
{
    QString runDirectory;
    QHostAddress masterAddress;
    int prefixLength = 24;
    DhcpPool pool;
    QString hostsFile; ///< Reservations, `MAC,IP,NAME` per line (dnsmasq's --dhcp-hostsfile).
    QString namesFile; ///< `IP NAME` per line (dnsmasq's --addn-hosts).
    QString dhcpScript; ///< Run on each lease: `SCRIPT add|old|del MAC IP [HOSTNAME]`.
    QString hookProgram; ///< vrack-hook.
    QString controlSocket;
    QString dhcpEventSocket; ///< Where pirack-dhcp-script finds rackd ($PIRACK_DHCP_SOCKET).
    QList<VirtualPiNic> pis;
};

/**
 * The wiring between the master and the Pis, and the DHCP server on it. Two kinds: network
 * namespaces with a bridge, dnsmasq and udhcpc (root), or loopback addresses with DHCP played by
 * the virtual rack itself (any user). rackd and the agents see the same thing either way.
 */
class RackNetwork : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    /// What the user is told: which mode, and why.
    virtual QString description() const = 0;
    /// Builds the plumbing and starts the DHCP server. On failure, what was built is removed.
    virtual bool create(const RackNetworkSetup &setup, QString *error) = 0;
    /// Removes everything create() made; safe to call twice.
    virtual void destroy() = 0;
    /// Where rackd listens and the agents find it.
    virtual QHostAddress rackdAddress() const = 0;
    virtual quint16 rackdPort() const = 0;
    /// Makes rackd reachable on 127.0.0.1 on this machine; returns that port (0 on failure).
    virtual quint16 exposeRackd(quint16 hostPort, QString *error) = 0;
    /// Makes rackd's HTTPS listener (on rackdAddress(), `port`) reachable on 127.0.0.1:`port` too.
    virtual bool exposeHttp(quint16 port, QString *error) = 0;
    /// Rewrites a command so it runs on the master ("" ) or on a Pi (its name).
    virtual void wrapCommand(const QString &piName, QString *program, QStringList *arguments) const = 0;
    /// Power came: the Pi's link comes up and its DHCP client starts; bound() follows.
    virtual void plugIn(const VirtualPiNic &pi) = 0;
    /// Power went: link down and DHCP client gone at once.
    virtual void unplug(const VirtualPiNic &pi) = 0;
    /// A Pi was swapped for new hardware: its interface gets the new MAC (the Pi has no power now).
    virtual bool changeMac(const VirtualPiNic &pi, const QString &mac, QString *error) = 0;
    /**
     * The DHCP server stops and starts again, as `systemctl restart dnsmasq` does: it keeps its
     * leases, re-announces each to its script as "old" (with DNSMASQ_DATA_MISSING), and a Pi that
     * asks meanwhile waits for it.
     */
    virtual bool restartDhcpServer(QString *error) = 0;
    /// The local address a Pi's agent connects from, if it must choose one.
    virtual QHostAddress agentBindAddress(const QHostAddress &leased) const = 0;

Q_SIGNALS:
    /// A Pi's DHCP client has an address (a network that runs real clients hears it from vrack-hook).
    void bound(const QString &piName, const QHostAddress &address);
};
