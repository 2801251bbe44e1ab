// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The three sources of "this MAC asked for an address", each with broken input.
#include "install/dhcpevent.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(DhcpEvent::Kind)

class TestDhcpEvent : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scriptArguments()
    {
        QString error;
        auto event = DhcpEventParser::fromScriptArguments(
            {u"add"_s, u"DC:A6:32:01:02:03"_s, u"10.42.0.60"_s, u"raspberrypi"_s}, {}, &error);
        QVERIFY2(event, qPrintable(error));
        QCOMPARE(event->kind, DhcpEvent::Kind::Lease);
        QCOMPARE(event->mac, u"dc:a6:32:01:02:03"_s);
        QCOMPARE(event->address, QHostAddress(u"10.42.0.60"_s));
        QCOMPARE(event->hostname, u"raspberrypi"_s);
        event = DhcpEventParser::fromScriptArguments(
            {u"old"_s, u"dc-a6-32-01-02-03"_s, u"10.42.0.60"_s}, {}, &error);
        QVERIFY(event);
        QCOMPARE(event->mac, u"dc:a6:32:01:02:03"_s);
        QVERIFY(event->hostname.isEmpty());
        // Without dnsmasq's environment (rackctl dhcp-event by hand), an "old" cannot count.
        QCOMPARE(event->kind, DhcpEvent::Kind::Restated);
        QVERIFY(!event->showsPiAsking());
        event = DhcpEventParser::fromScriptArguments(
            {u"del"_s, u"dc:a6:32:01:02:03"_s, u"10.42.0.60"_s}, {}, &error);
        QVERIFY(event);
        QCOMPARE(event->kind, DhcpEvent::Kind::Release);
        QVERIFY(!event->showsPiAsking());
    }

    /**
     * What Debian's dnsmasq 2.90 really ran its script with (recorded with two udhcpc clients and one
     * ISC dhclient, all sending the host name "raspberrypi", in network namespaces): A asks, B asks
     * and takes A's name, A renews, dnsmasq gets a SIGHUP, A reboots and asks for the lease it holds
     * (INIT-REBOOT), dnsmasq restarts.
     */
    void dnsmasqAsItRunsTheScript_data()
    {
        using Environment = QHash<QString, QString>;
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<Environment>("environment");
        QTest::addColumn<DhcpEvent::Kind>("kind");
        QTest::addColumn<QString>("why");
        const QString a = u"02:00:00:00:00:0a"_s;
        const QString address = u"10.77.0.193"_s;
        const Environment request {{u"DNSMASQ_INTERFACE"_s, u"br0"_s},
            {u"DNSMASQ_LEASE_EXPIRES"_s, u"1796040825"_s}, {u"DNSMASQ_SUPPLIED_HOSTNAME"_s, u"raspberrypi"_s},
            {u"DNSMASQ_TIME_REMAINING"_s, u"120"_s}};
        const Environment restated {{u"DNSMASQ_DATA_MISSING"_s, u"1"_s}, {u"DNSMASQ_INTERFACE"_s, u"br0"_s},
            {u"DNSMASQ_LEASE_EXPIRES"_s, u"1796040825"_s}, {u"DNSMASQ_TIME_REMAINING"_s, u"117"_s}};
        Environment nameMoved = restated;
        nameMoved.insert(u"DNSMASQ_OLD_HOSTNAME"_s, u"raspberrypi"_s);
        const QString anotherLease = u"dnsmasq re-announced a lease it holds"_s;
        QTest::newRow("add: a new lease") << QStringList {u"add"_s, a, address, u"raspberrypi"_s} << request
                                          << DhcpEvent::Kind::Lease << QString();
        QTest::newRow("old: the name went to another Pi")
            << QStringList {u"old"_s, a, address} << nameMoved << DhcpEvent::Kind::Restated
            << u"its host name raspberrypi went to another client"_s;
        QTest::newRow("old: the lease without its name, right after")
            << QStringList {u"old"_s, a, address} << restated << DhcpEvent::Kind::Restated << anotherLease;
        QTest::newRow("old: a renewal (RENEWING)") << QStringList {u"old"_s, a, address, u"raspberrypi"_s}
                                                   << restated << DhcpEvent::Kind::Restated << anotherLease;
        QTest::newRow("old: SIGHUP or dnsmasq's start")
            << QStringList {u"old"_s, a, address, u"raspberrypi"_s} << restated << DhcpEvent::Kind::Restated
            << anotherLease;
        QTest::newRow("old: a reboot asking for the lease it holds") << QStringList {u"old"_s, a, address,
            u"raspberrypi"_s} << request << DhcpEvent::Kind::Lease << QString();
    }

    void dnsmasqAsItRunsTheScript()
    {
        using Environment = QHash<QString, QString>;
        QFETCH(QStringList, arguments);
        QFETCH(Environment, environment);
        QFETCH(DhcpEvent::Kind, kind);
        QFETCH(QString, why);
        QString error;
        const auto event = DhcpEventParser::fromScriptArguments(arguments, environment, &error);
        QVERIFY2(event, qPrintable(error));
        QCOMPARE(event->kind, kind);
        QCOMPARE(event->showsPiAsking(), kind == DhcpEvent::Kind::Lease);
        QVERIFY2(
            event->why.startsWith(why) && (why.isEmpty() == event->why.isEmpty()), qPrintable(event->why));
        QCOMPARE(event->secondsRemaining,
            std::optional<qint64>(environment.value(u"DNSMASQ_TIME_REMAINING"_s).toLongLong()));
        QCOMPARE(event->expires, QDateTime::fromSecsSinceEpoch(1796040825, Qt::UTC));
        QCOMPARE(event->interfaceName, u"br0"_s);
        QCOMPARE(event->oldHostname, environment.value(u"DNSMASQ_OLD_HOSTNAME"_s));
    }

    void dnsmasqEnvironmentIsCheckedNotTrusted()
    {
        QString error;
        const auto event
            = DhcpEventParser::fromScriptArguments({u"old"_s, u"02:00:00:00:00:0a"_s, u"10.0.0.5"_s},
                {{u"DNSMASQ_OLD_HOSTNAME"_s, u"$(reboot)"_s}, {u"DNSMASQ_SUPPLIED_HOSTNAME"_s, u"a b"_s},
                    {u"DNSMASQ_TIME_REMAINING"_s, u"-5"_s}, {u"DNSMASQ_LEASE_EXPIRES"_s, u"soon"_s},
                    {u"DNSMASQ_INTERFACE"_s, u"br0; rm -rf /"_s}},
                &error);
        QVERIFY(event);
        QCOMPARE(event->kind, DhcpEvent::Kind::Restated); // a name change, whatever the name was
        QVERIFY(event->oldHostname.isEmpty());
        QVERIFY(event->suppliedHostname.isEmpty());
        QVERIFY(!event->secondsRemaining);
        QVERIFY(!event->expires.isValid());
        QVERIFY(event->interfaceName.isEmpty());
    }

    void scriptArgumentsIgnoredOrRefused_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("error");
        QTest::newRow("init") << QStringList {u"init"_s} << QString();
        QTest::newRow("tftp") << QStringList {u"tftp"_s, u"1024"_s, u"10.0.0.5"_s, u"/boot"_s} << QString();
        QTest::newRow("arp") << QStringList {u"arp-add"_s, u"dc:a6:32:01:02:03"_s, u"10.0.0.5"_s}
                             << QString();
        QTest::newRow("short") << QStringList {u"add"_s, u"dc:a6:32:01:02:03"_s}
                               << u"\"add\" needs MAC IP [HOSTNAME], got 1 argument(s)"_s;
        QTest::newRow("mac") << QStringList {u"add"_s, u"dc:a6:32:01:02"_s, u"10.0.0.5"_s}
                             << u"\"dc:a6:32:01:02\" is not a MAC address"_s;
        QTest::newRow("ip") << QStringList {u"add"_s, u"dc:a6:32:01:02:03"_s, u"10.0.5"_s}
                            << u"\"10.0.5\" is not an IPv4 address"_s;
        QTest::newRow("ipv6") << QStringList {u"add"_s, u"dc:a6:32:01:02:03"_s, u"fe80::1"_s}
                              << u"\"fe80::1\" is not an IPv4 address"_s;
    }

    void scriptArgumentsIgnoredOrRefused()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, error);
        QString message = u"stale"_s;
        QVERIFY(!DhcpEventParser::fromScriptArguments(arguments, {}, &message));
        QCOMPARE(message, error);
    }

    void aHostnameFromTheNetworkIsCheckedNotTrusted()
    {
        QString error;
        const auto event = DhcpEventParser::fromScriptArguments(
            {u"add"_s, u"dc:a6:32:01:02:03"_s, u"10.42.0.60"_s, u"$(reboot)"_s}, {}, &error);
        QVERIFY(event);
        QVERIFY(event->hostname.isEmpty());
    }

    void leaseFileWithBrokenLines()
    {
        const QByteArray content = "1795347312 02:98:f5:6e:7b:49 10.42.0.103 s1-n3 01:02:98:f5:6e:7b:49\n"
                                   "1795347313 02:cf:14:b9:dc:dd 10.42.0.101 * *\n"
                                   "duid 00:01:00:01:2c:aa:bb:cc\n"
                                   "soon 02:cf:14:b9:dc:de 10.42.0.102 x *\n"
                                   "1795347314 nonsense 10.42.0.104 x *\n"
                                   "1795347315 02:cf:14:b9:dc:df 10.42.0 x *\n"
                                   "truncated line\n"
                                   "\n";
        QStringList problems;
        const QList<DhcpEvent> events = DhcpEventParser::fromLeaseFile(content, &problems);
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(0).mac, u"02:98:f5:6e:7b:49"_s);
        QCOMPARE(events.at(0).hostname, u"s1-n3"_s);
        QCOMPARE(events.at(1).address, QHostAddress(u"10.42.0.101"_s));
        QVERIFY(events.at(1).hostname.isEmpty());
        QCOMPARE(events.at(1).source, DhcpEvent::Source::DnsmasqLeaseFile);
        QCOMPARE(problems,
            (QStringList {u"line 4: \"soon\" is not an expiry time"_s,
                u"line 5: \"nonsense\" is not a MAC address"_s,
                u"line 6: \"10.42.0\" is not an IPv4 address"_s,
                u"line 7: expected EXPIRY MAC IP HOSTNAME CLIENTID, got \"truncated line\""_s}));
    }

    void iscDhcpdLines()
    {
        QString error;
        auto event = DhcpEventParser::fromIscDhcpdLine(u"Nov 21 23:01:02 master dhcpd[812]: DHCPREQUEST for "
                                                       u"192.168.0.57 (192.168.0.1) from b8:27:eb:aa:bb:cc "
                                                       u"(raspberrypi) via eth0"_s,
            &error);
        QVERIFY2(event, qPrintable(error));
        QCOMPARE(event->kind, DhcpEvent::Kind::Request);
        QCOMPARE(event->mac, u"b8:27:eb:aa:bb:cc"_s);
        QCOMPARE(event->address, QHostAddress(u"192.168.0.57"_s));
        QCOMPARE(event->hostname, u"raspberrypi"_s);
        event = DhcpEventParser::fromIscDhcpdLine(
            u"dhcpd[812]: DHCPACK on 192.168.0.57 to b8:27:eb:aa:bb:cc via eth0"_s, &error);
        QVERIFY2(event, qPrintable(error));
        QCOMPARE(event->kind, DhcpEvent::Kind::Lease);
        QVERIFY(event->hostname.isEmpty());
        event = DhcpEventParser::fromIscDhcpdLine(
            u"dhcpd[812]: DHCPREQUEST for 192.168.0.57 from b8:27:eb:aa:bb:cc via eth0"_s, &error);
        QVERIFY(event);
    }

    void iscDhcpdLinesIgnoredOrRefused_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("error");
        QTest::newRow("other") << u"sshd[1]: Accepted publickey for pi"_s << QString();
        QTest::newRow("discover") << u"dhcpd: DHCPDISCOVER from b8:27:eb:aa:bb:cc via eth0"_s << QString();
        QTest::newRow("garbled") << u"dhcpd: DHCPACK on nowhere"_s
                                 << u"an ISC dhcpd line that does not parse: \"dhcpd: DHCPACK on nowhere\""_s;
        QTest::newRow("mac") << u"dhcpd: DHCPACK on 10.0.0.2 to b8:27:eb via eth0"_s
                             << u"\"b8:27:eb\" is not a MAC address"_s;
        QTest::newRow("ip") << u"dhcpd: DHCPACK on 10.0.0 to b8:27:eb:aa:bb:cc via eth0"_s
                            << u"\"10.0.0\" is not an IPv4 address"_s;
        QTest::newRow("long") << u"dhcpd: DHCPACK "_s + QString(2000, u'x')
                              << u"a DHCP log line longer than 1024 characters"_s;
    }

    void iscDhcpdLinesIgnoredOrRefused()
    {
        QFETCH(QString, line);
        QFETCH(QString, error);
        QString message = u"stale"_s;
        QVERIFY(!DhcpEventParser::fromIscDhcpdLine(line, &message));
        QCOMPARE(message, error);
    }
};

QTEST_GUILESS_MAIN(TestDhcpEvent)
#include "tst_dhcpevent.moc"
