// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/dhcpevent.h"

#include "protocol/macaddress.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace {

constexpr qsizetype MaximumLineLength = 1024;

using DhcpEventParser::ipv4;

QString validHostname(const QString &text) { return DhcpEventParser::isHostname(text) ? text : QString(); }

QString shown(const QString &text) { return text.left(80); }

} // namespace

QString DhcpEvent::sourceName(Source source)
{
    switch (source) {
    case Source::DnsmasqScript:
        return u"dnsmasq script"_s;
    case Source::DnsmasqLeaseFile:
        return u"dnsmasq lease file"_s;
    case Source::IscDhcpdLog:
        return u"ISC dhcpd log"_s;
    }
    return {};
}

QString DhcpEvent::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Lease:
        return u"lease"_s;
    case Kind::Request:
        return u"request"_s;
    case Kind::Restated:
        return u"restated"_s;
    case Kind::Release:
        return u"release"_s;
    }
    return {};
}

Protocol::EventName DhcpEvent::eventName(Kind kind)
{
    switch (kind) {
    case Kind::Lease:
        return Protocol::EventName::DhcpLease;
    case Kind::Request:
        return Protocol::EventName::DhcpRequest;
    case Kind::Restated:
        return Protocol::EventName::DhcpRestated;
    case Kind::Release:
        return Protocol::EventName::DhcpRelease;
    }
    return Protocol::EventName::DhcpLease;
}

std::optional<QHostAddress> DhcpEventParser::ipv4(const QString &text)
{
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(u"[0-9]{1,3}(\\.[0-9]{1,3}){3}"_s));
    QHostAddress address;
    if (!pattern.match(text).hasMatch() || !address.setAddress(text))
        return std::nullopt;
    return address;
}

bool DhcpEventParser::isHostname(const QString &text)
{
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(u"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"_s));
    return pattern.match(text).hasMatch();
}

QString DhcpEventParser::normalizedMac(const QString &text) { return Protocol::normalizedMac(text); }

namespace {

std::optional<qint64> seconds(const QString &text)
{
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(u"[0-9]{1,12}"_s));
    if (!pattern.match(text).hasMatch())
        return std::nullopt;
    return text.toLongLong();
}

QString validInterface(const QString &text)
{
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(u"[A-Za-z0-9_.:@-]{1,15}"_s));
    return pattern.match(text).hasMatch() ? text : QString();
}

/// What dnsmasq's environment says about an event; sets `kind` to Restated (with `why`) for an "old"
/// that no request caused.
void readScriptEnvironment(
    const QString &action, const QHash<QString, QString> &environment, DhcpEvent *event)
{
    event->suppliedHostname = validHostname(environment.value(u"DNSMASQ_SUPPLIED_HOSTNAME"_s));
    event->oldHostname = validHostname(environment.value(u"DNSMASQ_OLD_HOSTNAME"_s));
    event->interfaceName = validInterface(environment.value(u"DNSMASQ_INTERFACE"_s));
    event->secondsRemaining = seconds(environment.value(u"DNSMASQ_TIME_REMAINING"_s));
    if (const std::optional<qint64> expires = seconds(environment.value(u"DNSMASQ_LEASE_EXPIRES"_s)))
        event->expires = QDateTime::fromSecsSinceEpoch(*expires, Qt::UTC);
    else if (const std::optional<qint64> length = seconds(environment.value(u"DNSMASQ_LEASE_LENGTH"_s)))
        event->expires = QDateTime::currentDateTimeUtc().addSecs(*length);
    if (action != u"old")
        return;
    event->kind = DhcpEvent::Kind::Restated;
    if (environment.contains(u"DNSMASQ_OLD_HOSTNAME"_s))
        event->why = u"its host name %1 went to another client"_s.arg(
            event->oldHostname.isEmpty() ? u"(not a valid name)"_s : event->oldHostname);
    else if (environment.contains(u"DNSMASQ_DATA_MISSING"_s))
        event->why = u"dnsmasq re-announced a lease it holds (its start, a SIGHUP, a renewal or a host name "
                     u"change)"_s;
    else if (!environment.contains(u"DNSMASQ_TIME_REMAINING"_s))
        event->why = u"an \"old\" without dnsmasq's environment cannot be told from a re-announcement"_s;
    else
        event->kind = DhcpEvent::Kind::Lease; // the client asked for the lease it holds: a reboot
}

} // namespace

std::optional<DhcpEvent> DhcpEventParser::fromScriptArguments(
    const QStringList &arguments, const QHash<QString, QString> &environment, QString *error)
{
    error->clear();
    const QString action = arguments.value(0);
    DhcpEvent event;
    event.source = DhcpEvent::Source::DnsmasqScript;
    if (action == u"add" || action == u"old")
        event.kind = DhcpEvent::Kind::Lease;
    else if (action == u"del")
        event.kind = DhcpEvent::Kind::Release;
    else
        return std::nullopt; // init, tftp, arp-add, arp-del, relay-snoop ...: not about a Pi asking
    if (arguments.size() < 3 || arguments.size() > 4) {
        *error
            = u"\"%1\" needs MAC IP [HOSTNAME], got %2 argument(s)"_s.arg(action).arg(arguments.size() - 1);
        return std::nullopt;
    }
    event.mac = normalizedMac(arguments.at(1));
    if (event.mac.isEmpty()) {
        *error = u"\"%1\" is not a MAC address"_s.arg(shown(arguments.at(1)));
        return std::nullopt;
    }
    const std::optional<QHostAddress> address = ipv4(arguments.at(2));
    if (!address) {
        *error = u"\"%1\" is not an IPv4 address"_s.arg(shown(arguments.at(2)));
        return std::nullopt;
    }
    event.address = *address;
    event.hostname = validHostname(arguments.value(3));
    readScriptEnvironment(action, environment, &event);
    return event;
}

QList<DhcpEvent> DhcpEventParser::fromLeaseFile(const QByteArray &content, QStringList *problems)
{
    QList<DhcpEvent> events;
    const QList<QByteArray> lines = content.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = QString::fromUtf8(lines.at(i)).trimmed();
        if (line.isEmpty())
            continue;
        const auto problem
            = [&](const QString &what) { problems->append(u"line %1: %2"_s.arg(i + 1).arg(what)); };
        if (line.size() > MaximumLineLength) {
            problem(u"longer than %1 characters"_s.arg(MaximumLineLength));
            continue;
        }
        const QStringList fields = line.split(u' ', Qt::SkipEmptyParts);
        if (fields.size() == 2 && fields.at(0) == u"duid")
            continue; // dnsmasq's own DHCPv6 identity line
        if (fields.size() < 4) {
            problem(u"expected EXPIRY MAC IP HOSTNAME CLIENTID, got \"%1\""_s.arg(shown(line)));
            continue;
        }
        bool numeric = false;
        fields.at(0).toLongLong(&numeric);
        DhcpEvent event;
        event.source = DhcpEvent::Source::DnsmasqLeaseFile;
        event.mac = normalizedMac(fields.at(1));
        const std::optional<QHostAddress> address = ipv4(fields.at(2));
        if (!numeric) {
            problem(u"\"%1\" is not an expiry time"_s.arg(shown(fields.at(0))));
        } else if (event.mac.isEmpty()) {
            problem(u"\"%1\" is not a MAC address"_s.arg(shown(fields.at(1))));
        } else if (!address) {
            problem(u"\"%1\" is not an IPv4 address"_s.arg(shown(fields.at(2))));
        } else {
            event.address = *address;
            event.hostname = fields.at(3) == u"*" ? QString() : validHostname(fields.at(3));
            events.append(event);
        }
    }
    return events;
}

std::optional<DhcpEvent> DhcpEventParser::fromIscDhcpdLine(const QString &line, QString *error)
{
    error->clear();
    static const QRegularExpression request(
        u"DHCPREQUEST for (\\S+)(?: \\(([^)]*)\\))? from (\\S+)(?: \\(([^)]*)\\))? via (\\S+)"_s);
    static const QRegularExpression ack(u"DHCPACK on (\\S+) to (\\S+)(?: \\(([^)]*)\\))? via (\\S+)"_s);
    if (!line.contains(u"DHCPREQUEST"_s) && !line.contains(u"DHCPACK"_s))
        return std::nullopt; // the rest of syslog
    if (line.size() > MaximumLineLength) {
        *error = u"a DHCP log line longer than %1 characters"_s.arg(MaximumLineLength);
        return std::nullopt;
    }
    DhcpEvent event;
    event.source = DhcpEvent::Source::IscDhcpdLog;
    QString addressText, macText, hostText;
    if (const QRegularExpressionMatch match = request.match(line); match.hasMatch()) {
        event.kind = DhcpEvent::Kind::Request;
        addressText = match.captured(1);
        macText = match.captured(3);
        hostText = match.captured(4);
    } else if (const QRegularExpressionMatch acked = ack.match(line); acked.hasMatch()) {
        event.kind = DhcpEvent::Kind::Lease;
        addressText = acked.captured(1);
        macText = acked.captured(2);
        hostText = acked.captured(3);
    } else {
        *error = u"an ISC dhcpd line that does not parse: \"%1\""_s.arg(shown(line));
        return std::nullopt;
    }
    event.mac = normalizedMac(macText);
    if (event.mac.isEmpty()) {
        *error = u"\"%1\" is not a MAC address"_s.arg(shown(macText));
        return std::nullopt;
    }
    const std::optional<QHostAddress> address = ipv4(addressText);
    if (!address) {
        *error = u"\"%1\" is not an IPv4 address"_s.arg(shown(addressText));
        return std::nullopt;
    }
    event.address = *address;
    event.hostname = validHostname(hostText);
    return event;
}
