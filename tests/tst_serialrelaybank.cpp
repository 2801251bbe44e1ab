// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The serial backend against a relay board played on a pseudo-terminal.
#include "fakes/fakerelayboard.h"
#include "relaytesthelpers.h"
#include "serial/serialrelaybank.h"

#include <QElapsedTimer>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;

namespace {

SerialRelayBank::Settings settingsFor(
    const FakeRelayBoard &board, SerialRelayProtocol protocol, bool verify = true)
{
    SerialRelayBank::Settings settings;
    settings.portName = board.slavePath();
    settings.protocol = protocol;
    settings.verifySwitches = verify;
    settings.replyTimeout = milliseconds(500);
    return settings;
}

} // namespace

class TestSerialRelayBank : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lcusSwitchSendsTheCommandAndVerifies()
    {
        FakeRelayBoard board(SerialRelayProtocol::Lcus, 4);
        QVERIFY(board.isValid());
        SerialRelayBank bank(
            stackChannels({1, 2, 3, 4}), noSafetyLimits(), settingsFor(board, SerialRelayProtocol::Lcus));
        QVERIFY2(bank.open({}), qPrintable(bank.errorString()));
        QCOMPARE(bank.state(2), std::nullopt); // a board is not changed, nor known, by opening it
        QSignalSpy finished(&bank, &RelayBank::operationFinished);

        const auto on = waitForOperation(finished, bank.switchChannel(2, true));
        QVERIFY(on);
        QVERIFY2(on->succeeded(), qPrintable(on->describe()));
        QVERIFY(board.relay(2));
        // The command, then the status query twice: the first answer after opening may be stale.
        QCOMPARE(board.received().toHex(' '), QByteArray("a0 02 01 a3 ff ff"));
        QCOMPARE(bank.state(2), std::optional<bool>(true));

        const auto off = waitForOperation(finished, bank.switchChannel(2, false));
        QVERIFY(off && off->succeeded());
        QVERIFY(!board.relay(2));
        QCOMPARE(board.received().toHex(' '), QByteArray("a0 02 01 a3 ff ff a0 02 00 a2 ff"));
    }

    void lcusWithoutVerificationSendsOnlyTheCommand()
    {
        FakeRelayBoard board(SerialRelayProtocol::Lcus, 1);
        board.setBehaviour(FakeRelayBoard::Behaviour::Silent); // single-channel boards do not answer
        QVERIFY(board.isValid());
        SerialRelayBank bank(
            stackChannels({1}), noSafetyLimits(), settingsFor(board, SerialRelayProtocol::Lcus, false));
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const auto result = waitForOperation(finished, bank.switchChannel(1, true));
        QVERIFY(result);
        QVERIFY2(result->succeeded(), qPrintable(result->describe()));
        QCOMPARE(board.received().toHex(' '), QByteArray("a0 01 01 a2"));
    }

    void lcusStatusIsParsed()
    {
        FakeRelayBoard board(SerialRelayProtocol::Lcus, 4);
        board.setRelay(1, true);
        board.setRelay(3, true);
        SerialRelayBank bank(
            stackChannels({1, 2, 3, 4}), noSafetyLimits(), settingsFor(board, SerialRelayProtocol::Lcus));
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const auto result = waitForOperation(finished, bank.readBack());
        QVERIFY(result && result->succeeded());
        QCOMPARE(result->channel(1)->state, std::optional<bool>(true));
        QCOMPARE(result->channel(2)->state, std::optional<bool>(false));
        QCOMPARE(result->channel(3)->state, std::optional<bool>(true));
        QCOMPARE(result->channel(4)->state, std::optional<bool>(false));
        QCOMPARE(bank.knownStates(), (QMap<int, bool> {{1, true}, {2, false}, {3, true}, {4, false}}));
    }

    void lcusStaleFirstStatusIsNotBelieved()
    {
        FakeRelayBoard board(SerialRelayProtocol::Lcus, 2);
        board.setBehaviour(FakeRelayBoard::Behaviour::StaleFirstStatus);
        board.setRelay(2, true);
        SerialRelayBank bank(
            stackChannels({1, 2}), noSafetyLimits(), settingsFor(board, SerialRelayProtocol::Lcus));
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const auto result = waitForOperation(finished, bank.readBack({2}));
        QVERIFY(result && result->succeeded());
        QCOMPARE(result->channel(2)->state, std::optional<bool>(true));
    }

    void numatoSwitchAndRead()
    {
        FakeRelayBoard board(SerialRelayProtocol::Numato, 16);
        QVERIFY(board.isValid());
        SerialRelayBank bank(
            stackChannels({0, 11}), noSafetyLimits(), settingsFor(board, SerialRelayProtocol::Numato));
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const auto result = waitForOperation(finished, bank.switchChannels({{0, true}, {11, true}}));
        QVERIFY(result);
        QVERIFY2(result->succeeded(), qPrintable(result->describe()));
        QVERIFY(board.relay(0));
        QVERIFY(board.relay(11));
        QCOMPARE(board.received(), QByteArray("relay on 0\rrelay read 0\rrelay on B\rrelay read B\r"));
        const auto off = waitForOperation(finished, bank.switchChannel(11, false));
        QVERIFY(off && off->succeeded());
        QVERIFY(!board.relay(11));
        QVERIFY(board.received().endsWith("relay read B\rrelay off B\rrelay read B\r"));
    }

    void silentBoardFailsWithinTheTimeout_data()
    {
        QTest::addColumn<SerialRelayProtocol>("protocol");
        QTest::addColumn<QString>("error");
        QTest::newRow("lcus")
            << SerialRelayProtocol::Lcus
            << u"the relay board did not answer within 500 ms (is serial_port right, and is it a "
               "LCUS board?)"_s;
        QTest::newRow("numato")
            << SerialRelayProtocol::Numato
            << u"the relay board did not answer within 500 ms (is serial_port right, and is it a "
               "Numato board?)"_s;
    }

    void silentBoardFailsWithinTheTimeout()
    {
        QFETCH(SerialRelayProtocol, protocol);
        QFETCH(QString, error);
        FakeRelayBoard board(protocol, 4);
        board.setBehaviour(FakeRelayBoard::Behaviour::Silent);
        SerialRelayBank bank(stackChannels({1, 2}), noSafetyLimits(), settingsFor(board, protocol));
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        QSignalSpy errors(&bank, &RelayBank::errorOccurred);
        QElapsedTimer clock;
        clock.start();
        const auto result = waitForOperation(finished, bank.switchChannels({{1, true}, {2, true}}), 10000);
        QVERIFY2(result, "a silent board must end the operation, not hang it");
        QVERIFY(clock.elapsed() >= 500);
        QCOMPARE(result->channel(1)->outcome, RelayChannelResult::Outcome::Failed);
        QCOMPARE(result->channel(1)->error, error);
        QCOMPARE(result->channel(1)->state, std::nullopt);
        QCOMPARE(result->channel(2)->outcome, RelayChannelResult::Outcome::NotAttempted);
        QCOMPARE(errors.size(), 1);
        QVERIFY(errors.at(0).at(0).toString().startsWith(u"stack 1 (channel 1) on "_s + board.slavePath()));
        QVERIFY(bank.isOpen()); // the port is fine; the next command may work
    }

    void garbageReplyIsAnError_data()
    {
        QTest::addColumn<SerialRelayProtocol>("protocol");
        QTest::addColumn<QString>("error");
        QTest::newRow("lcus")
            << SerialRelayProtocol::Lcus
            << u"the relay board answered garbage: unexpected byte 0x13 (wrong baud rate or protocol?)"_s;
        QTest::newRow("numato")
            << SerialRelayProtocol::Numato
            << u"the relay board answered garbage: unexpected byte 0x13 (wrong baud rate or protocol?)"_s;
    }

    void garbageReplyIsAnError()
    {
        QFETCH(SerialRelayProtocol, protocol);
        QFETCH(QString, error);
        FakeRelayBoard board(protocol, 4);
        board.setBehaviour(FakeRelayBoard::Behaviour::Garbage);
        SerialRelayBank bank(stackChannels({1}), noSafetyLimits(), settingsFor(board, protocol));
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const auto result = waitForOperation(finished, bank.switchChannel(1, true));
        QVERIFY(result);
        QCOMPARE(result->channel(1)->outcome, RelayChannelResult::Outcome::Failed);
        QCOMPARE(result->channel(1)->error, error);
    }

    void boardThatDoesNotSwitchFailsVerification()
    {
        FakeRelayBoard board(SerialRelayProtocol::Numato, 4);
        board.setBehaviour(FakeRelayBoard::Behaviour::IgnoresSwitches);
        SerialRelayBank bank(
            stackChannels({1}), noSafetyLimits(), settingsFor(board, SerialRelayProtocol::Numato));
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const auto result = waitForOperation(finished, bank.switchChannel(1, true));
        QVERIFY(result);
        QCOMPARE(result->channel(1)->outcome, RelayChannelResult::Outcome::Failed);
        QCOMPARE(result->channel(1)->error, u"it reads back off after being switched on"_s);
        QCOMPARE(bank.state(1), std::optional<bool>(false));
    }

    void missingPortIsAClearError()
    {
        SerialRelayBank::Settings settings;
        settings.portName = u"/dev/ttyPIRACK-none"_s;
        SerialRelayBank bank(stackChannels({1}), noSafetyLimits(), settings);
        QVERIFY(!bank.open({}));
        QVERIFY2(bank.errorString().startsWith(u"cannot open the serial port /dev/ttyPIRACK-none: "_s),
            qPrintable(bank.errorString()));
    }

    void unpluggedBoardFailsTheRunningCommand()
    {
        FakeRelayBoard board(SerialRelayProtocol::Numato, 4);
        board.setBehaviour(FakeRelayBoard::Behaviour::Silent);
        SerialRelayBank bank(
            stackChannels({1}), noSafetyLimits(), settingsFor(board, SerialRelayProtocol::Numato));
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        QSignalSpy received(&board, &FakeRelayBoard::bytesReceived);
        const quint64 id = bank.switchChannel(1, true);
        QVERIFY(received.wait(5000));
        board.unplug();
        const auto result = waitForOperation(finished, id, 5000);
        QVERIFY(result);
        QCOMPARE(result->channel(1)->outcome, RelayChannelResult::Outcome::Failed);
        QVERIFY(!result->channel(1)->error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSerialRelayBank)
#include "tst_serialrelaybank.moc"
