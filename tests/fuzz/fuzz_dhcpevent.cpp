// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The three DHCP event parsers, all fed off the network: the input as a dnsmasq lease file, each of
// its lines as an ISC dhcpd log line, and its first line (split on spaces) as dnsmasq script
// arguments. Every event they return must hold a canonical MAC, an IPv4 address and a valid name.
#include "fuzzsupport.h"

#include "install/dhcpevent.h"

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
    QString error;
    if (const std::optional<DhcpEvent> event = DhcpEventParser::fromScriptArguments(arguments, &error))
        checkEvent(*event);
    for (const QString &word : arguments) {
        const QString mac = DhcpEventParser::normalizedMac(word);
        PIRACK_FUZZ_CHECK(mac.isEmpty() || DhcpEventParser::normalizedMac(mac) == mac, word);
        if (const std::optional<QHostAddress> address = DhcpEventParser::ipv4(word))
            PIRACK_FUZZ_CHECK(address->protocol() == QAbstractSocket::IPv4Protocol, word);
        DhcpEventParser::isHostname(word);
    }
    return 0;
}
