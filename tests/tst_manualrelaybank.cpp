// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "manual/manualrelaybank.h"
#include "relaytesthelpers.h"

using namespace Qt::Literals::StringLiterals;

class TestManualRelayBank : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void asksTheOperatorAndWaitsForConfirmation()
    {
        ManualRelayBank bank(stackChannels({1, 2}), noSafetyLimits());
        QVERIFY(bank.open({}));
        QSignalSpy asked(&bank, &ManualRelayBank::operatorActionRequested);
        QSignalSpy resolved(&bank, &ManualRelayBank::operatorActionResolved);
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const quint64 id = bank.switchChannel(2, true);
        QVERIFY(asked.wait(5000));
        const auto request = asked.at(0).at(0).value<ManualRelayBank::Request>();
        QCOMPARE(request.channel, 2);
        QCOMPARE(request.on, true);
        QCOMPARE(request.instruction, u"Plug in the power supply of stack 2 (channel 2), then confirm."_s);
        QVERIFY(bank.pendingOperatorRequest());

        // Nothing completes until the operator answers.
        QVERIFY(!finished.wait(200));
        QCOMPARE(bank.state(2), std::optional<bool>(false));
        QVERIFY(!bank.confirmByOperator(1)); // not the channel that is waiting

        QVERIFY(bank.confirmByOperator(2));
        QCOMPARE(resolved.size(), 1);
        const auto result = waitForOperation(finished, id);
        QVERIFY(result && result->succeeded());
        QCOMPARE(bank.state(2), std::optional<bool>(true));
        QVERIFY(!bank.pendingOperatorRequest());
    }

    void declineFailsTheSwitchWithTheReason()
    {
        ManualRelayBank bank(stackChannels({1}), noSafetyLimits());
        QVERIFY(bank.open({{1, true}}));
        QSignalSpy asked(&bank, &ManualRelayBank::operatorActionRequested);
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const quint64 id = bank.switchChannel(1, false);
        QVERIFY(asked.wait(5000));
        QCOMPARE(asked.at(0).at(0).value<ManualRelayBank::Request>().instruction,
            u"Unplug the power supply of stack 1 (channel 1), then confirm."_s);
        QVERIFY(bank.declineByOperator(1, u"the plug is stuck"_s));
        const auto result = waitForOperation(finished, id);
        QVERIFY(result);
        QCOMPARE(result->channel(1)->outcome, RelayChannelResult::Outcome::Failed);
        QCOMPARE(result->channel(1)->error, u"the operator declined: the plug is stuck"_s);
        QCOMPARE(bank.state(1), std::optional<bool>(true));
    }

    void oneRequestAtATimeInOrder()
    {
        ManualRelayBank bank(stackChannels({1, 2}), noSafetyLimits());
        QVERIFY(bank.open({}));
        QSignalSpy asked(&bank, &ManualRelayBank::operatorActionRequested);
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const quint64 id = bank.switchChannels({{1, true}, {2, true}});
        QVERIFY(asked.wait(5000));
        QCOMPARE(asked.size(), 1);
        QCOMPARE(bank.pendingOperatorRequest()->channel, 1);
        QVERIFY(bank.confirmByOperator(1));
        QVERIFY(asked.wait(5000));
        QCOMPARE(bank.pendingOperatorRequest()->channel, 2);
        QVERIFY(bank.confirmByOperator(2));
        const auto result = waitForOperation(finished, id);
        QVERIFY(result && result->succeeded());
    }

    void readBackReportsTheBelievedState()
    {
        ManualRelayBank bank(stackChannels({1}), noSafetyLimits());
        QVERIFY(bank.open({{1, true}}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const auto result = waitForOperation(finished, bank.readBack());
        QVERIFY(result && result->succeeded());
        QCOMPARE(result->channel(1)->state, std::optional<bool>(true));
    }

    void closingDropsThePendingRequest()
    {
        ManualRelayBank bank(stackChannels({1}), noSafetyLimits());
        QVERIFY(bank.open({}));
        QSignalSpy asked(&bank, &ManualRelayBank::operatorActionRequested);
        QSignalSpy resolved(&bank, &ManualRelayBank::operatorActionResolved);
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const quint64 id = bank.switchChannel(1, true);
        QVERIFY(asked.wait(5000));
        bank.close();
        QCOMPARE(resolved.size(), 1);
        const auto result = waitForOperation(finished, id, 1000);
        QVERIFY(result);
        QCOMPARE(result->channel(1)->error, u"the relay bank was closed"_s);
        QVERIFY(!bank.confirmByOperator(1));
    }
};

QTEST_GUILESS_MAIN(TestManualRelayBank)
#include "tst_manualrelaybank.moc"
