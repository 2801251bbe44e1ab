// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/vocabulary.h"

#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

/**
 * What a DHCP server said about one MAC: what the staged install learns a stack's Pis from. It
 * comes from dnsmasq's --dhcp-script, from dnsmasq's lease file, or from ISC dhcpd's syslog lines;
 * each source has its parser here, and each parser checks every field, since all of it came off
 * the network.
 *
 * Not everything a server says is a Pi asking. dnsmasq re-announces the leases it holds as "old"
 * when it starts, on SIGHUP, when another client takes a lease's host name (every fresh Raspberry
 * Pi OS calls itself "raspberrypi") and on mid-lease renewals. The parsers sort that out here, in
 * one place (docs/install.md, "Which DHCP events count"): showsPiAsking() is the only test the rest
 * of rackd uses.
 */
struct DhcpEvent
{
    enum class Source { DnsmasqScript, DnsmasqLeaseFile, IscDhcpdLog };
    enum class Kind {
        /// The client asked and was given an address just now: dnsmasq "add", or "old" with the
        /// request's own data (a Pi that booted and asked for the lease it holds); a new or changed
        /// lease in dnsmasq's lease file; ISC DHCPACK.
        Lease,
        Request, ///< The client asked (ISC DHCPREQUEST): it is alive, its address is not settled yet.
        /// The server re-announced a lease it holds, with no boot behind it (dnsmasq "old" at its
        /// start, on SIGHUP, on a host name change, on a renewal). The address is still the MAC's.
        Restated,
        Release, ///< The lease ended (dnsmasq del).
    };

    Source source = Source::DnsmasqScript;
    Kind kind = Kind::Lease;
    QString mac; ///< Lower case, colon separated.
    QHostAddress address;
    QString hostname; ///< The lease's host name; empty when none or not a valid host name.
    QString suppliedHostname; ///< What the client sent in this request (dnsmasq), if valid.
    QString oldHostname; ///< The name the lease lost to another client (dnsmasq), if valid.
    std::optional<qint64> secondsRemaining; ///< Until the lease expires (dnsmasq).
    QDateTime expires; ///< When the lease expires (dnsmasq; invalid when unknown).
    QString interfaceName; ///< Where the request arrived (dnsmasq), if valid.
    QString why; ///< For Restated: why this is not a Pi asking, in words.

    /**
     * Whether this event is evidence that the Pi is powered and asking for an address now: the one
     * rule the staged install counts Pis by. Restatements and releases are not.
     */
    bool showsPiAsking() const { return kind == Kind::Lease || kind == Kind::Request; }

    static QString sourceName(Source source);
    static QString kindName(Kind kind);
    /// The dhcp.* event this kind of event goes out as.
    static Protocol::EventName eventName(Kind kind);
};

namespace DhcpEventParser {

/// Lower-case colon form of a MAC, or empty when `text` is not one (6 hex pairs, ':' or '-').
QString normalizedMac(const QString &text);
/// A dotted-quad IPv4 address only (QHostAddress alone would also take "10.0.0" or a bare number).
std::optional<QHostAddress> ipv4(const QString &text);
/// A single DNS label: what a Pi may be called.
bool isHostname(const QString &text);

/**
 * dnsmasq's --dhcp-script arguments: `add|old|del MAC IP [HOSTNAME]`, with the script's DNSMASQ_*
 * environment (DhcpScriptMessage::environmentNames()). Other actions (init, tftp,
 * arp-add, ...) are not errors: nullopt with `error` left empty, so they are ignored.
 *
 * "add" is a Pi asking. "old" is one only when it carries the request's data: dnsmasq sets
 * DNSMASQ_DATA_MISSING on every "old" it makes without a request behind it (its start, SIGHUP, a
 * renewal, a host name moving to another lease) and DNSMASQ_OLD_HOSTNAME on a name change; an
 * "old" without dnsmasq's environment at all cannot be told apart, so it does not count either.
 */
std::optional<DhcpEvent> fromScriptArguments(
    const QStringList &arguments, const QHash<QString, QString> &environment, QString *error);

/// dnsmasq's lease file: `EXPIRY MAC IP HOSTNAME|* CLIENTID|*` per line; bad lines go to `problems`.
QList<DhcpEvent> fromLeaseFile(const QByteArray &content, QStringList *problems);

/**
 * One ISC dhcpd syslog line: `DHCPREQUEST for IP [(SERVER)] from MAC [(HOST)] via IFACE` or
 * `DHCPACK on IP to MAC [(HOST)] via IFACE`, after any syslog prefix. Other lines give nullopt with
 * `error` empty; a DHCP line that does not parse sets `error`.
 */
std::optional<DhcpEvent> fromIscDhcpdLine(const QString &line, QString *error);

} // namespace DhcpEventParser
