// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Recovery of hung Pis, end to end on the virtual rack (loopback mode): a real rackd with simulated
// relays, real agents, and Pis that freeze the way a stalled kernel does (no FIN, no RST). What rackd
// did to the power is read from the simulated relays' file, as the Pis felt it, not from rackd's word.
#include "virtualrackharness.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

/// Two stacks of one Pi each: a hung Pi is alone in its stack.
QByteArray singlePiStacks(double minimumOffTime = 1.0)
{
    return "[rack]\npi_stack = 1\nrows = 1\ncols = 2\nrelay_backend = simulated\nstagger_delay = 0.3\n"
           "min_off_time = "
        + QByteArray::number(minimumOffTime)
        + "\nmin_switch_interval = 0\nsubnet = 10.79.0.0/24\nmaster_address = 10.79.0.1\n"
          "first_address = 10.79.0.11\n[1]\nx = 1\ny = 1\n[2]\nx = 1\ny = 2\n";
}

/// One stack of four Pis on one supply.
QByteArray sharedStack(const QByteArray &stackSettings = {})
{
    return "[rack]\npi_stack = 4\nrows = 1\ncols = 1\nrelay_backend = simulated\nstagger_delay = 0.3\n"
           "min_off_time = 1\nmin_switch_interval = 0\nsubnet = 10.79.0.0/24\nmaster_address = 10.79.0.1\n"
           "first_address = 10.79.0.11\n[1]\nx = 1\ny = 1\n"
        + stackSettings;
}

/// Quick timings: a node down (3 heartbeats of 1 s) for 1 s more is lost; Pis get 10 s to boot.
QStringList recoveryConfig(const QString &mode, int attempts = 3)
{
    return {u"recovery = "_s + mode, u"recovery_after = 1"_s, u"recovery_boot_time = 10"_s,
        u"recovery_drain_timeout = 20"_s, u"recovery_attempts = %1"_s.arg(attempts),
        u"recovery_window = 3600"_s};
}

} // namespace

class TestRackRecovery : public QObject
{
    Q_OBJECT

    std::unique_ptr<VirtualRackHarness> m_harness;

    VirtualRackHarness &startRack(VirtualRackOptions options, const QByteArray &structure)
    {
        m_harness = std::make_unique<VirtualRackHarness>();
        options.mode = VirtualRackOptions::Mode::Loopback;
        QString error;
        if (!m_harness->start(options, &error, structure)) {
            qWarning().noquote() << error;
            m_harness->client.reset();
        }
        return *m_harness;
    }

    static VirtualRackOptions options(const QStringList &config)
    {
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.rackdConfigLines = config;
        return options;
    }

    static bool allUp(VirtualRackHarness &rack)
    {
        for (const VirtualPi *pi : rack.rack->pis()) {
            if (rack.nodeStates.value(pi->spec().nic.mac) != u"up")
                return false;
        }
        return true;
    }

    /// The recovery events with this name (and, when given, this value of `key`), in order.
    static QList<QJsonObject> events(const VirtualRackHarness &rack, const QString &name,
        const QString &key = {}, const QString &value = {})
    {
        QList<QJsonObject> found;
        for (const Protocol::Event &event : rack.recoveryEvents) {
            if (event.name == name
                && (key.isEmpty() || event.data.value(key).toVariant().toString() == value))
                found.append(event.data);
        }
        return found;
    }

    static QString describe(const VirtualRackHarness &rack)
    {
        QStringList lines;
        for (const Protocol::Event &event : rack.recoveryEvents)
            lines.append(event.name + u' '
                + QString::fromUtf8(QJsonDocument(event.data).toJson(QJsonDocument::Compact)));
        return u"recovery events so far:\n"_s + lines.join(u'\n');
    }

    static QString failureOf(const std::optional<Protocol::Reply> &reply)
    {
        return !reply ? u"no answer"_s : reply->isError() ? reply->error->message : QString();
    }

    static QJsonObject stackStatus(VirtualRackHarness &rack, int id)
    {
        const auto status = rack.call(u"status"_s);
        for (const QJsonValue &stack : status ? status->result.value(u"stacks"_s).toArray() : QJsonArray()) {
            if (stack[u"id"_s].toInt() == id)
                return stack.toObject();
        }
        return {};
    }

    static QList<QJsonObject> auditEntries(VirtualRackHarness &rack, const QString &request)
    {
        QList<QJsonObject> found;
        const auto audit = rack.call(u"audit"_s, {{u"last"_s, 500}});
        for (const QJsonValue &entry : audit ? audit->result.value(u"entries"_s).toArray() : QJsonArray()) {
            if (entry[u"request"_s].toString() == request)
                found.append(entry.toObject());
        }
        return found;
    }

    /// Powers the rack on and waits until every Pi that can run is up.
    bool powerUp(VirtualRackHarness &rack, int expectedUp)
    {
        if (!rack.powerOk(u"on"_s, u"all"_s)
            || !rack.waitUntil([&] { return rack.upCount() == expectedUp; }, 60000))
            return false;
        rack.rack->clearRelaySwitchLog();
        return true;
    }

    /**
     * Proves a negative for as long as rackd would need to act: recovery_after and one check after the
     * node went down, with margin. Nothing here can signal "nothing happened", so this is a bounded wait.
     */
    static void quietPeriod(VirtualRackHarness &rack, int ms)
    {
        rack.waitUntil([] { return false; }, ms);
    }

private Q_SLOTS:
    void cleanup()
    {
        const QStringList left = VirtualRackHarness::finish(m_harness);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
    }

    void hungPiAloneInItsStackIsCycledAndReturns()
    {
        VirtualRackHarness &rack = startRack(options(recoveryConfig(u"recover"_s)), singlePiStacks());
        QVERIFY(rack.client);
        QVERIFY(powerUp(rack, 2));

        // Stack 1's Pi freezes: it is lost, its stack is cycled, and it comes back.
        VirtualPi *hung = rack.rack->pi(PiPlace {1, 1});
        const QString mac = hung->spec().nic.mac;
        QVERIFY(hung->freeze());
        QVERIFY2(rack.waitUntil(
                     [&] { return !events(rack, u"recovery.done"_s, u"stack"_s, u"1"_s).isEmpty(); }, 90000),
            qPrintable(describe(rack)));
        const QJsonObject done = events(rack, u"recovery.done"_s, u"stack"_s, u"1"_s).constFirst();
        QVERIFY2(done.value(u"outcome"_s) == u"recovered"_s, qPrintable(describe(rack)));
        QCOMPARE(done.value(u"attempt"_s).toInt(), 1);
        const QList<QJsonObject> lost = events(rack, u"recovery.detected"_s, u"mac"_s, mac);
        QCOMPARE(lost.size(), 1);
        QCOMPARE(lost.constFirst().value(u"condition"_s), u"lost"_s);
        QCOMPARE(lost.constFirst().value(u"action"_s), u"power-cycle stack 1 once every Pi of it is lost"_s);
        QStringList steps;
        for (const QJsonObject &step : events(rack, u"recovery.step"_s, u"stack"_s, u"1"_s))
            steps.append(step.value(u"step"_s).toString());
        QCOMPARE(steps, (QStringList {u"cycle"_s, u"wait"_s}));
        QCOMPARE(hung->state(), VirtualPi::State::Running);
        QVERIFY(rack.waitUntil([&] { return allUp(rack); }, 30000));

        // Exactly one cycle, of stack 1.
        QCOMPARE(rack.rack->relaySwitches(1), (QStringList {u"off"_s, u"on"_s}));
        QCOMPARE(rack.rack->relaySwitches(2), QStringList());
        // The audit says who did it and why.
        const QList<QJsonObject> cycles = auditEntries(rack, u"recovery.cycle"_s);
        QCOMPARE(cycles.size(), 1);
        QCOMPARE(cycles.constFirst().value(u"token"_s), u"rackd"_s);
        QCOMPARE(cycles.constFirst().value(u"source"_s), u"recovery"_s);
        QVERIFY(cycles.constFirst().value(u"params"_s)[u"reason"_s].toString().contains(u"no heartbeat"_s));
        QCOMPARE(auditEntries(rack, u"recovery.done"_s).size(), 1);

        // Stack 2's agent crashes (systemd brings it back 5 s later): its Pi runs, so nothing is cut.
        VirtualPi *crashing = rack.rack->pi(PiPlace {2, 1});
        const QString crashed = crashing->spec().nic.mac;
        QVERIFY(crashing->crashAgent());
        QVERIFY2(
            rack.waitUntil(
                [&] { return !events(rack, u"recovery.detected"_s, u"mac"_s, crashed).isEmpty(); }, 30000),
            qPrintable(describe(rack)));
        QCOMPARE(events(rack, u"recovery.detected"_s, u"mac"_s, crashed).constFirst().value(u"condition"_s),
            u"agent-gone"_s);
        QVERIFY2(
            rack.waitUntil(
                [&] { return !events(rack, u"recovery.cleared"_s, u"mac"_s, crashed).isEmpty(); }, 30000),
            "the crashed agent did not come back");
        QCOMPARE(rack.rack->relaySwitches(2), QStringList());
        QCOMPARE(rack.rack->relaySwitches(1).size(), 2);
    }

    void notifySwitchesNothing()
    {
        VirtualRackOptions setup = options(recoveryConfig(u"notify"_s));
        setup.underVoltagePis = {PiPlace {2, 1}};
        VirtualRackHarness &rack = startRack(setup, singlePiStacks());
        QVERIFY(rack.client);
        QVERIFY(powerUp(rack, 2));
        // A Pi whose firmware reports under-voltage is unhealthy: reported, never cycled.
        const QString weak = rack.rack->pi(PiPlace {2, 1})->spec().nic.mac;
        QVERIFY2(rack.waitUntil(
                     [&] { return !events(rack, u"recovery.detected"_s, u"mac"_s, weak).isEmpty(); }, 30000),
            qPrintable(describe(rack)));
        const QJsonObject unhealthy = events(rack, u"recovery.detected"_s, u"mac"_s, weak).constFirst();
        QCOMPARE(unhealthy.value(u"condition"_s), u"unhealthy"_s);
        QCOMPARE(unhealthy.value(u"reason"_s), u"under-voltage, throttled"_s);
        QCOMPARE(unhealthy.value(u"action"_s),
            u"reported only: a power cycle does not cure a weak supply or heat"_s);
        rack.recoveryEvents.clear();
        VirtualPi *hung = rack.rack->pi(PiPlace {1, 1});
        QVERIFY(hung->freeze());
        QVERIFY2(rack.waitUntil([&] { return !events(rack, u"recovery.detected"_s).isEmpty(); }, 30000),
            qPrintable(describe(rack)));
        const QJsonObject detected = events(rack, u"recovery.detected"_s).constFirst();
        QCOMPARE(detected.value(u"condition"_s), u"lost"_s);
        QCOMPARE(detected.value(u"action"_s), u"reported only (recovery = notify)"_s);
        // With recover, the cycle would start at the same check; give it several.
        quietPeriod(rack, 4000);
        QCOMPARE(rack.rack->relaySwitchLog().size(), 0);
        QVERIFY(events(rack, u"recovery.step"_s).isEmpty());
        QCOMPARE(hung->state(), VirtualPi::State::Frozen);
        const QJsonObject stack = stackStatus(rack, 1);
        QCOMPARE(stack.value(u"recovery_mode"_s), u"notify"_s);
        QVERIFY(!stack.contains(u"recovery"_s));
        const auto nodes = rack.call(u"nodes"_s);
        QVERIFY(nodes && !nodes->isError());
        bool shown = false;
        for (const QJsonValue &node : nodes->result.value(u"nodes"_s).toArray()) {
            if (node[u"mac"_s].toString() == hung->spec().nic.mac)
                shown = node[u"condition"_s].toString() == u"lost"_s;
        }
        QVERIFY(shown);
    }

    void oneHungPiOfFourIsOnlyReportedWithWait()
    {
        VirtualRackHarness &rack = startRack(options(recoveryConfig(u"recover"_s)), sharedStack());
        QVERIFY(rack.client);
        QVERIFY(powerUp(rack, 4));
        VirtualPi *hung = rack.rack->pi(PiPlace {1, 2});
        QVERIFY(hung->freeze());
        QVERIFY2(rack.waitUntil([&] { return !events(rack, u"recovery.detected"_s).isEmpty(); }, 30000),
            qPrintable(describe(rack)));
        QCOMPARE(events(rack, u"recovery.detected"_s).constFirst().value(u"action"_s),
            u"waiting: 3 other Pis of stack 1 still run (shared_stack = wait)"_s);
        quietPeriod(rack, 4000);
        QCOMPARE(rack.rack->relaySwitchLog().size(), 0);
        QVERIFY(events(rack, u"recovery.step"_s).isEmpty());
        for (const VirtualPi *pi : rack.rack->pis())
            QCOMPARE(pi->state(), pi == hung ? VirtualPi::State::Frozen : VirtualPi::State::Running);
    }

    void oneHungPiOfFourWithDrainShutsTheOthersDownFirst()
    {
        // The stack's own setting in the structure file wins over rackd.conf's.
        VirtualRackHarness &rack = startRack(
            options(recoveryConfig(u"notify"_s)), sharedStack("recovery = recover\nshared_stack = drain\n"));
        QVERIFY(rack.client);
        QVERIFY(powerUp(rack, 4));
        // When each healthy Pi halted, and when the relay went off.
        QHash<VirtualPi *, QDateTime> halted;
        QDateTime cut;
        connect(
            rack.rack.get(), &VirtualRack::piStateChanged, this, [&](VirtualPi *pi, VirtualPi::State state) {
                if (state == VirtualPi::State::Halted && !halted.contains(pi))
                    halted.insert(pi, QDateTime::currentDateTimeUtc());
            });
        connect(rack.rack.get(), &VirtualRack::relaySwitched, this, [&](int, bool on) {
            if (!on && !cut.isValid())
                cut = QDateTime::currentDateTimeUtc();
        });
        VirtualPi *hung = rack.rack->pi(PiPlace {1, 3});
        QVERIFY(hung->freeze());
        QVERIFY2(rack.waitUntil([&] { return !events(rack, u"recovery.done"_s).isEmpty(); }, 120000),
            qPrintable(describe(rack)));
        QVERIFY2(events(rack, u"recovery.done"_s).constFirst().value(u"outcome"_s) == u"recovered"_s,
            qPrintable(describe(rack)));
        QStringList steps;
        for (const QJsonObject &step : events(rack, u"recovery.step"_s))
            steps.append(step.value(u"step"_s).toString());
        QCOMPARE(steps, (QStringList {u"drain"_s, u"drained"_s, u"cycle"_s, u"wait"_s}));
        QCOMPARE(auditEntries(rack, u"recovery.drain"_s).size(), 1);
        QCOMPARE(auditEntries(rack, u"recovery.cycle"_s).size(), 1);
        QCOMPARE(events(rack, u"recovery.step"_s).constFirst().value(u"drained"_s).toArray().size(), 3);
        // The three healthy Pis halted (a graceful shutdown) before their supply was cut.
        QVERIFY(cut.isValid());
        QCOMPARE(halted.size(), 3);
        QVERIFY(!halted.contains(hung));
        for (auto it = halted.cbegin(); it != halted.cend(); ++it)
            QVERIFY2(it.value() <= cut, qPrintable(it.key()->spec().fixedName));
        QCOMPARE(rack.rack->relaySwitches(1), (QStringList {u"off"_s, u"on"_s}));
        QVERIFY(rack.waitUntil([&] { return allUp(rack); }, 30000));
    }

    void piThatNeverReturnsIsTriedThenGivenUp()
    {
        VirtualRackHarness &rack = startRack(options(recoveryConfig(u"recover"_s, 2)), singlePiStacks());
        QVERIFY(rack.client);
        QVERIFY(powerUp(rack, 2));
        QVERIFY(rack.rack->pi(PiPlace {1, 1})->freeze(true));
        const auto givenUp
            = [&] { return !events(rack, u"recovery.done"_s, u"outcome"_s, u"given-up"_s).isEmpty(); };
        QVERIFY2(rack.waitUntil(givenUp, 120000), qPrintable(describe(rack)));
        // Two attempts, each a cycle that the Pi did not come back from, then rackd gave up.
        QCOMPARE(events(rack, u"recovery.done"_s, u"outcome"_s, u"not-back"_s).size(), 2);
        QCOMPARE(events(rack, u"recovery.step"_s, u"step"_s, u"cycle"_s).size(), 2);
        QCOMPARE(rack.rack->relaySwitches(1), (QStringList {u"off"_s, u"on"_s, u"off"_s, u"on"_s}));
        const QJsonObject gaveUp = events(rack, u"recovery.done"_s, u"outcome"_s, u"given-up"_s).constFirst();
        QCOMPARE(gaveUp.value(u"attempts"_s).toInt(), 2);
        QVERIFY(gaveUp.value(u"detail"_s).toString().contains(u"power-cycle it by hand"_s));
        QCOMPARE(auditEntries(rack, u"recovery.give_up"_s).size(), 1);
        // And it stays given up: no third cycle, and `nodes` says so.
        quietPeriod(rack, 4000);
        QCOMPARE(rack.rack->relaySwitches(1).size(), 4);
        QCOMPARE(rack.rack->relaySwitches(2), QStringList());
        const auto nodes = rack.call(u"nodes"_s);
        QVERIFY(nodes && !nodes->isError());
        QString condition;
        for (const QJsonValue &node : nodes->result.value(u"nodes"_s).toArray()) {
            if (node[u"mac"_s].toString() == rack.rack->pi(PiPlace {1, 1})->spec().nic.mac)
                condition = node[u"condition"_s].toString();
        }
        QCOMPARE(condition, u"given-up"_s);
    }

    void maintenanceStopsRecoveryUntilItEnds()
    {
        VirtualRackHarness &rack = startRack(options(recoveryConfig(u"recover"_s)), singlePiStacks());
        QVERIFY(rack.client);
        QVERIFY(powerUp(rack, 2));
        const auto set = rack.call(
            u"maintenance"_s, {{u"stack"_s, 1}, {u"on"_s, true}, {u"reason"_s, u"reseating the SD card"_s}});
        QVERIFY2(set && !set->isError(), qPrintable(failureOf(set)));
        QCOMPARE(set->result.value(u"maintenance"_s)[u"reason"_s].toString(), u"reseating the SD card"_s);
        QCOMPARE(events(rack, u"recovery.maintenance"_s).size(), 1);
        // A bad request says what is wrong, and changes nothing.
        const auto wrong = rack.call(u"maintenance"_s, {{u"stack"_s, 9}, {u"on"_s, true}});
        QVERIFY(wrong && wrong->isError());
        QCOMPARE(wrong->error->message, u"there is no stack 9"_s);

        VirtualPi *hung = rack.rack->pi(PiPlace {1, 1});
        QVERIFY(hung->freeze());
        QVERIFY(
            rack.waitUntil([&] { return rack.nodeStates.value(hung->spec().nic.mac) == u"down"; }, 30000));
        quietPeriod(rack, 4000);
        QVERIFY2(events(rack, u"recovery.detected"_s).isEmpty(), qPrintable(describe(rack)));
        QCOMPARE(rack.rack->relaySwitchLog().size(), 0);
        QCOMPARE(stackStatus(rack, 1).value(u"maintenance"_s)[u"by"_s].toString(), u"admin"_s);

        // Out of maintenance, the hung Pi is recovered.
        const auto unset = rack.call(u"maintenance"_s, {{u"stack"_s, 1}, {u"on"_s, false}});
        QVERIFY(unset && !unset->isError());
        QVERIFY2(
            rack.waitUntil(
                [&] { return !events(rack, u"recovery.step"_s, u"step"_s, u"wait"_s).isEmpty(); }, 60000),
            qPrintable(describe(rack)));
        // Stopped while it waits for the Pi: the stack goes into maintenance, and nothing more is done.
        const auto stopped = rack.call(u"recovery.stop"_s, {{u"stack"_s, 1}});
        QVERIFY2(stopped && !stopped->isError(), qPrintable(failureOf(stopped)));
        QVERIFY(rack.waitUntil([&] { return !events(rack, u"recovery.done"_s).isEmpty(); }, 10000));
        QCOMPARE(events(rack, u"recovery.done"_s).constFirst().value(u"outcome"_s), u"stopped"_s);
        QVERIFY(stackStatus(rack, 1).value(u"maintenance"_s)[u"reason"_s].toString().startsWith(
            u"recovery stopped by admin"_s));
        const auto again = rack.call(u"recovery.stop"_s, {{u"stack"_s, 1}});
        QVERIFY(again && again->isError());
        QCOMPARE(again->error->message, u"no recovery runs on stack 1"_s);
    }

    void recoveryInProgressSurvivesARackdRestart()
    {
        // A long minimum off time: rackd dies while the relay is off, in the middle of the cycle.
        VirtualRackHarness &rack = startRack(options(recoveryConfig(u"recover"_s)), singlePiStacks(3.0));
        QVERIFY(rack.client);
        QVERIFY(powerUp(rack, 2));
        VirtualPi *hung = rack.rack->pi(PiPlace {1, 1});
        QVERIFY(hung->freeze());
        QVERIFY2(rack.waitUntil([&] { return !rack.rack->relaySwitches(1).isEmpty(); }, 60000),
            qPrintable(describe(rack)));
        rack.rack->killRackd();
        QCOMPARE(rack.rack->relaySwitches(1), QStringList {u"off"_s});
        QString error;
        QVERIFY2(rack.rack->startRackd(&error), qPrintable(error));
        rack.recoveryEvents.clear();
        QVERIFY2(rack.connect(&error), qPrintable(error));
        // The new rackd finishes the cycle it found under way, and waits for the Pi.
        QVERIFY2(rack.waitUntil([&] { return !events(rack, u"recovery.done"_s).isEmpty(); }, 90000),
            qPrintable(describe(rack)));
        QVERIFY2(events(rack, u"recovery.done"_s).constFirst().value(u"outcome"_s) == u"recovered"_s,
            qPrintable(describe(rack)));
        QVERIFY(rack.waitUntil([&] { return allUp(rack); }, 30000));
        // One cycle in all: no glitch of the relay, no second cycle, one attempt counted.
        QCOMPARE(rack.rack->relaySwitches(1), (QStringList {u"off"_s, u"on"_s}));
        QCOMPARE(rack.rack->relaySwitches(2), QStringList());
        QVERIFY(events(rack, u"recovery.step"_s, u"step"_s, u"cycle"_s).isEmpty());
        QCOMPARE(auditEntries(rack, u"recovery.cycle"_s).size(), 1);
        QCOMPARE(events(rack, u"recovery.done"_s).constFirst().value(u"attempt"_s).toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRackRecovery)
#include "tst_rackrecovery.moc"
