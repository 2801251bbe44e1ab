// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// rackd's three ears for DHCP: the script socket, dnsmasq's lease file and ISC dhcpd's log.
#include "install/dhcpeventsource.h"
#include "testfiles.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestDhcpEventSource : public QObject
{
    Q_OBJECT

    /// What the script's side does: one message, one answer.
    static QByteArray send(const QString &socketPath, const QByteArray &message)
    {
        QLocalSocket socket;
        QSignalSpy answered(&socket, &QLocalSocket::readyRead);
        socket.connectToServer(socketPath);
        socket.write(message);
        QByteArray answer;
        while (!answer.contains('\n') && (answered.count() > 0 || answered.wait(5000))) {
            answer += socket.readAll();
            answered.clear();
        }
        return answer.trimmed();
    }

    static bool append(const QString &path, const QByteArray &text)
    {
        QFile file(path);
        return file.open(QIODevice::Append) && file.write(text) == text.size();
    }

private Q_SLOTS:
    void scriptSocket()
    {
        QTemporaryDir dir;
        DhcpEventSource source;
        QString error;
        QVERIFY2(source.listen(dir.filePath(u"dhcp.sock"_s), &error), qPrintable(error));
        QSignalSpy events(&source, &DhcpEventSource::eventReceived);
        QSignalSpy problems(&source, &DhcpEventSource::problem);

        QCOMPARE(send(source.socketPath(),
                     R"(["add","DC:A6:32:01:02:03","10.42.0.60","raspberrypi"])"
                     "\n"),
            QByteArray("ok"));
        QCOMPARE(events.count(), 1);
        const DhcpEvent event = events.at(0).at(0).value<DhcpEvent>();
        QCOMPARE(event.mac, u"dc:a6:32:01:02:03"_s);
        QCOMPARE(event.address, QHostAddress(u"10.42.0.60"_s));
        QCOMPARE(event.source, DhcpEvent::Source::DnsmasqScript);

        QCOMPARE(send(source.socketPath(),
                     R"(["init"])"
                     "\n"),
            QByteArray("ok")); // ignored, not refused
        QCOMPARE(send(source.socketPath(),
                     R"(["add","nope","10.42.0.60"])"
                     "\n"),
            QByteArray("error: \"nope\" is not a MAC address"));
        const QByteArray notAMessage
            = "error: not the script's arguments (a list of at most 8 strings) with its "
              "environment (an object of strings)";
        QCOMPARE(send(source.socketPath(), "add dc:a6:32:01:02:03 10.42.0.60\n"), notAMessage);
        QCOMPARE(send(source.socketPath(),
                     R"({"arguments":["add","dc:a6:32:01:02:03",7]})"
                     "\n"),
            notAMessage);
        QCOMPARE(send(source.socketPath(),
                     R"({"arguments":["old","dc:a6:32:01:02:03","10.42.0.60"],"environment":[]})"
                     "\n"),
            notAMessage);
        QCOMPARE(events.count(), 1);
        QCOMPARE(problems.count(), 4);

        // What pirack-dhcp-script sends: the arguments and dnsmasq's variables. A re-announcement ...
        QCOMPARE(
            send(source.socketPath(),
                R"({"arguments":["old","dc:a6:32:01:02:03","10.42.0.60"],"environment":{)"
                R"("DNSMASQ_OLD_HOSTNAME":"raspberrypi","DNSMASQ_DATA_MISSING":"1","DNSMASQ_TIME_REMAINING":"97",)"
                R"("PATH":"/tmp/evil"}})"
                "\n"),
            QByteArray("ok"));
        QCOMPARE(events.count(), 2);
        const DhcpEvent moved = events.at(1).at(0).value<DhcpEvent>();
        QCOMPARE(moved.kind, DhcpEvent::Kind::Restated);
        QCOMPARE(moved.oldHostname, u"raspberrypi"_s);
        QCOMPARE(moved.secondsRemaining, std::optional<qint64>(97));
        // ... and a Pi that rebooted and asked for the lease it holds.
        QCOMPARE(send(source.socketPath(),
                     R"({"arguments":["old","dc:a6:32:01:02:03","10.42.0.60","raspberrypi"],"environment":{)"
                     R"("DNSMASQ_SUPPLIED_HOSTNAME":"raspberrypi","DNSMASQ_TIME_REMAINING":"43200"}})"
                     "\n"),
            QByteArray("ok"));
        const DhcpEvent rebooted = events.at(2).at(0).value<DhcpEvent>();
        QCOMPARE(rebooted.kind, DhcpEvent::Kind::Lease);
        QVERIFY(rebooted.showsPiAsking());
        QCOMPARE(rebooted.suppliedHostname, u"raspberrypi"_s);
    }

    void idleConnectionsAreCappedAndTimedOut()
    {
        QTemporaryDir dir;
        DhcpEventSource source;
        QString error;
        QVERIFY2(source.listen(dir.filePath(u"dhcp.sock"_s), &error), qPrintable(error));
        QSignalSpy problems(&source, &DhcpEventSource::problem);
        std::vector<std::unique_ptr<QLocalSocket>> idle;
        int closed = 0;
        for (int i = 0; i < 33; ++i) {
            auto socket = std::make_unique<QLocalSocket>();
            QObject::connect(socket.get(), &QLocalSocket::disconnected, [&closed] { ++closed; });
            socket->connectToServer(source.socketPath());
            QVERIFY(socket->waitForConnected(5000));
            idle.push_back(std::move(socket));
        }
        // The one beyond 32 is turned away at once; the others when their 5 s are up.
        QTRY_COMPARE_WITH_TIMEOUT(closed, 1, 3000);
        QVERIFY(problems.at(0).at(0).toString().contains(u"more than 32 connections"_s));
        QTRY_COMPARE_WITH_TIMEOUT(closed, 33, 15000);
        QVERIFY(problems.last().at(0).toString().contains(u"no complete message within 5 s"_s));
        // And the socket still serves the script.
        QCOMPARE(send(source.socketPath(),
                     R"(["add","dc:a6:32:01:02:03","10.42.0.60"])"
                     "\n"),
            QByteArray("ok"));
    }

    void neverReplacesAFileThatIsNotASocket()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(u"important"_s), "keep me\n"));
        DhcpEventSource source;
        QString error;
        QVERIFY(!source.listen(dir.filePath(u"important"_s), &error));
        QCOMPARE(
            error, dir.filePath(u"important"_s) + u" exists and is not a socket; refusing to replace it"_s);
        QFile file(dir.filePath(u"important"_s));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("keep me\n"));
    }

    void leaseFileChangesAreEvents()
    {
        QTemporaryDir dir;
        const QString leases = dir.filePath(u"dnsmasq.leases"_s);
        QVERIFY(writeFile(leases,
            "1795347312 02:00:00:00:00:01 10.42.0.101 a *\n1795347312 02:00:00:00:00:02 10.42.0.102 b *\n"));
        DhcpEventSource source;
        QSignalSpy events(&source, &DhcpEventSource::eventReceived);
        QSignalSpy problems(&source, &DhcpEventSource::problem);
        source.watchLeaseFile(leases);
        QCOMPARE(events.count(), 0); // what was there before rackd looked is history

        // dnsmasq rewrites the whole file: one lease moved, one new, one broken line.
        QVERIFY(writeFile(leases,
            "1795347312 02:00:00:00:00:01 10.42.0.101 a *\n1795347399 02:00:00:00:00:02 10.42.0.150 b *\n"
            "1795347399 02:00:00:00:00:03 10.42.0.103 c *\nbroken\n"));
        QVERIFY(events.wait(10000));
        while (events.count() < 2)
            QVERIFY(events.wait(10000));
        QCOMPARE(events.at(0).at(0).value<DhcpEvent>().address, QHostAddress(u"10.42.0.150"_s));
        QCOMPARE(events.at(1).at(0).value<DhcpEvent>().mac, u"02:00:00:00:00:03"_s);
        QVERIFY(problems.count() >= 1);
        QVERIFY2(problems.at(0).at(0).toString().endsWith(
                     u"line 4: expected EXPIRY MAC IP HOSTNAME CLIENTID, got \"broken\""_s),
            qPrintable(problems.at(0).at(0).toString()));

        // A line rewritten with a new expiry, or without the host name another Pi took, is no request;
        // only the new lease after it is.
        QVERIFY(writeFile(leases,
            "1795350000 02:00:00:00:00:01 10.42.0.101 * *\n1795347399 02:00:00:00:00:02 10.42.0.150 b *\n"
            "1795347399 02:00:00:00:00:03 10.42.0.103 c *\n"));
        QVERIFY(writeFile(leases,
            "1795350000 02:00:00:00:00:01 10.42.0.101 * *\n1795347399 02:00:00:00:00:02 10.42.0.150 b *\n"
            "1795347399 02:00:00:00:00:03 10.42.0.103 c *\n1795350001 02:00:00:00:00:04 10.42.0.104 d *\n"));
        while (events.count() < 3)
            QVERIFY(events.wait(10000));
        QCOMPARE(events.count(), 3);
        QCOMPARE(events.at(2).at(0).value<DhcpEvent>().mac, u"02:00:00:00:00:04"_s);
        QVERIFY(events.at(2).at(0).value<DhcpEvent>().showsPiAsking());
    }

    void iscLogIsFollowedFromItsEnd()
    {
        QTemporaryDir dir;
        const QString log = dir.filePath(u"syslog"_s);
        QVERIFY(writeFile(log, "dhcpd: DHCPACK on 10.0.0.9 to b8:27:eb:00:00:09 via eth0\n"));
        DhcpEventSource source;
        QSignalSpy events(&source, &DhcpEventSource::eventReceived);
        QSignalSpy problems(&source, &DhcpEventSource::problem);
        source.followIscLog(log);
        QCOMPARE(events.count(), 0);

        QVERIFY(append(log,
            "sshd[1]: session opened\n"
            "dhcpd: DHCPREQUEST for 10.0.0.5 from b8:27:eb:00:00:05 via eth0\n"
            "dhcpd: DHCPACK on nowhere\n"
            "dhcpd: DHCPACK on 10.0.0.5 to b8:27:eb:00:00:05 (raspberrypi) via eth0\n"
            "dhcpd: DHCPACK on 10.0.0.6 to b8:27:eb:00:00:06"));
        while (events.count() < 2)
            QVERIFY(events.wait(10000));
        QCOMPARE(events.at(0).at(0).value<DhcpEvent>().kind, DhcpEvent::Kind::Request);
        QCOMPARE(events.at(1).at(0).value<DhcpEvent>().hostname, u"raspberrypi"_s);
        QCOMPARE(problems.count(), 1);
        // The unfinished last line counts once its end arrives.
        QVERIFY(append(log, " via eth0\n"));
        QVERIFY(events.wait(10000));
        QCOMPARE(events.at(2).at(0).value<DhcpEvent>().mac, u"b8:27:eb:00:00:06"_s);

        // Rotated: the new file is read from its start.
        QVERIFY(writeFile(log, "dhcpd: DHCPACK on 10.0.0.7 to b8:27:eb:00:00:07 via eth0\n"));
        QVERIFY(events.wait(10000));
        QCOMPARE(events.at(3).at(0).value<DhcpEvent>().mac, u"b8:27:eb:00:00:07"_s);
    }
};

QTEST_GUILESS_MAIN(TestDhcpEventSource)
#include "tst_dhcpeventsource.moc"
