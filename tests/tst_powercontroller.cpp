// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "powercontroller.h"
#include "relaytesthelpers.h"
#include "simulated/simulatedrelaybank.h"
#include "structure/structurereader.h"
#include "testfiles.h"

#include <QEventLoop>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;
using Action = PowerController::Action;
using Outcomes = QList<PowerController::StackOutcome>;

namespace {

RackStructure threeStacks(double staggerSeconds = 0.3, double minOffSeconds = 0.3)
{
    const QByteArray text
        = "[rack]\npi_stack = 2\nrows = 1\ncols = 3\nrelay_backend = simulated\nstagger_delay = "
        + QByteArray::number(staggerSeconds) + "\nmin_off_time = " + QByteArray::number(minOffSeconds)
        + "\nmin_switch_interval = 0\n[1]\nx=1\ny=1\n[2]\nx=1\ny=2\n[3]\nx=1\ny=3\n";
    return *StructureReader::parse(text, u"rack.ini"_s).structure;
}

// One rackd lifetime: a bank on the persistent simulated relays, and the controller over it.
struct Daemon
{
    Daemon(const QTemporaryDir &dir, const QString &bootId, RackStructure structure = threeStacks())
        : store(dir.filePath(u"relay-state.json"_s))
        , bank(stackChannels({1, 2, 3}), {structure.timing.minimumOffTime, milliseconds(0)},
              dir.filePath(u"hardware.json"_s))
        , controller(&bank, structure, &store, bootId)
    { }
    RelayStateStore store;
    SimulatedRelayBank bank;
    PowerController controller;
};

std::optional<Outcomes> run(
    PowerController &controller, Action action, const QList<int> &stacks, bool staggered = false)
{
    std::optional<Outcomes> outcomes;
    QEventLoop loop;
    controller.perform(action, stacks, staggered, [&](const Outcomes &result) {
        outcomes = result;
        loop.quit();
    });
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    if (!outcomes)
        loop.exec();
    return outcomes;
}

} // namespace

class TestPowerController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onOffAndPersistence()
    {
        QTemporaryDir dir;
        Daemon daemon(dir, u"boot-a"_s);
        QString error;
        QVERIFY2(daemon.controller.start(ColdBootPolicy::Restore, &error), qPrintable(error));
        QSignalSpy changed(&daemon.controller, &PowerController::relayChanged);
        const auto outcomes = run(daemon.controller, Action::On, {1, 3});
        QVERIFY(outcomes);
        QCOMPARE(outcomes->size(), 2);
        QVERIFY(outcomes->at(0).ok && outcomes->at(1).ok);
        QCOMPARE(outcomes->at(1).state, std::optional<bool>(true));
        QCOMPARE(daemon.bank.physicalState(1), std::optional<bool>(true));
        QCOMPARE(daemon.bank.physicalState(2), std::optional<bool>(false));
        QCOMPARE(changed.size(), 2);
        bool damaged = false;
        const auto saved = daemon.store.load(&error, &damaged);
        QVERIFY(saved);
        QCOMPARE(saved->stacks, (QMap<int, bool> {{1, true}, {2, false}, {3, true}}));
        QCOMPARE(saved->bootId, u"boot-a"_s);
    }

    void restartInTheSameBootChangesNoOutput()
    {
        QTemporaryDir dir;
        QString error;
        {
            Daemon first(dir, u"boot-a"_s);
            QVERIFY(first.controller.start(ColdBootPolicy::Off, &error));
            QVERIFY(run(first.controller, Action::On, {2, 3}));
        }
        Daemon second(dir, u"boot-a"_s);
        QVERIFY(second.controller.start(ColdBootPolicy::Off, &error)); // the policy is for new boots only
        QVERIFY2(second.bank.switchLog().isEmpty(), "restarting rackd switched a relay");
        QCOMPARE(second.controller.relayState(2), std::optional<bool>(true));
        QCOMPARE(second.controller.relayState(1), std::optional<bool>(false));
    }

    void coldBootPolicies_data()
    {
        QTest::addColumn<int>("policy");
        QTest::addColumn<bool>("stackTwoOnAtStart");
        QTest::addColumn<bool>("stackTwoOnLater");
        QTest::newRow("restore") << int(ColdBootPolicy::Restore) << true << true;
        QTest::newRow("off") << int(ColdBootPolicy::Off) << false << false;
        QTest::newRow("staged") << int(ColdBootPolicy::Staged) << false << true;
    }

    void coldBootPolicies()
    {
        QFETCH(int, policy);
        QFETCH(bool, stackTwoOnAtStart);
        QFETCH(bool, stackTwoOnLater);
        QTemporaryDir dir;
        QString error;
        {
            Daemon first(dir, u"boot-a"_s);
            QVERIFY(first.controller.start(ColdBootPolicy::Restore, &error));
            QVERIFY(run(first.controller, Action::On, {2}));
        }
        // The master lost power: the relays dropped out with it.
        QVERIFY(writeFile(dir.filePath(u"hardware.json"_s), R"({"channels": {}})"));
        Daemon second(dir, u"boot-b"_s);
        QSignalSpy changed(&second.controller, &PowerController::relayChanged);
        QVERIFY(second.controller.start(ColdBootPolicy(policy), &error));
        QCOMPARE(second.bank.physicalState(2), std::optional<bool>(stackTwoOnAtStart));
        if (stackTwoOnLater && !stackTwoOnAtStart)
            QVERIFY(changed.wait(5000));
        QCOMPARE(second.bank.physicalState(2), std::optional<bool>(stackTwoOnLater));
        QCOMPARE(second.bank.physicalState(1), std::optional<bool>(false));
    }

    void firstStartIsAllOff()
    {
        QTemporaryDir dir;
        QString error;
        Daemon daemon(dir, u"boot-a"_s);
        QVERIFY(daemon.controller.start(ColdBootPolicy::Restore, &error));
        for (int stack : {1, 2, 3})
            QCOMPARE(daemon.controller.relayState(stack), std::optional<bool>(false));
        QVERIFY(QFile::exists(dir.filePath(u"relay-state.json"_s)));
    }

    void damagedStateRefusesToStartAndKeepsTheFile()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(u"relay-state.json"_s), "{broken"));
        Daemon daemon(dir, u"boot-a"_s);
        QString error;
        QVERIFY(!daemon.controller.start(ColdBootPolicy::Restore, &error));
        QVERIFY2(error.contains(u"is damaged"_s) && error.contains(u"will not guess"_s), qPrintable(error));
        QVERIFY(!daemon.bank.isOpen());
        QFile file(dir.filePath(u"relay-state.json"_s));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("{broken"));
    }

    void cycleHonoursTheMinimumOffTime()
    {
        QTemporaryDir dir;
        QString error;
        Daemon daemon(dir, u"boot-a"_s, threeStacks(0, 0.4));
        QVERIFY(daemon.controller.start(ColdBootPolicy::Restore, &error));
        QVERIFY(run(daemon.controller, Action::On, {1}));
        const auto outcomes = run(daemon.controller, Action::Cycle, {1});
        QVERIFY(outcomes && outcomes->at(0).ok);
        QCOMPARE(outcomes->at(0).state, std::optional<bool>(true));
        const auto log = daemon.bank.switchLog();
        QCOMPARE(log.size(), 3); // on, off, on
        QCOMPARE(log.at(1).on, false);
        QVERIFY(log.at(2).when.toMSecsSinceEpoch() - log.at(1).when.toMSecsSinceEpoch() >= 400);
    }

    void staggeredOnSpacesOnlyRealSwitches()
    {
        QTemporaryDir dir;
        QString error;
        Daemon daemon(dir, u"boot-a"_s, threeStacks(0.3, 0));
        QVERIFY(daemon.controller.start(ColdBootPolicy::Restore, &error));
        QVERIFY(run(daemon.controller, Action::On, {2})); // already on: no wait after it
        const auto outcomes = run(daemon.controller, Action::On, {3, 1, 2}, true);
        QVERIFY(outcomes);
        for (const auto &outcome : *outcomes)
            QVERIFY(outcome.ok);
        const auto log = daemon.bank.switchLog();
        QCOMPARE(log.size(), 3);
        QCOMPARE(log.at(1).channel, 1); // in stack order
        QCOMPARE(log.at(2).channel, 3);
        const qint64 gap = log.at(2).when.toMSecsSinceEpoch() - log.at(1).when.toMSecsSinceEpoch();
        QVERIFY2(gap >= 300, "stacks came on closer together than stagger_delay");
    }

    void actionsOnOneStackDoNotInterleave()
    {
        QTemporaryDir dir;
        QString error;
        Daemon daemon(dir, u"boot-a"_s, threeStacks(0, 0.3));
        QVERIFY(daemon.controller.start(ColdBootPolicy::Restore, &error));
        QVERIFY(run(daemon.controller, Action::On, {1}));
        // Client A cycles stack 1; client B asks for off while the cycle is under way.
        std::optional<Outcomes> cycle;
        std::optional<Outcomes> off;
        daemon.controller.perform(Action::Cycle, {1}, false, [&](const Outcomes &o) { cycle = o; });
        daemon.controller.perform(Action::Off, {1}, false, [&](const Outcomes &o) { off = o; });
        QVERIFY(daemon.controller.isBusy(1));
        QTRY_VERIFY_WITH_TIMEOUT(off.has_value(), 10000);
        QVERIFY(cycle.has_value());
        QCOMPARE(cycle->at(0).state, std::optional<bool>(true)); // the cycle ended on
        QCOMPARE(off->at(0).state, std::optional<bool>(false)); // then B's off ran
        QCOMPARE(daemon.bank.physicalState(1), std::optional<bool>(false));
        QVERIFY(!daemon.controller.isBusy(1));
    }

    void aCompletionThatQueuesMoreForTheStackSwitchesItOnce()
    {
        QTemporaryDir dir;
        Daemon daemon(dir, u"boot-a"_s);
        QString error;
        QVERIFY2(daemon.controller.start(ColdBootPolicy::Restore, &error), qPrintable(error));
        QSignalSpy operations(&daemon.bank, &RelayBank::operationFinished);
        std::optional<Outcomes> second;
        QEventLoop loop;
        // As the install does: the "off" is done, and its completion asks for the "on" of the same stack.
        daemon.controller.perform(Action::Off, {1}, false, [&](const Outcomes &) {
            daemon.controller.perform(Action::On, {1}, false, [&](const Outcomes &result) {
                second = result;
                loop.quit();
            });
        });
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        QVERIFY(second && second->at(0).ok);
        QVERIFY(!operations.wait(300)); // nothing else was started behind it
        QCOMPARE(operations.size(), 2);
        QCOMPARE(daemon.bank.physicalState(1), std::optional<bool>(true));
    }

    void relayFailureIsReportedPerStack()
    {
        QTemporaryDir dir;
        QString error;
        Daemon daemon(dir, u"boot-a"_s);
        QVERIFY(daemon.controller.start(ColdBootPolicy::Restore, &error));
        daemon.bank.failNextCommand(2, u"relay stuck"_s);
        const auto outcomes = run(daemon.controller, Action::On, {1, 2});
        QVERIFY(outcomes);
        QVERIFY(outcomes->at(0).ok);
        QVERIFY(!outcomes->at(1).ok);
        QCOMPARE(outcomes->at(1).error, u"relay stuck"_s);
    }
};

QTEST_GUILESS_MAIN(TestPowerController)
#include "tst_powercontroller.moc"
