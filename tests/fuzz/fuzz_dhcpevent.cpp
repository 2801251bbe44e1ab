// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The three DHCP event parsers, all fed off the network: the input as a dnsmasq lease file, each of
// its lines as an ISC dhcpd log line, its first line (split on spaces) as dnsmasq script arguments
// with the second as the script's environment, and the whole as a message on rackd's DHCP socket. Every event
// they return must hold a canonical MAC, an IPv4 address and a valid name.
#include "fuzzsupport.h"

#include "install/dhcpevent.h"
#include "protocol/dhcpscriptmessage.h"

#include <QAbstractSocket>

using namespace Qt::Literals::StringLiterals;

namespace {

void checkEvent(const DhcpEvent &event)
{
    PIRACK_FUZZ_CHECK(
        !event.mac.isEmpty() && DhcpEventParser::normalizedMac(event.mac) == event.mac, event.mac);
    PIRACK_FUZZ_CHECK(event.address.protocol() == QAbstractSocket::IPv4Protocol, event.address.toString());
    PIRACK_FUZZ_CHECK(
        event.hostname.isEmpty() || DhcpEventParser::isHostname(event.hostname), event.hostname);
    DhcpEvent::sourceName(event.source);
    DhcpEvent::kindName(event.kind);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray content = Fuzz::bytes(data, size);

    QStringList problems;
    for (const DhcpEvent &event : DhcpEventParser::fromLeaseFile(content, &problems))
        checkEvent(event);

    const QList<QByteArray> lines = content.split('\n');
    for (const QByteArray &line : lines) {
        QString error;
        if (const std::optional<DhcpEvent> event
            = DhcpEventParser::fromIscDhcpdLine(QString::fromUtf8(line), &error))
            checkEvent(*event);
    }

    const QStringList arguments = QString::fromUtf8(lines.constFirst()).split(u' ');
    // The second line as the script's environment, NAME=VALUE pairs: how dnsmasq's variables are read.
    QHash<QString, QString> environment;
    for (const QString &pair : QString::fromUtf8(lines.value(1)).split(u' ')) {
        const qsizetype equals = pair.indexOf(u'=');
        if (equals > 0)
            environment.insert(pair.left(equals), pair.mid(equals + 1));
    }
    QString error;
    if (const std::optional<DhcpEvent> event
        = DhcpEventParser::fromScriptArguments(arguments, environment, &error)) {
        checkEvent(*event);
        PIRACK_FUZZ_CHECK(
            event->showsPiAsking() || event->kind != DhcpEvent::Kind::Lease, arguments.join(u' '));
        PIRACK_FUZZ_CHECK(event->oldHostname.isEmpty() || DhcpEventParser::isHostname(event->oldHostname),
            event->oldHostname);
    }
    // The same as a message on rackd's DHCP socket.
    if (const std::optional<DhcpScriptMessage> message = DhcpScriptMessage::fromLine(content, &error)) {
        PIRACK_FUZZ_CHECK(message->arguments.size() <= DhcpScriptMessage::MaximumArguments, error);
        for (auto it = message->environment.cbegin(); it != message->environment.cend(); ++it)
            PIRACK_FUZZ_CHECK(DhcpScriptMessage::environmentNames().contains(it.key()), it.key());
    }
    for (const QString &word : arguments) {
        const QString mac = DhcpEventParser::normalizedMac(word);
        PIRACK_FUZZ_CHECK(mac.isEmpty() || DhcpEventParser::normalizedMac(mac) == mac, word);
        if (const std::optional<QHostAddress> address = DhcpEventParser::ipv4(word))
            PIRACK_FUZZ_CHECK(address->protocol() == QAbstractSocket::IPv4Protocol, word);
        DhcpEventParser::isHostname(word);
    }
    return 0;
}
