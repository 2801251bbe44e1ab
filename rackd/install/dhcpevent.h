// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

/**
 * "This MAC asked for an address": what the staged install learns a stack's Pis from. It comes from
 * dnsmasq's --dhcp-script, from dnsmasq's lease file, or from ISC dhcpd's syslog lines; each
 * source has its parser here, and each parser checks every field, since all of it came off the
 * network.
 */
struct DhcpEvent
{
    enum class Source { DnsmasqScript, DnsmasqLeaseFile, IscDhcpdLog };
    enum class Kind {
        Lease, ///< An address was given (dnsmasq add/old, a lease file entry, ISC DHCPACK).
        Request, ///< The client asked (ISC DHCPREQUEST): it is alive, its address is not settled yet.
        Release, ///< The lease ended (dnsmasq del).
    };

    Source source = Source::DnsmasqScript;
    Kind kind = Kind::Lease;
    QString mac; ///< Lower case, colon separated.
    QHostAddress address;
    QString hostname; ///< What the client supplied; empty when none or not a valid host name.

    static QString sourceName(Source source);
    static QString kindName(Kind kind);
};

namespace DhcpEventParser {

/// Lower-case colon form of a MAC, or empty when `text` is not one (6 hex pairs, ':' or '-').
QString normalizedMac(const QString &text);
/// A dotted-quad IPv4 address only (QHostAddress alone would also take "10.0.0" or a bare number).
std::optional<QHostAddress> ipv4(const QString &text);
/// A single DNS label: what a Pi may be called.
bool isHostname(const QString &text);

/**
 * dnsmasq's --dhcp-script arguments: `add|old|del MAC IP [HOSTNAME]`. Other actions (init, tftp,
 * arp-add, ...) are not errors: nullopt with `error` left empty, so they are ignored.
 */
std::optional<DhcpEvent> fromScriptArguments(const QStringList &arguments, QString *error);

/// dnsmasq's lease file: `EXPIRY MAC IP HOSTNAME|* CLIENTID|*` per line; bad lines go to `problems`.
QList<DhcpEvent> fromLeaseFile(const QByteArray &content, QStringList *problems);

/**
 * One ISC dhcpd syslog line: `DHCPREQUEST for IP [(SERVER)] from MAC [(HOST)] via IFACE` or
 * `DHCPACK on IP to MAC [(HOST)] via IFACE`, after any syslog prefix. Other lines give nullopt with
 * `error` empty; a DHCP line that does not parse sets `error`.
 */
std::optional<DhcpEvent> fromIscDhcpdLine(const QString &line, QString *error);

} // namespace DhcpEventParser
