// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "install/dhcpevent.h"

#include <QFileSystemWatcher>
#include <QHash>
#include <QLocalServer>
#include <QObject>
#include <QTimer>

/**
 * Where rackd hears "this MAC asked for an address":
 *  - a local socket that dnsmasq's --dhcp-script (`pirack-dhcp-script`, i.e. `rackctl dhcp-event`)
 *    reaches, open only to root and the `pirack` group; one DhcpScriptMessage (the script's arguments
 *    and dnsmasq's DNSMASQ_* variables) per connection, answered "ok" or "error: ...";
 *  - dnsmasq's lease file, watched as a fallback: every lease that is new or has a new address is an
 *    event (a line rewritten with a new expiry or host name is not: no Pi asked for it);
 *  - ISC dhcpd's log (DHCPREQUEST / DHCPACK lines), followed from its end like `tail -F`.
 * Every input is parsed by DhcpEventParser; what does not parse is reported and dropped.
 */
class DhcpEventSource : public QObject
{
    Q_OBJECT

public:
    explicit DhcpEventSource(QObject *parent = nullptr);
    ~DhcpEventSource() override;

    bool listen(const QString &socketPath, QString *error);
    QString socketPath() const { return m_server.fullServerName(); }
    void watchLeaseFile(const QString &path);
    void followIscLog(const QString &path);
    /// Where events come from, in words (for the install's pre-checks); empty: nowhere.
    QStringList activeSources() const;

Q_SIGNALS:
    void eventReceived(const DhcpEvent &event);
    /// Something arrived that could not be used; the text says what and from where.
    void problem(const QString &message);

private:
    void onConnection();
    void readLeaseFile();
    void readIscLog();

    QLocalServer m_server;
    int m_connections = 0; ///< Script connections open now.
    QFileSystemWatcher m_watcher;
    QTimer m_poll; ///< Catches what the watcher misses (a file replaced or created later).
    QString m_leaseFile;
    QHash<QString, QString> m_leases; ///< MAC -> address, as last read
    bool m_leasesRead = false;
    QString m_iscLog;
    qint64 m_iscOffset = -1; ///< -1: start from the end on the first read
    QByteArray m_iscPartialLine;
};
