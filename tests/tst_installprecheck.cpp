// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The install's pre-checks: each finding, good and bad, with what it tells the operator to do.
#include "install/installprecheck.h"
#include "testfiles.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Status = PrecheckItem::Status;

class TestInstallPrecheck : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    InstallPrecheckInput goodInput() const
    {
        InstallPrecheckInput input;
        input.relayBackend = u"simulated"_s;
        input.dhcpSources = {u"dnsmasq's script, on /run/pirack/dhcp-events.sock"_s};
        input.hostsFile = m_dir.filePath(u"dnsmasq/dhcp-hosts"_s);
        return input;
    }
    static PrecheckItem find(const QList<PrecheckItem> &items, const QString &id)
    {
        for (const PrecheckItem &item : items) {
            if (item.id == id)
                return item;
        }
        return {};
    }

private Q_SLOTS:
    void aReadyMasterHasNoError()
    {
        const QList<PrecheckItem> items = runInstallPrechecks(goodInput());
        QCOMPARE(items.size(), 4);
        QCOMPARE(find(items, u"relays"_s).status, Status::Ok);
        QCOMPARE(find(items, u"dhcp"_s).status, Status::Ok);
        QVERIFY(find(items, u"dhcp"_s).detail.contains(u"dhcp-events.sock"_s));
        // The folder does not exist yet, but the install may create it.
        QCOMPARE(find(items, u"reservations"_s).status, Status::Ok);
        // No pid file: the install runs, but someone restarts dnsmasq by hand.
        const PrecheckItem dnsmasq = find(items, u"dnsmasq"_s);
        QCOMPARE(dnsmasq.status, Status::Warning);
        QVERIFY(dnsmasq.fix.contains(u"Restart dnsmasq"_s));
        QCOMPARE(dnsmasq.toJson().value(u"status"_s).toString(), u"warning"_s);
    }

    void noDhcpSourceIsAnErrorWithItsFix()
    {
        InstallPrecheckInput input = goodInput();
        input.dhcpSources.clear();
        const PrecheckItem dhcp = find(runInstallPrechecks(input), u"dhcp"_s);
        QCOMPARE(dhcp.status, Status::Error);
        QVERIFY(dhcp.fix.contains(u"dhcp_event_socket"_s));
        QCOMPARE(dhcp.toJson().value(u"fix"_s).toString(), dhcp.fix);
    }

    /// The lease file keeps one line for a Pi that asks again for the lease it holds: it cannot see it.
    void theLeaseFileAloneIsAWarning()
    {
        InstallPrecheckInput input = goodInput();
        input.dhcpSources = {u"dnsmasq's lease file /var/lib/misc/dnsmasq.leases"_s};
        const PrecheckItem dhcp = find(runInstallPrechecks(input), u"dhcp"_s);
        QCOMPARE(dhcp.status, Status::Warning);
        QVERIFY2(dhcp.detail.contains(u"already holds a lease"_s), qPrintable(dhcp.detail));
        QVERIFY(dhcp.fix.contains(u"script-on-renewal"_s));
        input.dhcpSources.prepend(u"dnsmasq's script, on /run/pirack/dhcp-events.sock"_s);
        QCOMPARE(find(runInstallPrechecks(input), u"dhcp"_s).status, Status::Ok);
    }

    void unknownRelaysAreNamed()
    {
        InstallPrecheckInput input = goodInput();
        input.stacksWithUnknownRelay = {3, 7};
        const PrecheckItem relays = find(runInstallPrechecks(input), u"relays"_s);
        QCOMPARE(relays.status, Status::Warning);
        QVERIFY2(relays.detail.contains(u"stack 3, 7"_s), qPrintable(relays.detail));
        input.relayBackend = u"manual"_s;
        QCOMPARE(find(runInstallPrechecks(input), u"relays"_s).status, Status::Ok);
        QVERIFY(find(runInstallPrechecks(input), u"relays"_s).detail.contains(u"plug in"_s));
    }

    void relaysThatARestartWouldLetGoAreAWarning()
    {
        InstallPrecheckInput input = goodInput();
        input.relayBackend = u"gpio"_s;
        input.relayRestartWarning = u"The relay lines are let go whenever rackd stops, restarts or crashes"_s;
        const PrecheckItem relays = find(runInstallPrechecks(input), u"relays"_s);
        QCOMPARE(relays.status, Status::Warning);
        QVERIFY(relays.detail.endsWith(input.relayRestartWarning));
        QVERIFY(relays.fix.contains(u"do not stop or restart rackd"_s));
    }

    void aReservationsFileThatIsAFolderIsAnError()
    {
        // Root writes anywhere, so the failure comes from a path no one can create: a file standing
        // where a folder would have to be.
        QVERIFY(writeFile(m_dir.filePath(u"plain-file"_s), "x"));
        InstallPrecheckInput input = goodInput();
        input.hostsFile = m_dir.filePath(u"plain-file/dnsmasq/dhcp-hosts"_s);
        const PrecheckItem reservations = find(runInstallPrechecks(input), u"reservations"_s);
        QCOMPARE(reservations.status, Status::Error);
        QVERIFY2(reservations.detail.contains(u"cannot create files in"_s), qPrintable(reservations.detail));
        QVERIFY(reservations.fix.contains(u"install -d -o pirack"_s));
    }

    void dnsmasqMustRunUnderThePidFile()
    {
        InstallPrecheckInput input = goodInput();
        input.pidFile = m_dir.filePath(u"missing.pid"_s);
        PrecheckItem dnsmasq = find(runInstallPrechecks(input), u"dnsmasq"_s);
        QCOMPARE(dnsmasq.status, Status::Error);
        QVERIFY2(dnsmasq.detail.contains(u"cannot read dnsmasq's pid file"_s), qPrintable(dnsmasq.detail));

        // A stale pid file naming a process that is not dnsmasq (this test).
        QVERIFY(writeFile(input.pidFile, QByteArray::number(QCoreApplication::applicationPid()) + '\n'));
        dnsmasq = find(runInstallPrechecks(input), u"dnsmasq"_s);
        QCOMPARE(dnsmasq.status, Status::Error);
        QVERIFY2(dnsmasq.detail.contains(u"is not a running dnsmasq"_s), qPrintable(dnsmasq.detail));

        // A process whose name is dnsmasq: a copy of sleep, so nothing serves DHCP.
        const QString fake = m_dir.filePath(u"dnsmasq"_s);
        QVERIFY(QFile::copy(u"/bin/sleep"_s, fake));
        QProcess process;
        process.start(fake, {u"30"_s});
        QVERIFY(process.waitForStarted());
        const qint64 pid = process.processId();
        QVERIFY(writeFile(input.pidFile, QByteArray::number(pid) + '\n'));
        dnsmasq = find(runInstallPrechecks(input), u"dnsmasq"_s);
        process.kill();
        process.waitForFinished();
        QCOMPARE(dnsmasq.status, Status::Ok);
        QVERIFY2(dnsmasq.detail.contains(u"pid %1"_s.arg(pid)), qPrintable(dnsmasq.detail));
    }

    void aRunningInstallIsMentioned()
    {
        InstallPrecheckInput input = goodInput();
        input.installActive = true;
        const QList<PrecheckItem> items = runInstallPrechecks(input);
        QCOMPARE(items.size(), 5);
        QCOMPARE(items.last().id, u"install"_s);
        QCOMPARE(items.last().status, Status::Ok);
    }
};

QTEST_GUILESS_MAIN(TestInstallPrecheck)
#include "tst_installprecheck.moc"
