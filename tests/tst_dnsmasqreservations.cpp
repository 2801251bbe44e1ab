// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The files the install writes for dnsmasq, byte for byte, and how they are replaced.
#include "install/dnsmasqreservations.h"
#include "rackdconfig.h"
#include "testfiles.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {
Reservation reservation(const QString &mac, const QString &address, const QString &name)
{
    return {mac, QHostAddress(address), name};
}
} // namespace

class TestDnsmasqReservations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goldenFiles()
    {
        const QList<Reservation> reservations = DnsmasqReservations::merged({},
            {reservation(u"dc:a6:32:00:00:02"_s, u"10.42.0.12"_s, u"s1-n2"_s),
                reservation(u"dc:a6:32:00:00:01"_s, u"10.42.0.11"_s, u"s1-n1"_s)});
        QCOMPARE(DnsmasqReservations::hostsFileContent(reservations),
            QByteArray("# Written by rackd (PiRack's staged install). dnsmasq: --dhcp-hostsfile=THIS FILE\n"
                       "dc:a6:32:00:00:01,10.42.0.11,s1-n1\n"
                       "dc:a6:32:00:00:02,10.42.0.12,s1-n2\n"));
        QCOMPARE(DnsmasqReservations::namesFileContent(reservations),
            QByteArray("# Written by rackd (PiRack's staged install). dnsmasq: --addn-hosts=THIS FILE\n"
                       "10.42.0.11 s1-n1\n"
                       "10.42.0.12 s1-n2\n"));
    }

    void aMacsOldReservationIsReplacedNeverDuplicated()
    {
        const QList<Reservation> existing {reservation(u"dc:a6:32:00:00:01"_s, u"10.42.0.11"_s, u"s1-n1"_s),
            reservation(u"dc:a6:32:00:00:02"_s, u"10.42.0.12"_s, u"s1-n2"_s),
            reservation(u"dc:a6:32:00:00:03"_s, u"10.42.0.13"_s, u"s1-n3"_s)};
        // 01 moves to another slot; a new Pi (09) replaces 02 in its slot.
        const QList<Reservation> result = DnsmasqReservations::merged(existing,
            {reservation(u"dc:a6:32:00:00:01"_s, u"10.42.0.21"_s, u"s2-n1"_s),
                reservation(u"dc:a6:32:00:00:09"_s, u"10.42.0.12"_s, u"s1-n2"_s)});
        // 02's lease may be abandoned for 09; 01 keeps no claim on its old address, it has a new one.
        Reservation replacement = reservation(u"dc:a6:32:00:00:09"_s, u"10.42.0.12"_s, u"s1-n2"_s);
        replacement.formerMacs = {u"dc:a6:32:00:00:02"_s};
        QCOMPARE(result,
            (QList<Reservation> {replacement,
                reservation(u"dc:a6:32:00:00:03"_s, u"10.42.0.13"_s, u"s1-n3"_s),
                reservation(u"dc:a6:32:00:00:01"_s, u"10.42.0.21"_s, u"s2-n1"_s)}));
        QCOMPARE(DnsmasqReservations::hostsFileContent(result).split('\n').at(1),
            QByteArray("dc:a6:32:00:00:09,dc:a6:32:00:00:02,10.42.0.12,s1-n2"));
        // The line reads back the same, and a second replacement keeps both former MACs, newest first.
        QStringList problems;
        QCOMPARE(DnsmasqReservations::readHostsFile(DnsmasqReservations::hostsFileContent(result), &problems),
            result);
        QVERIFY(problems.isEmpty());
        const QList<Reservation> again = DnsmasqReservations::merged(
            result, {reservation(u"dc:a6:32:00:00:0a"_s, u"10.42.0.12"_s, u"s1-n2"_s)});
        QCOMPARE(
            again.constFirst().formerMacs, (QStringList {u"dc:a6:32:00:00:09"_s, u"dc:a6:32:00:00:02"_s}));
    }

    void readsItsOwnFileAndRefusesBrokenLines()
    {
        const QList<Reservation> written {reservation(u"dc:a6:32:00:00:01"_s, u"10.42.0.11"_s, u"s1-n1"_s)};
        QStringList problems;
        QCOMPARE(
            DnsmasqReservations::readHostsFile(DnsmasqReservations::hostsFileContent(written), &problems),
            written);
        QVERIFY(problems.isEmpty());
        const QList<Reservation> read = DnsmasqReservations::readHostsFile(
            "DC-A6-32-00-00-05,10.42.0.15,s1-n5\nnot,a,line\ndc:a6:32:00:00:06,10.42.0,s1-n6\n"
            "dc:a6:32:00:00:07,10.42.0.17,bad name\ndc:a6:32:00:00:08,10.42.0.18\n",
            &problems);
        QCOMPARE(
            read, (QList<Reservation> {reservation(u"dc:a6:32:00:00:05"_s, u"10.42.0.15"_s, u"s1-n5"_s)}));
        QCOMPARE(problems.size(), 4);
        QCOMPARE(problems.constFirst(), u"line 2: expected MAC,IP,NAME, got \"not,a,line\""_s);
    }

    void writesBothFilesAtomically()
    {
        QTemporaryDir dir;
        const QList<Reservation> reservations {
            reservation(u"dc:a6:32:00:00:01"_s, u"10.42.0.11"_s, u"s1-n1"_s)};
        QString error;
        QVERIFY2(DnsmasqReservations::write(
                     dir.filePath(u"dhcp-hosts"_s), dir.filePath(u"hosts"_s), reservations, &error),
            qPrintable(error));
        QFile hosts(dir.filePath(u"dhcp-hosts"_s));
        QVERIFY(hosts.open(QIODevice::ReadOnly));
        QCOMPARE(hosts.readAll(), DnsmasqReservations::hostsFileContent(reservations));
        QVERIFY(QFile::permissions(dir.filePath(u"hosts"_s)) & QFileDevice::ReadOther); // dnsmasq reads them
        QVERIFY(!DnsmasqReservations::write(dir.filePath(u"missing/dhcp-hosts"_s), {}, reservations, &error));
        QVERIFY2(error.contains(u"missing/dhcp-hosts"_s), qPrintable(error));
    }

    void updateMergesIntoWhatIsThere()
    {
        QTemporaryDir dir;
        const DnsmasqReservations::Files files {
            dir.filePath(u"dnsmasq/dhcp-hosts"_s), dir.filePath(u"dnsmasq/hosts"_s), {}};
        QVERIFY(QDir().mkpath(dir.filePath(u"dnsmasq"_s)));
        QVERIFY(writeFile(files.hosts, "dc:a6:32:00:00:01,10.42.0.11,s1-n1\nnot,a,line\n"));
        DnsmasqReservations::UpdateReport report;
        QString error;
        QVERIFY2(DnsmasqReservations::update(files,
                     {reservation(u"dc:a6:32:00:00:02"_s, u"10.42.0.12"_s, u"s1-n2"_s)},
                     DnsmasqReservations::Update::Merge, &report, &error),
            qPrintable(error));
        QVERIFY(report.changed);
        QCOMPARE(report.droppedLines.size(), 1);
        QVERIFY2(report.droppedLines.constFirst().contains(u"not,a,line"_s),
            qPrintable(report.droppedLines.constFirst()));
        // Without a pid file dnsmasq is not signalled, and the report says so.
        QVERIFY(!report.reloaded);
        QVERIFY2(report.notReloaded.contains(u"no pid file"_s), qPrintable(report.notReloaded));
        QCOMPARE(readFile(files.hosts),
            DnsmasqReservations::hostsFileContent(
                {reservation(u"dc:a6:32:00:00:01"_s, u"10.42.0.11"_s, u"s1-n1"_s),
                    reservation(u"dc:a6:32:00:00:02"_s, u"10.42.0.12"_s, u"s1-n2"_s)}));
        QVERIFY(readFile(files.names).contains("10.42.0.12 s1-n2\n"));

        // A file that cannot be read is an error and nothing is written.
        const DnsmasqReservations::Files unreadable {dir.filePath(u"dnsmasq"_s), {}, {}};
        QVERIFY(!DnsmasqReservations::update(
            unreadable, {}, DnsmasqReservations::Update::Merge, &report, &error));
        QVERIFY2(error.startsWith(u"cannot read the reservations in"_s), qPrintable(error));
    }

    void updateRenamesOnlyTheNodesOwnLine()
    {
        QTemporaryDir dir;
        const DnsmasqReservations::Files files {dir.filePath(u"dhcp-hosts"_s), dir.filePath(u"hosts"_s), {}};
        const QByteArray before = "# the printer, by hand\n"
                                  "dc:a6:32:00:00:01,10.42.0.11,s1-n1\n"
                                  "11:22:33:44:55:66,ignore\n"
                                  "dc:a6:32:00:00:02,10.42.0.12,s1-n2\n";
        QVERIFY(writeFile(files.hosts, before));
        DnsmasqReservations::UpdateReport report;
        QString error;
        QVERIFY2(DnsmasqReservations::update(files, {reservation(u"dc:a6:32:00:00:02"_s, {}, u"build-7"_s)},
                     DnsmasqReservations::Update::ExistingLinesOnly, &report, &error),
            qPrintable(error));
        QVERIFY(report.changed);
        QCOMPARE(readFile(files.hosts), QByteArray(before).replace("10.42.0.12,s1-n2", "10.42.0.12,build-7"));
        QVERIFY(readFile(files.names).contains("10.42.0.12 build-7\n"));

        // A MAC without a reservation gets none: the next install writes what the inventory says.
        DnsmasqReservations::UpdateReport untouched;
        QVERIFY(DnsmasqReservations::update(files, {reservation(u"dc:a6:32:00:00:09"_s, {}, u"other"_s)},
            DnsmasqReservations::Update::ExistingLinesOnly, &untouched, &error));
        QVERIFY(!untouched.changed);
        QVERIFY(readFile(files.hosts).contains("build-7"));
        QVERIFY(!readFile(files.hosts).contains("dc:a6:32:00:00:09"));
    }

    void shippedDnsmasqConfigurationIsValidAndMatchesRackd()
    {
        const QString path = QStringLiteral(PIRACK_SOURCE_DIR "/resources/dnsmasq/pirack.conf");
        QProcess dnsmasq;
        dnsmasq.setProcessChannelMode(QProcess::MergedChannels);
        dnsmasq.start(u"dnsmasq"_s, {u"--test"_s, u"--conf-file="_s + path});
        QVERIFY2(dnsmasq.waitForFinished(10000), "dnsmasq (Debian's dnsmasq-base) must be installed");
        const QByteArray output = dnsmasq.readAll();
        QVERIFY2(dnsmasq.exitCode() == 0 && output.contains("syntax check OK"), output.constData());
        // It reads what rackd writes by default, and rackd signals it through its pid file.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QStringList errors;
        const auto defaults = RackdConfig::parse("[rackd]\n", u"rackd.conf"_s, &errors);
        QVERIFY(text.contains(QByteArray("\ndhcp-hostsfile=" + defaults->dnsmasqHostsFile.toUtf8() + '\n')));
        QVERIFY(text.contains(QByteArray("\naddn-hosts=" + defaults->dnsmasqNamesFile.toUtf8() + '\n')));
        QVERIFY(text.contains(QByteArray("\npid-file=" + defaults->dnsmasqPidFile.toUtf8() + '\n')));
        QVERIFY(text.contains("\ndhcp-script=/usr/lib/pirack-rackd/pirack-dhcp-script\n"));
        // A broken line is refused, so the check above means something.
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(u"broken.conf"_s), "dhcp-range=not-an-address\n"));
        dnsmasq.start(u"dnsmasq"_s, {u"--test"_s, u"--conf-file="_s + dir.filePath(u"broken.conf"_s)});
        QVERIFY(dnsmasq.waitForFinished(10000));
        QVERIFY(dnsmasq.exitCode() != 0);
    }

    void reloadSignalsOnlyADnsmasq()
    {
        QTemporaryDir dir;
        QString error;
        QVERIFY(!DnsmasqReservations::reload(dir.filePath(u"none.pid"_s), &error));
        QVERIFY2(error.startsWith(u"cannot read dnsmasq's pid file"_s), qPrintable(error));
        QVERIFY(writeFile(dir.filePath(u"junk.pid"_s), "twelve\n"));
        QVERIFY(!DnsmasqReservations::reload(dir.filePath(u"junk.pid"_s), &error));
        QVERIFY2(error.contains(u"does not hold a process id"_s), qPrintable(error));
        // A stale pid file that names some other process: it is not signalled.
        QProcess sleeper;
        sleeper.start(u"sleep"_s, {u"30"_s});
        QVERIFY(sleeper.waitForStarted());
        QVERIFY(writeFile(dir.filePath(u"stale.pid"_s), QByteArray::number(sleeper.processId()) + '\n'));
        QVERIFY(!DnsmasqReservations::reload(dir.filePath(u"stale.pid"_s), &error));
        QVERIFY2(error.contains(u"is not a running dnsmasq"_s), qPrintable(error));
        QCOMPARE(sleeper.state(), QProcess::Running);
        sleeper.kill();
        sleeper.waitForFinished();
    }
};

QTEST_GUILESS_MAIN(TestDnsmasqReservations)
#include "tst_dnsmasqreservations.moc"
