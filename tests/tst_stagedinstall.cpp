// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The staged install's state machine inside a real rackd (simulated or manual relays), with the DHCP
// events injected as dnsmasq's script would deliver them. Past ~600 lines on purpose: one Qt Test
// class per file, and every path of the state machine is one of its functions.
#include "rackdfixture.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Status = InstallStack::Status;
using Outcome = InstallRecord::Outcome;
using Step = InstallRecord::Step;

namespace {

QString macOf(int stack, int n)
{
    return u"dc:a6:32:00:%1:%2"_s.arg(stack, 2, 10, QLatin1Char('0')).arg(n, 2, 10, QLatin1Char('0'));
}

} // namespace

class TestStagedInstall : public QObject
{
    Q_OBJECT

private:
    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;
    QList<Protocol::Event> m_events;

    bool startRackd(const QByteArray &extra = {})
    {
        m_fixture.extraConfig
            = "install_stack_timeout = 5\ninstall_settle_time = 0.3\ninstall_verify_timeout = 1\n" + extra;
        if (!m_fixture.prepare(0.05))
            return false;
        return restartRackd();
    }

    bool restartRackd()
    {
        m_daemon.reset();
        QString error;
        m_daemon = m_fixture.start(&error);
        if (!m_daemon) {
            qWarning().noquote() << error;
            return false;
        }
        connect(m_daemon->install(), &StagedInstall::eventRaised, this,
            [this](const Protocol::Event &event) { m_events.append(event); });
        return true;
    }

    StagedInstall *install() const { return m_daemon->install(); }
    InstallRecord record() const { return *install()->record(); }
    Status statusOf(int stack) const { return record().stack(stack)->status; }

    /// Waits, on the install's own signals, until `condition` holds (false after the deadline).
    bool waitUntil(const std::function<bool()> &condition, int timeoutMs = 10000)
    {
        QSignalSpy spy(install(), &StagedInstall::eventRaised);
        QElapsedTimer clock;
        clock.start();
        while (!condition()) {
            const qint64 left = timeoutMs - clock.elapsed();
            if (left <= 0)
                return false;
            spy.wait(int(std::min<qint64>(left, 500)));
        }
        return true;
    }
    bool waitForStatus(int stack, Status status, int timeoutMs = 10000)
    {
        return waitUntil([&] { return install()->record() && statusOf(stack) == status; }, timeoutMs);
    }
    bool waitForOutcome(Outcome outcome, int timeoutMs = 10000)
    {
        return waitUntil([&] { return install()->record() && record().outcome == outcome; }, timeoutMs);
    }

    void dhcp(const QString &mac, const QString &address, DhcpEvent::Kind kind = DhcpEvent::Kind::Lease)
    {
        DhcpEvent event;
        event.kind = kind;
        event.mac = mac;
        event.address = QHostAddress(address);
        install()->handleDhcpEvent(event);
    }

    std::optional<bool> relay(int stack) const { return simulatedBank(*m_daemon)->state(stack); }
    QStringList anomalyKinds() const
    {
        QStringList kinds;
        for (const InstallAnomaly &anomaly : record().anomalies)
            kinds.append(InstallAnomaly::kindName(anomaly.kind));
        return kinds;
    }
    int eventCount(const QString &name) const
    {
        return int(std::count_if(m_events.cbegin(), m_events.cend(),
            [&name](const Protocol::Event &event) { return event.name == name; }));
    }
    /// The Pis of `stack` that ask for an address while it is being discovered.
    bool discover(int stack, int count)
    {
        if (!waitForStatus(stack, Status::Collecting))
            return false;
        for (int n = 1; n <= count; ++n)
            dhcp(macOf(stack, n), u"10.42.0.%1"_s.arg(100 + stack * 10 + n));
        return true;
    }
    bool registerNode(const QString &mac, std::optional<int> stack = {}, int slot = 0)
    {
        QString error;
        Protocol::Error failure;
        NodeInventory *inventory = m_daemon->nodeManager()->inventory();
        const bool ok = inventory->registerNode(mac, {}, QByteArray(32, 'x'), &error)
            && (!stack || inventory->assign(mac, *stack, slot, m_daemon->structure(), &failure));
        if (!ok)
            qWarning().noquote() << error << failure.message;
        return ok;
    }

private Q_SLOTS:
    void init()
    {
        m_events.clear();
        m_fixture.extraConfig.clear();
    }
    void cleanup()
    {
        m_daemon.reset();
        QDir(m_fixture.dir.path()).removeRecursively();
        QDir().mkpath(m_fixture.dir.path());
        m_fixture.adminToken.clear();
    }

    void cleanRackIsDiscoveredStackByStackAndWrittenOut()
    {
        QVERIFY(startRackd());
        QVERIFY(m_daemon->relayBank());
        Protocol::Error error;
        QVERIFY2(install()->start({{}, {}, u"admin"_s}, &error), qPrintable(error.message));
        QCOMPARE(record().stacks.size(), 3);

        for (int stack = 1; stack <= 3; ++stack) {
            QVERIFY(discover(stack, 2));
            // Only the stack being discovered has power.
            for (int other = 1; other <= 3; ++other)
                QCOMPARE(relay(other), std::optional<bool>(other == stack));
            // A renewal of a Pi already seen is not a new Pi.
            dhcp(macOf(stack, 2), u"10.42.0.200"_s);
            QVERIFY(waitUntil([&] { return statusOf(stack) == Status::Found; }));
            QCOMPARE(record().stack(stack)->macs.size(), 2);
        }
        QVERIFY(waitForOutcome(Outcome::Done));
        QVERIFY(record().anomalies.isEmpty());
        QCOMPARE(record().step, Step::Finished);
        // The slots follow the order the Pis asked in.
        QCOMPARE(readFile(m_fixture.path(u"dnsmasq/dhcp-hosts"_s)),
            "# Written by rackd (PiRack's staged install). dnsmasq: --dhcp-hostsfile=THIS FILE\n"
            "dc:a6:32:00:01:01,10.42.0.11,s1-n1\ndc:a6:32:00:01:02,10.42.0.12,s1-n2\n"
            "dc:a6:32:00:02:01,10.42.0.13,s2-n1\ndc:a6:32:00:02:02,10.42.0.14,s2-n2\n"
            "dc:a6:32:00:03:01,10.42.0.15,s3-n1\ndc:a6:32:00:03:02,10.42.0.16,s3-n2\n");
        QVERIFY(readFile(m_fixture.path(u"dnsmasq/hosts"_s)).contains("10.42.0.16 s3-n2\n"));
        // Every stack back on; no agent came back (none runs here), so each is ko, Pi by Pi.
        for (int stack = 1; stack <= 3; ++stack) {
            QCOMPARE(relay(stack), std::optional<bool>(true));
            QCOMPARE(record().stack(stack)->verdict, u"ko"_s);
        }
        QCOMPARE(record().checks.size(), 6);
        QCOMPARE(record().checks.at(0).mac, macOf(1, 1));
        QVERIFY(!record().checks.at(0).up);
        QCOMPARE(eventCount(u"install.mac"_s), 6);
        QVERIFY(eventCount(u"install.step"_s) > 10);

        // What a client sees, and what survives a restart, are the same record.
        QVERIFY(restartRackd());
        QCOMPARE(record().outcome, Outcome::Done);
        QCOMPARE(record().stack(3)->macs.at(1).slot, 2);
    }

    void anomaliesAreFlaggedAndWaitForTheOperator()
    {
        QVERIFY(startRackd());
        // A Pi the rack placed in stack 3 earlier.
        QVERIFY(registerNode(macOf(9, 1), 3, 1));
        Protocol::Error error;
        QVERIFY(install()->start({{}, {}, u"admin"_s}, &error));

        // Stack 1: three MACs for two slots, one of which is placed in stack 3.
        QVERIFY(discover(1, 2));
        dhcp(macOf(9, 1), u"10.42.0.150"_s);
        QVERIFY(waitForOutcome(Outcome::WaitingForDecision));
        QCOMPARE(statusOf(1), Status::NeedsDecision);
        QCOMPARE(anomalyKinds(), (QStringList {u"assigned-elsewhere"_s, u"too-many"_s}));
        QVERIFY2(record().stack(1)->problem.contains(u"3 MACs where 2 were expected"_s),
            qPrintable(record().stack(1)->problem));
        QCOMPARE(record().anomalies.constLast().detail,
            u"stack 1 has 2 Pis but dc:a6:32:00:09:01 is the 3rd MAC to ask for an address"_s);
        QCOMPARE(relay(1), std::optional<bool>(false));
        // While nothing is powered, a Pi that asks is powered from somewhere else.
        dhcp(u"dc:a6:32:ff:ff:01"_s, u"10.42.0.151"_s);
        QCOMPARE(anomalyKinds().constLast(), u"while-off"_s);
        QVERIFY(install()->powerBusyReason().contains(u"install"_s));

        // Accepted: the first two by arrival get the slots, the third stays unplaced.
        QVERIFY(install()->decide(StagedInstall::Decision::Accept, &error));
        QCOMPARE(statusOf(1), Status::Accepted);
        QCOMPARE(record().stack(1)->macs.at(2).slot, 0);

        // Stack 2 clean; stack 3: one of stack 1's Pis asks again (the same MAC twice).
        QVERIFY(discover(2, 2));
        QVERIFY(waitForStatus(3, Status::Collecting));
        dhcp(macOf(1, 1), u"10.42.0.111"_s);
        dhcp(macOf(3, 1), u"10.42.0.131"_s);
        dhcp(macOf(3, 2), u"10.42.0.132"_s);
        QVERIFY(waitForOutcome(Outcome::WaitingForDecision));
        QCOMPARE(anomalyKinds().constLast(), u"seen-in-other-stack"_s);
        QCOMPARE(record().stack(3)->macs.size(), 2); // not counted for stack 3
        // Retry: a fresh discovery of the stack, and this time it is clean.
        QVERIFY(install()->decide(StagedInstall::Decision::Retry, &error));
        QVERIFY(discover(3, 2));
        QVERIFY(waitForStatus(3, Status::Found));
        QCOMPARE(record().stack(3)->attempts, 2);
        QVERIFY(waitForOutcome(Outcome::Done));
        // The Pi found in stack 3 earlier now sits where it was seen; the one it displaced is unplaced.
        const std::optional<NodeRecord> moved = m_daemon->nodeManager()->inventory()->node(macOf(9, 1));
        QVERIFY(moved);
        QCOMPARE(moved->stack, std::optional<int>());
        QCOMPARE(eventCount(u"install.anomaly"_s), 4);
    }

    /**
     * dnsmasq re-announces leases at its start, on SIGHUP, on renewals, and whenever a fresh Pi takes
     * the name "raspberrypi" from another: none of that counts, while a Pi that reboots and asks
     * for the lease it holds does. A Pi of a stack outside the install that is on is its own stack's.
     */
    void onlyAPiAskingCounts()
    {
        QVERIFY(startRackd());
        QVERIFY(registerNode(macOf(3, 1), 3, 1));
        simulatedBank(*m_daemon)->switchChannel(3, true);
        QVERIFY(waitUntil([&] { return relay(3) == std::optional<bool>(true); }));
        Protocol::Error error;
        QVERIFY(install()->start({{1, 2}, {}, u"admin"_s}, &error));

        QVERIFY(waitForStatus(1, Status::Collecting));
        dhcp(macOf(1, 1), u"10.42.0.111"_s, DhcpEvent::Kind::Restated); // dnsmasq restarted
        dhcp(macOf(3, 1), u"10.42.0.131"_s); // stack 3's Pi renews: stack 3 is on, outside the install
        QCOMPARE(record().stack(1)->macs.size(), 0);
        dhcp(macOf(1, 1), u"10.42.0.111"_s); // the Pi asks for the lease it holds: "old" with its data
        dhcp(macOf(1, 2), u"10.42.0.112"_s);
        QVERIFY(waitForStatus(1, Status::Found));

        // Stack 2 comes on; its first Pi takes the name "raspberrypi" from stack 1's last: dnsmasq says
        // "old" for stack 1's Pi twice (the name moving, then the lease without it). No anomaly.
        QVERIFY(waitForStatus(2, Status::Collecting));
        dhcp(macOf(2, 1), u"10.42.0.121"_s);
        dhcp(macOf(1, 2), u"10.42.0.112"_s, DhcpEvent::Kind::Restated);
        dhcp(macOf(1, 2), u"10.42.0.112"_s, DhcpEvent::Kind::Restated);
        dhcp(macOf(2, 2), u"10.42.0.122"_s);
        QVERIFY(waitForOutcome(Outcome::Done));
        QVERIFY2(record().anomalies.isEmpty(), qPrintable(anomalyKinds().join(u", "_s)));
        QCOMPARE(record().stack(2)->macs.size(), 2);
        // Stack 3 was left alone, its Pi where it was.
        QCOMPARE(relay(3), std::optional<bool>(true));
        QCOMPARE(m_daemon->nodeManager()->inventory()->node(macOf(3, 1))->stack, std::optional<int>(3));
        // The same Pi asking while its stack is off is an anomaly after all: something else powers it.
        QVERIFY(install()->start({{1}, {}, u"admin"_s}, &error));
        simulatedBank(*m_daemon)->switchChannel(3, false);
        QVERIFY(waitUntil([&] { return relay(3) == std::optional<bool>(false); }));
        QVERIFY(waitForStatus(1, Status::Collecting));
        dhcp(macOf(3, 1), u"10.42.0.131"_s);
        QVERIFY(waitUntil([&] { return !record().anomalies.isEmpty(); }));
        QCOMPARE(anomalyKinds(), QStringList {u"assigned-elsewhere"_s});
    }

    /// Verification waits for the Pis placed; a slot accepted empty, or a skipped stack without Pis, is not
    /// waited for.
    void verificationJudgesTheStacksOnThePisPlaced()
    {
        QVERIFY(startRackd("install_verify_timeout = 600\n"));
        Protocol::Error error;
        QVERIFY(install()->start({{1, 2}, {}, u"admin"_s}, &error));
        QVERIFY(discover(1, 1));
        QVERIFY(waitForOutcome(Outcome::WaitingForDecision));
        QVERIFY(install()->decide(StagedInstall::Decision::Accept, &error));
        QVERIFY(waitForOutcome(Outcome::WaitingForDecision));
        QCOMPARE(install()->record()->currentStack()->id, 2);
        QVERIFY(install()->decide(StagedInstall::Decision::Skip, &error));
        QVERIFY(waitUntil([&] { return record().step == Step::Verifying && record().checks.size() == 4; }));
        // Stack 1: s1-n1 is waited for, s1-n2 is empty; stack 2 has no Pi at all.
        QCOMPARE(record().checks.at(0).mac, macOf(1, 1));
        QVERIFY(record().checks.at(1).mac.isEmpty());
        QVERIFY(record().checks.at(2).mac.isEmpty() && record().checks.at(3).mac.isEmpty());
        QCOMPARE(record().stack(2)->verdict, u"empty"_s);
        QCOMPARE(record().stack(1)->verdict, u"ko"_s); // its one Pi has no agent here
        QVERIFY(install()->abort(u"admin"_s, &error));
    }

    void acceptedMacsOfAnotherStackMoveThere()
    {
        QVERIFY(startRackd());
        QVERIFY(registerNode(macOf(9, 1), 3, 1));
        Protocol::Error error;
        QVERIFY(install()->start({{1}, {}, u"admin"_s}, &error));
        QVERIFY(waitForStatus(1, Status::Collecting));
        dhcp(macOf(9, 1), u"10.42.0.150"_s);
        dhcp(macOf(1, 2), u"10.42.0.151"_s);
        QVERIFY(waitForOutcome(Outcome::WaitingForDecision));
        QVERIFY(install()->decide(StagedInstall::Decision::Accept, &error));
        QVERIFY(waitForOutcome(Outcome::Done));
        const std::optional<NodeRecord> moved = m_daemon->nodeManager()->inventory()->node(macOf(9, 1));
        QCOMPARE(moved->stack, std::optional<int>(1));
        QCOMPARE(moved->slot, std::optional<int>(1));
        QCOMPARE(moved->name, u"s1-n1"_s);
    }

    void timeoutRetrySkipAndAManualMac()
    {
        QVERIFY(startRackd("install_stack_timeout = 1\n"));
        Protocol::Error error;
        QVERIFY(install()->start({{}, {}, u"admin"_s}, &error));

        // Stack 1: one Pi of two, then its timeout.
        QVERIFY(discover(1, 1));
        QVERIFY(waitForOutcome(Outcome::WaitingForDecision));
        QVERIFY2(record().stack(1)->problem.startsWith(u"1 of 2 Pis found"_s),
            qPrintable(record().stack(1)->problem));
        QVERIFY(install()->decide(StagedInstall::Decision::Retry, &error));
        QVERIFY(waitForStatus(1, Status::Collecting));
        QCOMPARE(record().stack(1)->macs.size(), 0);
        QVERIFY(discover(1, 2));
        QVERIFY(waitForStatus(1, Status::Found));

        // Stack 2: nothing at all (a dead supply): skipped.
        QVERIFY(waitForOutcome(Outcome::WaitingForDecision));
        QCOMPARE(record().stack(2)->problem, u"0 of 2 Pis found"_s);
        QVERIFY(install()->decide(StagedInstall::Decision::Retry, &error));
        QVERIFY(waitForOutcome(Outcome::WaitingForDecision));
        QVERIFY(install()->decide(StagedInstall::Decision::Skip, &error));

        // Stack 3: one Pi, the other added by hand from its label.
        QVERIFY(discover(3, 1));
        QVERIFY(waitForOutcome(Outcome::WaitingForDecision));
        QVERIFY(!install()->addMac(u"not-a-mac"_s, &error));
        QCOMPARE(
            error.message, u"\"not-a-mac\" is not a MAC address (six hex pairs, like dc:a6:32:01:02:03)"_s);
        QCOMPARE(error.code, Protocol::ErrorCode::BadRequest);
        QVERIFY(!install()->addMac(macOf(1, 1), &error));
        QCOMPARE(error.message, u"dc:a6:32:00:01:01 belongs to stack 1 of this install"_s);
        QCOMPARE(error.code, Protocol::ErrorCode::Conflict);
        QVERIFY(install()->addMac(u"DC-A6-32-00-03-02"_s, &error));
        QVERIFY(!install()->addMac(u"dc:a6:32:00:03:09"_s, &error));
        QVERIFY(record().stack(3)->macs.at(1).manual);
        QCOMPARE(record().outcome, Outcome::WaitingForDecision);
        QVERIFY(install()->decide(StagedInstall::Decision::Accept, &error));
        QVERIFY(waitForOutcome(Outcome::Done));

        const QByteArray hosts = readFile(m_fixture.path(u"dnsmasq/dhcp-hosts"_s));
        QVERIFY(hosts.contains("dc:a6:32:00:03:02,10.42.0.16,s3-n2\n"));
        QVERIFY(!hosts.contains(",s2-n")); // the skipped stack gets nothing
        QCOMPARE(record().stack(2)->status, Status::Skipped);
        QVERIFY(!install()->decide(StagedInstall::Decision::Skip, &error));
        QVERIFY(error.message.startsWith(u"nothing waits for a decision"_s));
        QCOMPARE(error.code, Protocol::ErrorCode::Conflict);
    }

    void aStackWhoseRelayStaysOnCanOnlyBeRetried()
    {
        QVERIFY(startRackd());
        Protocol::Error error;
        QVERIFY(install()->start({{1}, {}, u"admin"_s}, &error));
        QVERIFY(waitForStatus(1, Status::Collecting));
        simulatedBank(*m_daemon)->failNextCommand(1, u"the relay is welded"_s);
        dhcp(macOf(1, 1), u"10.42.0.111"_s);
        dhcp(macOf(1, 2), u"10.42.0.112"_s);
        QVERIFY(waitForOutcome(Outcome::WaitingForDecision));
        QVERIFY2(record().stack(1)->problem.startsWith(u"its relay did not switch off"_s),
            qPrintable(record().stack(1)->problem));
        QCOMPARE(relay(1), std::optional<bool>(true));
        QVERIFY(!install()->decide(StagedInstall::Decision::Accept, &error));
        QVERIFY2(error.message.startsWith(u"stack 1 is not switched off (its relay is on)"_s),
            qPrintable(error.message));
        QVERIFY(!install()->decide(StagedInstall::Decision::Skip, &error));
        // A retry cycles the stack, so its Pis boot and ask again.
        QSignalSpy switches(simulatedBank(*m_daemon), &RelayBank::channelStateChanged);
        QVERIFY(install()->decide(StagedInstall::Decision::Retry, &error));
        QVERIFY(discover(1, 2));
        QCOMPARE(switches.size(), 2); // off, then on
        QVERIFY(waitForOutcome(Outcome::Done));
        QCOMPARE(statusOf(1), Status::Found);
    }

    void abortSwitchesTheStacksOffAndWritesNothing()
    {
        QVERIFY(startRackd());
        Protocol::Error error;
        QVERIFY(install()->start({{}, {}, u"admin"_s}, &error));
        QVERIFY(!install()->start({{}, {}, u"admin"_s}, &error));
        QVERIFY2(error.message.startsWith(u"an install is already running"_s), qPrintable(error.message));
        QVERIFY(discover(1, 2));
        QVERIFY(waitForStatus(2, Status::Collecting));
        QCOMPARE(relay(2), std::optional<bool>(true));
        QVERIFY(install()->abort(u"admin"_s, &error));
        QCOMPARE(record().outcome, Outcome::Aborted);
        QVERIFY(waitUntil([&] { return record().relays == u"every stack of the install is off"_s; }));
        for (int stack = 1; stack <= 3; ++stack)
            QCOMPARE(relay(stack), std::optional<bool>(false));
        QVERIFY(!QFile::exists(m_fixture.path(u"dnsmasq/dhcp-hosts"_s)));
        QVERIFY(install()->powerBusyReason().isEmpty());
        QVERIFY(!install()->abort(u"admin"_s, &error));
        QCOMPARE(error.message, u"no install is running"_s);
        QCOMPARE(error.code, Protocol::ErrorCode::Conflict);
    }

    void restartInTheMiddleOfAStackDiscoversItAgain()
    {
        QVERIFY(startRackd());
        Protocol::Error error;
        QVERIFY(install()->start({{}, {}, u"admin"_s}, &error));
        QVERIFY(discover(1, 2));
        QVERIFY(waitForStatus(2, Status::Collecting));
        dhcp(macOf(2, 1), u"10.42.0.121"_s);
        QVERIFY(waitUntil([&] { return record().stack(2)->macs.size() == 1; }));

        // rackd goes away and comes back (as after a crash: install.json is all it has).
        QVERIFY(restartRackd());
        QCOMPARE(record().outcome, Outcome::Running);
        QVERIFY(record().warnings.constFirst().startsWith(u"rackd restarted"_s));
        QVERIFY(
            waitUntil([&] { return record().stack(2)->attempts == 2 && statusOf(2) == Status::Collecting; }));
        QCOMPARE(statusOf(1), Status::Found);
        QVERIFY(discover(2, 2));
        QVERIFY(discover(3, 2));
        QVERIFY(waitForOutcome(Outcome::Done));
        QVERIFY(
            readFile(m_fixture.path(u"dnsmasq/dhcp-hosts"_s)).contains("dc:a6:32:00:02:02,10.42.0.14,s2-n2"));
    }

    void anInstallThatCannotResumeIsMarkedFailed()
    {
        QVERIFY(startRackd());
        Protocol::Error error;
        QVERIFY(install()->start({{}, {}, u"admin"_s}, &error));
        QVERIFY(waitForStatus(1, Status::Collecting));
        m_daemon.reset();
        // The rack was rebuilt with two stacks while rackd was down.
        QByteArray structure = simulatedRackFile(0.05);
        structure.truncate(structure.indexOf("[3]"));
        structure.replace("cols = 3", "cols = 2");
        QVERIFY(writeFile(m_fixture.path(u"rack.ini"_s), structure));
        QVERIFY(restartRackd());
        QCOMPARE(record().outcome, Outcome::Failed);
        QCOMPARE(
            record().error, u"the structure file changed while the install was running: stack 3 is gone"_s);
        QVERIFY2(record().relays.startsWith(u"left as they were: stack 1 on, stack 2 off"_s),
            qPrintable(record().relays));
        QVERIFY(!install()->isActive());
        QVERIFY(install()->start({{}, {}, u"admin"_s}, &error));
    }

    void aDamagedRecordIsKeptAsideAndRackdStarts()
    {
        QVERIFY(startRackd());
        m_daemon.reset();
        QVERIFY(writeFile(m_fixture.path(u"state/install.json"_s), "{\"id\": 3}"));
        QVERIFY(restartRackd());
        QVERIFY(!install()->record());
        QCOMPARE(readFile(m_fixture.path(u"state/install.json.damaged"_s)), QByteArray("{\"id\": 3}"));
        Protocol::Error error;
        QVERIFY(install()->start({{2}, {}, u"admin"_s}, &error));
    }

    void theManualBackendWaitsForTheOperator()
    {
        QVERIFY(startRackd("relay_backend = manual\n"));
        RackClient client;
        QVERIFY(connectClient(client, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        QCOMPARE(
            call(client, u"subscribe"_s, {{u"events"_s, QJsonArray {u"install"_s, u"relay"_s}}})->isError(),
            false);
        const auto started = call(client, u"install.start"_s, {{u"stacks"_s, QJsonArray {1}}});
        QVERIFY(started && !started->isError());
        QVERIFY(waitUntil([&] { return !record().operatorInstruction.isEmpty(); }));
        QCOMPARE(record().operatorInstruction,
            u"Plug in the power supply of stack 1 (channel 1), then confirm."_s);
        QCOMPARE(statusOf(1), Status::SwitchingOn);
        // A Pi plugged in before the confirmation counts.
        dhcp(macOf(1, 1), u"10.42.0.111"_s);
        const auto wrongStack = call(client, u"relay.confirm"_s, {{u"stack"_s, 2}});
        QCOMPARE(wrongStack->error->code, u"conflict"_s);
        QVERIFY(!call(client, u"relay.confirm"_s)->isError());
        QVERIFY(waitForStatus(1, Status::Collecting));
        QVERIFY(record().operatorInstruction.isEmpty());
        dhcp(macOf(1, 2), u"10.42.0.112"_s);
        QVERIFY(waitUntil([&] { return record().operatorInstruction.startsWith(u"Unplug"_s); }));
        QVERIFY(!call(client, u"relay.confirm"_s, {{u"stack"_s, 1}})->isError());
        QVERIFY(waitForStatus(1, Status::Found));
        // Powering on asks again; declining it leaves the stack off, which verification reports.
        QVERIFY(waitUntil([&] { return record().operatorInstruction.startsWith(u"Plug in"_s); }));
        QVERIFY(!call(client, u"relay.confirm"_s, {{u"done"_s, false}, {u"reason"_s, u"no socket free"_s}})
                     ->isError());
        QVERIFY(waitForOutcome(Outcome::Done));
        QVERIFY(record().warnings.join(u'\n').contains(u"no socket free"_s));
        QCOMPARE(record().stack(1)->verdict, u"ko"_s);
    }

    void replacingAPiGivesTheNewMacTheSlotsNameAndAddress()
    {
        QVERIFY(startRackd());
        QVERIFY(registerNode(macOf(1, 1), 1, 1));
        QVERIFY(registerNode(macOf(1, 2), 1, 2));
        QVERIFY(registerNode(macOf(2, 1), 2, 1));
        QVERIFY(QDir().mkpath(m_fixture.path(u"dnsmasq"_s)));
        QVERIFY(writeFile(m_fixture.path(u"dnsmasq/dhcp-hosts"_s),
            "dc:a6:32:00:01:01,10.42.0.11,s1-n1\ndc:a6:32:00:01:02,10.42.0.12,s1-n2\n"
            "dc:a6:32:00:02:01,10.42.0.13,s2-n1\n"));
        // The new Pi joined already, from a pool address, as a fresh image does.
        const QString fresh = u"dc:a6:32:00:0a:0a"_s;
        QVERIFY(registerNode(fresh));
        Protocol::Error error;
        QVERIFY(!install()->replace(1, 3, u"admin"_s, &error));
        QCOMPARE(error.message, u"stack 1 has slots 1 to 2"_s);
        QCOMPARE(error.code, Protocol::ErrorCode::BadRequest);
        QVERIFY(install()->replace(1, 2, u"admin"_s, &error));
        QCOMPARE(record().kind, InstallRecord::Kind::Replace);
        QVERIFY(waitForStatus(1, Status::Collecting));
        QCOMPARE(relay(2), std::optional<bool>(false));
        dhcp(macOf(1, 1), u"10.42.0.11"_s); // the stack's other Pi: known, not new
        // The rest of the rack is on during a replace: a renewal of another stack's Pi (or dnsmasq's
        // "old" events after a SIGHUP), and the failed Pi itself if it still answers, are not the new one.
        dhcp(macOf(2, 1), u"10.42.0.13"_s);
        dhcp(macOf(1, 2), u"10.42.0.12"_s);
        dhcp(fresh, u"10.42.0.150"_s);
        QVERIFY(waitForOutcome(Outcome::Done));
        QVERIFY(record().anomalies.isEmpty());
        QCOMPARE(readFile(m_fixture.path(u"dnsmasq/dhcp-hosts"_s)),
            "# Written by rackd (PiRack's staged install). dnsmasq: --dhcp-hostsfile=THIS FILE\n"
            "dc:a6:32:00:01:01,10.42.0.11,s1-n1\ndc:a6:32:00:0a:0a,dc:a6:32:00:01:02,10.42.0.12,s1-n2\n"
            "dc:a6:32:00:02:01,10.42.0.13,s2-n1\n");
        NodeInventory *inventory = m_daemon->nodeManager()->inventory();
        QCOMPARE(inventory->nodeAt(1, 2)->mac, fresh);
        QCOMPARE(inventory->node(fresh)->address, u"10.42.0.12"_s);
        QVERIFY(!inventory->node(macOf(1, 2))->stack);
        QCOMPARE(inventory->nodeAt(1, 1)->mac, macOf(1, 1));
    }

    void renamingANodeRenamesItsReservation()
    {
        QVERIFY(startRackd());
        QVERIFY(registerNode(macOf(1, 1), 1, 1));
        QVERIFY(registerNode(macOf(1, 2), 1, 2));
        QVERIFY(registerNode(u"dc:a6:32:00:0b:0b"_s)); // joined, not placed
        QVERIFY(QDir().mkpath(m_fixture.path(u"dnsmasq"_s)));
        // Besides rackd's own lines, some it does not understand: they must survive a rename as they are.
        const QByteArray foreign = "# the lab printer and a blocked laptop\n"
                                   "aa:bb:cc:dd:ee:ff,printer,10.42.0.200,infinite\n"
                                   "11:22:33:44:55:66,ignore\n"
                                   "id:01:02:03,10.42.0.201\n";
        QVERIFY(writeFile(m_fixture.path(u"dnsmasq/dhcp-hosts"_s),
            "dc:a6:32:00:01:01,10.42.0.11,s1-n1\n" + foreign + "dc:a6:32:00:01:02,10.42.0.12,s1-n2\n"));
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        QVERIFY(!call(admin, u"subscribe"_s, {{u"events"_s, QJsonArray {u"node"_s}}})->isError());
        QSignalSpy events(&admin, &RackClient::eventReceived);
        const auto rename = [&admin](const QString &mac, const QString &name) {
            return call(admin, u"node.rename"_s, {{u"mac"_s, mac}, {u"name"_s, name}});
        };
        QCOMPARE(rename(u"dc:a6:32:00:ff:ff"_s, u"x"_s)->error->code, u"not_found"_s);
        QVERIFY(rename(u"dc:a6:32:00:0b:0b"_s, u"x"_s)
                    ->error->message.contains(u"only a placed node has a name"_s));
        QVERIFY(rename(macOf(1, 1), u"Head_Node"_s)->error->message.contains(u"is not a host name"_s));
        QCOMPARE(rename(macOf(1, 1), u"s1-n2"_s)->error->code, u"conflict"_s);

        const auto renamed = rename(macOf(1, 1), u"head-node"_s);
        QVERIFY(renamed && !renamed->isError());
        QCOMPARE(renamed->result.value(u"name"_s).toString(), u"head-node"_s);
        QVERIFY(
            renamed->result.value(u"warning"_s).toString().contains(u"not signalled"_s)); // no pid file here
        QCOMPARE(m_daemon->nodeManager()->inventory()->node(macOf(1, 1))->name, u"head-node"_s);
        // dnsmasq's files follow, so DNS and DHCP say what the inventory says.
        QCOMPARE(readFile(m_fixture.path(u"dnsmasq/dhcp-hosts"_s)),
            "dc:a6:32:00:01:01,10.42.0.11,head-node\n" + foreign + "dc:a6:32:00:01:02,10.42.0.12,s1-n2\n");
        QVERIFY(readFile(m_fixture.path(u"dnsmasq/hosts"_s)).contains("10.42.0.11 head-node\n"));
        // Everyone watching hears of it.
        QVERIFY(!events.isEmpty() || events.wait(5000));
        QCOMPARE(events.size(), 1);
        const auto event = events.first().at(0).value<Protocol::Event>();
        QCOMPARE(event.name, u"node.renamed"_s);
        QCOMPARE(event.data.value(u"name"_s).toString(), u"head-node"_s);
        QCOMPARE(event.data.value(u"stack"_s).toInt(), 1);
    }

    void theApiChecksRolesAndParameters()
    {
        QVERIFY(startRackd());
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        const auto viewerToken
            = call(admin, u"token.create"_s, {{u"name"_s, u"watcher"_s}, {u"role"_s, u"viewer"_s}});
        RackClient viewer;
        QVERIFY(connectClient(viewer, m_daemon->port(), viewerToken->result.value(u"token"_s).toString(),
            m_daemon->fingerprint())
                    .ready);
        QCOMPARE(call(viewer, u"install.status"_s)->result.value(u"outcome"_s).toString(), u"none"_s);
        // The pre-checks see this rackd as it is: simulated relays, the event socket, no pid file.
        const auto precheck = call(viewer, u"install.precheck"_s);
        QVERIFY(precheck && !precheck->isError());
        QCOMPARE(precheck->result.value(u"ready"_s).toBool(), true);
        QStringList findings;
        for (const QJsonValue &check : precheck->result.value(u"checks"_s).toArray())
            findings.append(check[u"id"_s].toString() + u'=' + check[u"status"_s].toString());
        QCOMPARE(findings,
            (QStringList {u"relays=ok"_s, u"dhcp=ok"_s, u"reservations=ok"_s, u"dnsmasq=warning"_s}));
        QCOMPARE(call(viewer, u"install.start"_s)->error->code, u"forbidden"_s);
        QCOMPARE(
            call(admin, u"install.start"_s, {{u"stacks"_s, QJsonArray {7}}})->error->code, u"not_found"_s);
        QCOMPARE(call(admin, u"install.start"_s, {{u"stack_timeout_s"_s, 0}})->error->code, u"bad_request"_s);
        QCOMPARE(
            call(admin, u"install.decide"_s, {{u"decision"_s, u"maybe"_s}})->error->code, u"bad_request"_s);
        QCOMPARE(call(admin, u"install.abort"_s)->error->code, u"conflict"_s);
        QCOMPARE(call(admin, u"relay.confirm"_s)->error->message,
            u"the relays are not manual: nothing needs confirming"_s);
        const auto started = call(admin, u"install.start"_s, {{u"stacks"_s, QJsonArray {2, 1}}});
        QVERIFY(started && !started->isError());
        QCOMPARE(started->result.value(u"outcome"_s).toString(), u"running"_s);
        QCOMPARE(started->result.value(u"stacks"_s).toArray().at(0)[u"id"_s].toInt(), 2);
        // The install owns the relays while it discovers.
        const auto power = call(admin, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {3}}});
        QCOMPARE(power->error->code, u"conflict"_s);
        QVERIFY(power->error->message.contains(u"rackctl install abort"_s));
        QVERIFY(!call(admin, u"install.abort"_s)->isError());
        QCOMPARE(call(viewer, u"install.status"_s)->result.value(u"outcome"_s).toString(), u"aborted"_s);
        QCOMPARE(call(admin, u"inventory"_s, {{u"format"_s, u"xml"_s}})->error->code, u"bad_request"_s);
        QVERIFY(call(viewer, u"inventory"_s, {{u"format"_s, u"hosts"_s}})->result.contains(u"content"_s));
    }
};

QTEST_GUILESS_MAIN(TestStagedInstall)
#include "tst_stagedinstall.moc"
