// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "relaytesthelpers.h"
#include "simulated/simulatedrelaybank.h"
#include "testfiles.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;

class TestSimulatedRelayBank : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void freshBoardStartsOffAndSwitchesNothingToTakeOver()
    {
        SimulatedRelayBank bank(stackChannels({1, 2}), noSafetyLimits());
        QCOMPARE(bank.backendName(), u"simulated"_s);
        QVERIFY(bank.open({}));
        QCOMPARE(bank.physicalState(1), std::optional<bool>(false));
        QCOMPARE(bank.state(2), std::optional<bool>(false));
        QVERIFY(bank.switchLog().isEmpty());
    }

    void persistsStateAcrossInstancesLikeRealRelays()
    {
        QTemporaryDir dir;
        const QString stateFile = dir.filePath(u"relays.json"_s);
        {
            SimulatedRelayBank bank(stackChannels({1, 2, 3}), noSafetyLimits(), stateFile);
            QVERIFY(bank.open({}));
            QSignalSpy finished(&bank, &RelayBank::operationFinished);
            const auto result = waitForOperation(finished, bank.switchChannels({{1, true}, {3, true}}));
            QVERIFY(result && result->succeeded());
        }
        const QJsonObject saved = QJsonDocument::fromJson([&] {
            QFile file(stateFile);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        }())
                                      .object()
                                      .value(u"channels"_s)
                                      .toObject();
        QCOMPARE(saved.value(u"1"_s).toBool(), true);
        QCOMPARE(saved.value(u"2"_s).toBool(), false);
        QCOMPARE(saved.value(u"3"_s).toBool(), true);

        // A restarted daemon takes over with the saved wanted states: no output changes.
        SimulatedRelayBank restarted(stackChannels({1, 2, 3}), noSafetyLimits(), stateFile);
        QSignalSpy physical(&restarted, &SimulatedRelayBank::physicalStateChanged);
        QVERIFY(restarted.open({{1, true}, {2, false}, {3, true}}));
        QVERIFY(restarted.switchLog().isEmpty());
        QCOMPARE(physical.size(), 0);
        QCOMPARE(restarted.state(1), std::optional<bool>(true));
        QCOMPARE(restarted.state(3), std::optional<bool>(true));
    }

    void takingOverWithAnotherStateSwitchesOnlyThatChannel()
    {
        QTemporaryDir dir;
        const QString stateFile = dir.filePath(u"relays.json"_s);
        QVERIFY(writeFile(stateFile, R"({"channels": {"1": true, "2": true}})"));
        SimulatedRelayBank bank(stackChannels({1, 2}), noSafetyLimits(), stateFile);
        QVERIFY(bank.open({{1, true}, {2, false}}));
        QCOMPARE(bank.switchLog().size(), 1);
        QCOMPARE(bank.switchLog().at(0).channel, 2);
        QCOMPARE(bank.switchLog().at(0).on, false);
    }

    void badStateFileIsReportedNotOverwritten()
    {
        QTemporaryDir dir;
        const QString stateFile = dir.filePath(u"relays.json"_s);
        QVERIFY(writeFile(stateFile, "{not json"));
        SimulatedRelayBank bank(stackChannels({1}), noSafetyLimits(), stateFile);
        QVERIFY(!bank.open({}));
        QVERIFY2(
            bank.errorString().startsWith(u"the simulated relay state %1 is not usable: "_s.arg(stateFile)),
            qPrintable(bank.errorString()));
        QFile file(stateFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("{not json"));
    }

    void commandDelayMakesCompletionAsynchronous()
    {
        SimulatedRelayBank bank(stackChannels({1}), noSafetyLimits());
        bank.setCommandDelay(milliseconds(100));
        QVERIFY(bank.open({}));
        QSignalSpy physical(&bank, &SimulatedRelayBank::physicalStateChanged);
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const quint64 id = bank.switchChannel(1, true);
        QCOMPARE(physical.size(), 0);
        QVERIFY(waitForOperation(finished, id));
        QCOMPARE(physical.size(), 1);
        QCOMPARE(physical.at(0).at(1).toBool(), true);
    }

    void injectedReadFailure()
    {
        SimulatedRelayBank bank(stackChannels({1}), noSafetyLimits());
        QVERIFY(bank.open({}));
        bank.failNextCommand(1, u"no answer"_s);
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const auto result = waitForOperation(finished, bank.readBack({1}));
        QVERIFY(result);
        QCOMPARE(result->channel(1)->outcome, RelayChannelResult::Outcome::Failed);
        QCOMPARE(result->channel(1)->state, std::nullopt);
        QCOMPARE(bank.state(1), std::nullopt); // a failed read leaves the state unknown, not guessed
    }
};

QTEST_GUILESS_MAIN(TestSimulatedRelayBank)
#include "tst_simulatedrelaybank.moc"
