// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The behaviour every backend shares (queue, ordering, safety limits, failure reports),
// exercised through the simulated backend.
#include "relaytesthelpers.h"
#include "simulated/simulatedrelaybank.h"

#include <QElapsedTimer>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;

class TestRelayBank : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void switchesAndReportsAsynchronously()
    {
        SimulatedRelayBank bank(stackChannels({18, 25}), noSafetyLimits());
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        QSignalSpy changed(&bank, &RelayBank::channelStateChanged);
        const quint64 id = bank.switchChannel(18, true);
        QCOMPARE(finished.size(), 0); // never from inside the call
        const auto result = waitForOperation(finished, id);
        QVERIFY(result);
        QVERIFY(result->succeeded());
        QCOMPARE(result->channels.size(), 1);
        QCOMPARE(result->channels.at(0).state, std::optional<bool>(true));
        QCOMPARE(result->channels.at(0).requested, std::optional<bool>(true));
        QCOMPARE(bank.state(18), std::optional<bool>(true));
        QCOMPARE(bank.physicalState(18), std::optional<bool>(true));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).toInt(), 18);
        QCOMPARE(changed.at(0).at(1).toBool(), true);
    }

    void refusedOperations_data()
    {
        QTest::addColumn<bool>("open");
        QTest::addColumn<QList<int>>("channels");
        QTest::addColumn<QString>("error");
        QTest::newRow("not open") << false << QList<int> {1}
                                  << u"the relay bank on simulated relays is not open"_s;
        QTest::newRow("unknown channel")
            << true << QList<int> {1, 7} << u"there is no channel 7 on simulated relays"_s;
        QTest::newRow("channel twice")
            << true << QList<int> {1, 1} << u"channel 1 is named twice in one operation"_s;
        QTest::newRow("no channel") << true << QList<int> {} << u"the operation names no channel"_s;
    }

    void refusedOperations()
    {
        QFETCH(bool, open);
        QFETCH(QList<int>, channels);
        QFETCH(QString, error);
        SimulatedRelayBank bank(stackChannels({1, 2}), noSafetyLimits());
        if (open)
            QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        QList<RelayCommand> commands;
        for (int channel : channels)
            commands.append({channel, true});
        const quint64 id = bank.switchChannels(commands);
        const auto result = waitForOperation(finished, id);
        QVERIFY(result);
        QVERIFY(!result->succeeded());
        QCOMPARE(result->error, error);
        for (const RelayChannelResult &channel : result->channels) {
            QCOMPARE(channel.outcome, RelayChannelResult::Outcome::Failed);
            QCOMPARE(channel.error, error);
        }
        QVERIFY(bank.switchLog().isEmpty());
    }

    void failureInTheMiddleSaysWhereEveryChannelEnded()
    {
        SimulatedRelayBank bank(stackChannels({1, 2, 3, 4}), noSafetyLimits());
        QVERIFY(bank.open({}));
        bank.failNextCommand(3, u"relay coil open"_s);
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        QSignalSpy errors(&bank, &RelayBank::errorOccurred);
        const quint64 id = bank.switchChannels({{1, true}, {2, true}, {3, true}, {4, true}});
        const auto result = waitForOperation(finished, id);
        QVERIFY(result);
        QVERIFY(!result->succeeded());
        QCOMPARE(result->channel(1)->outcome, RelayChannelResult::Outcome::Done);
        QCOMPARE(result->channel(1)->state, std::optional<bool>(true));
        QCOMPARE(result->channel(2)->outcome, RelayChannelResult::Outcome::Done);
        QCOMPARE(result->channel(3)->outcome, RelayChannelResult::Outcome::Failed);
        QCOMPARE(result->channel(3)->error, u"relay coil open"_s);
        QCOMPARE(result->channel(3)->state, std::optional<bool>(false));
        QCOMPARE(result->channel(4)->outcome, RelayChannelResult::Outcome::NotAttempted);
        QCOMPARE(result->channel(4)->state, std::optional<bool>(false));
        QCOMPARE(bank.physicalState(4), std::optional<bool>(false));
        QCOMPARE(result->describe(),
            u"channel 1 switched on; channel 2 switched on; channel 3 failed (relay coil open), "
            "now off; channel 4 not attempted, still off"_s);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(
            errors.at(0).at(0).toString(), u"stack 3 (channel 3) on simulated relays: relay coil open"_s);
    }

    void minimumOffTimeDelaysOnButNotOtherChannels()
    {
        const milliseconds offTime(400);
        SimulatedRelayBank bank(stackChannels({1, 2}), {offTime, milliseconds(0)});
        QVERIFY(bank.open({{1, true}}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        QElapsedTimer clock;
        clock.start();
        const quint64 off = bank.switchChannel(1, false);
        const quint64 on = bank.switchChannel(1, true);
        const quint64 other = bank.switchChannel(2, true);

        const auto otherResult = waitForOperation(finished, other);
        QVERIFY(otherResult && otherResult->succeeded());
        const auto onResult = waitForOperation(finished, on);
        QVERIFY(onResult && onResult->succeeded());
        QVERIFY2(clock.elapsed() >= offTime.count(), "a channel came back on before its minimum off-time");

        // The order the hardware saw: 1 off, then 2 on while 1 waited, then 1 on.
        const QList<SimulatedRelayBank::Switch> log = bank.switchLog();
        QCOMPARE(log.size(), 4); // the first entry is open() taking channel 1 over
        QCOMPARE(log.at(1).channel, 1);
        QCOMPARE(log.at(1).on, false);
        QCOMPARE(log.at(2).channel, 2);
        QCOMPARE(log.at(3).channel, 1);
        QCOMPARE(log.at(3).on, true);
        QVERIFY(log.at(3).when.toMSecsSinceEpoch() - log.at(1).when.toMSecsSinceEpoch() >= offTime.count());
        QVERIFY(waitForOperation(finished, off));
    }

    void minimumSwitchIntervalAppliesToEverySwitch()
    {
        const milliseconds interval(300);
        SimulatedRelayBank bank(stackChannels({1}), {milliseconds(0), interval});
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        bank.switchChannel(1, true);
        const quint64 off = bank.switchChannel(1, false);
        QVERIFY(waitForOperation(finished, off));
        const QList<SimulatedRelayBank::Switch> log = bank.switchLog();
        QCOMPARE(log.size(), 2);
        QVERIFY(log.at(1).when.toMSecsSinceEpoch() - log.at(0).when.toMSecsSinceEpoch() >= interval.count());
    }

    void safetyWaitTellsHowLongBeforeASwitchIsAllowed()
    {
        SimulatedRelayBank bank(stackChannels({1}), {milliseconds(60000), milliseconds(0)});
        QVERIFY(bank.open({{1, true}}));
        QCOMPARE(bank.safetyWait(1, true), milliseconds(0));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        QVERIFY(waitForOperation(finished, bank.switchChannel(1, false)));
        QVERIFY(bank.safetyWait(1, true) > milliseconds(50000));
        QCOMPARE(bank.safetyWait(1, false), milliseconds(0));
    }

    void alreadyInStateNeedsNoSwitchAndNoWait()
    {
        SimulatedRelayBank bank(stackChannels({1}), {milliseconds(60000), milliseconds(60000)});
        QVERIFY(bank.open({{1, false}}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const auto result = waitForOperation(finished, bank.switchChannel(1, false), 2000);
        QVERIFY(result && result->succeeded());
        QVERIFY(bank.switchLog().isEmpty()); // taking over an off relay as off switched nothing
    }

    void operationsOnOneChannelKeepTheirOrder()
    {
        SimulatedRelayBank bank(stackChannels({1}), noSafetyLimits());
        bank.setCommandDelay(milliseconds(20));
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        bank.switchChannel(1, true);
        bank.switchChannel(1, false);
        const quint64 last = bank.switchChannel(1, true);
        QVERIFY(waitForOperation(finished, last));
        QCOMPARE(finished.size(), 3);
        QCOMPARE(bank.switchLog().size(), 3);
        QCOMPARE(bank.switchLog().at(0).on, true);
        QCOMPARE(bank.switchLog().at(1).on, false);
        QCOMPARE(bank.switchLog().at(2).on, true);
        QCOMPARE(bank.state(1), std::optional<bool>(true));
    }

    void readBackSeesAHandChangedRelay()
    {
        SimulatedRelayBank bank(stackChannels({1, 2}), noSafetyLimits());
        QVERIFY(bank.open({}));
        QSignalSpy changed(&bank, &RelayBank::channelStateChanged);
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        bank.setPhysicalState(2, true); // someone flipped it by hand
        QCOMPARE(bank.state(2), std::optional<bool>(false));
        const auto result = waitForOperation(finished, bank.readBack());
        QVERIFY(result && result->succeeded());
        QCOMPARE(result->kind, RelayOperationResult::Kind::ReadBack);
        QCOMPARE(result->channel(2)->state, std::optional<bool>(true));
        QCOMPARE(result->channel(1)->state, std::optional<bool>(false));
        QCOMPARE(bank.state(2), std::optional<bool>(true));
        QCOMPARE(changed.size(), 1);
    }

    void closingFailsWhatIsQueued()
    {
        SimulatedRelayBank bank(stackChannels({1}), {milliseconds(0), milliseconds(60000)});
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        QVERIFY(waitForOperation(finished, bank.switchChannel(1, true)));
        const quint64 waiting = bank.switchChannel(1, false); // held back by the 60 s interval
        QVERIFY(!bank.isIdle());
        bank.close();
        const auto result = waitForOperation(finished, waiting, 1000);
        QVERIFY(result);
        QCOMPARE(result->channel(1)->outcome, RelayChannelResult::Outcome::Failed);
        QCOMPARE(result->channel(1)->error, u"the relay bank was closed"_s);
        QVERIFY(bank.isIdle());
        QCOMPARE(bank.physicalState(1), std::optional<bool>(true));
    }

    void openRefusesUnknownInitialChannels()
    {
        SimulatedRelayBank bank(stackChannels({1}), noSafetyLimits());
        QVERIFY(!bank.open({{9, true}}));
        QCOMPARE(bank.errorString(),
            u"cannot take over channel 9: the relay bank on simulated relays has no such channel"_s);
        QVERIFY(!bank.isOpen());
    }
};

QTEST_GUILESS_MAIN(TestRelayBank)
#include "tst_relaybank.moc"
