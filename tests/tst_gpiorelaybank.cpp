// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakes/fakelibgpiod.h"
#include "gpio/gpiorelaybank.h"
#include "relaytesthelpers.h"

#include <gpiod.h>

using namespace Qt::Literals::StringLiterals;

namespace {

GpioRelayBank::Settings settings(bool activeLow = true, const QString &chip = u"gpiochip0"_s)
{
    GpioRelayBank::Settings result;
    result.chip = chip;
    result.activeLow = activeLow;
    return result;
}

} // namespace

class TestGpioRelayBank : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { FakeGpiod::reset(); }

    void requestsLinesWithTheWantedStateAsInitialValue()
    {
        {
            GpioRelayBank bank(stackChannels({18, 25, 12, 21}), noSafetyLimits(), settings());
            QVERIFY2(bank.open({{18, true}, {12, true}, {25, false}}), qPrintable(bank.errorString()));
            QCOMPARE(FakeGpiod::state().openedChips, QList<QByteArray> {"gpiochip0"});
            const QList<FakeGpiod::LineRequest> requests = FakeGpiod::state().requests;
            QCOMPARE(requests.size(), 4);
            const QMap<unsigned, int> expectedInitial {{18, 1}, {25, 0}, {12, 1}, {21, 0}};
            for (const FakeGpiod::LineRequest &request : requests) {
                QCOMPARE(request.consumer, QByteArray("rackd"));
                QCOMPARE(request.flags, int(GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW));
                QCOMPARE(request.initialValue, expectedInitial.value(request.offset));
            }
            // Taking over set nothing after the request: the request itself carried the values.
            QVERIFY(FakeGpiod::state().valuesSet.isEmpty());
            QCOMPARE(bank.state(18), std::optional<bool>(true));
            QCOMPARE(bank.state(21), std::optional<bool>(false));
            // The lines are held for as long as the bank lives.
            QCOMPARE(FakeGpiod::heldLines().size(), 4);
            QCOMPARE(FakeGpiod::state().closedChips, 0);
        }
        QVERIFY(FakeGpiod::heldLines().isEmpty());
        QCOMPARE(FakeGpiod::state().released.size(), 4);
        QCOMPARE(FakeGpiod::state().closedChips, 1);
    }

    void activeHighWiringUsesNoFlag()
    {
        GpioRelayBank bank(stackChannels({5}), noSafetyLimits(), settings(false));
        QVERIFY(bank.open({{5, true}}));
        QCOMPARE(FakeGpiod::state().requests.at(0).flags, 0);
        QCOMPARE(FakeGpiod::state().requests.at(0).initialValue, 1);
    }

    void chipByPath()
    {
        FakeGpiod::state().chips.insert("/dev/gpiochip4", 54);
        GpioRelayBank bank(stackChannels({5}), noSafetyLimits(), settings(true, u"/dev/gpiochip4"_s));
        QVERIFY(bank.open({}));
        QCOMPARE(FakeGpiod::state().openedChips, QList<QByteArray> {"/dev/gpiochip4"});
    }

    void switchesAndReadsThroughTheLine()
    {
        GpioRelayBank bank(stackChannels({18, 25}), noSafetyLimits(), settings());
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        const auto result = waitForOperation(finished, bank.switchChannels({{25, true}, {18, true}}));
        QVERIFY(result && result->succeeded());
        // Logical values: libgpiod's active-low flag turns 1 into a low pin.
        QCOMPARE(FakeGpiod::state().valuesSet, (QList<QPair<unsigned, int>> {{25, 1}, {18, 1}}));
        const auto readBack = waitForOperation(finished, bank.readBack());
        QVERIFY(readBack && readBack->succeeded());
        QCOMPARE(readBack->channel(25)->state, std::optional<bool>(true));
    }

    void missingChipIsAClearError()
    {
        GpioRelayBank bank(stackChannels({18}), noSafetyLimits(), settings(true, u"gpiochip7"_s));
        QVERIFY(!bank.open({}));
        QCOMPARE(bank.errorString(), u"cannot open the GPIO chip gpiochip7: No such file or directory"_s);
        QVERIFY(!bank.isOpen());
    }

    void busyLineNamesItsHolderAndReleasesTheOthers()
    {
        FakeGpiod::state().busyLines.insert(25, "gpio-fan");
        GpioRelayBank bank(stackChannels({18, 25, 12}), noSafetyLimits(), settings());
        QVERIFY(!bank.open({}));
        QCOMPARE(bank.errorString(),
            u"line 25 of gpiochip0 (stack 2 (channel 25)) is already in use by \"gpio-fan\""_s);
        // Line 18 was requested before the failure and must not stay held; the chip is closed.
        QVERIFY(FakeGpiod::heldLines().isEmpty());
        QCOMPARE(FakeGpiod::state().released, QList<unsigned> {18});
        QCOMPARE(FakeGpiod::state().closedChips, 1);
    }

    void lineBeyondTheChip()
    {
        FakeGpiod::state().chips.insert("gpiochip0", 28);
        GpioRelayBank bank(stackChannels({18, 40}), noSafetyLimits(), settings());
        QVERIFY(!bank.open({}));
        QCOMPARE(
            bank.errorString(), u"gpiochip0 has 28 lines; there is no line 40 for stack 2 (channel 40)"_s);
        QVERIFY(FakeGpiod::heldLines().isEmpty());
    }

    void failedSetIsReportedWithTheChannel()
    {
        FakeGpiod::state().failingSetLines.append(12);
        GpioRelayBank bank(stackChannels({18, 12}), noSafetyLimits(), settings());
        QVERIFY(bank.open({}));
        QSignalSpy finished(&bank, &RelayBank::operationFinished);
        QSignalSpy errors(&bank, &RelayBank::errorOccurred);
        const auto result = waitForOperation(finished, bank.switchChannels({{18, true}, {12, true}}));
        QVERIFY(result);
        QCOMPARE(result->channel(18)->outcome, RelayChannelResult::Outcome::Done);
        QCOMPARE(result->channel(12)->outcome, RelayChannelResult::Outcome::Failed);
        QCOMPARE(result->channel(12)->error, u"cannot set line 12: Input/output error"_s);
        QCOMPARE(result->channel(12)->state, std::nullopt);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).toString(),
            u"stack 2 (channel 12) on gpiochip0: cannot set line 12: Input/output error"_s);
    }

    void closeReleasesAndReopenRequestsAgain()
    {
        GpioRelayBank bank(stackChannels({18}), noSafetyLimits(), settings());
        QVERIFY(bank.open({{18, true}}));
        bank.close();
        QVERIFY(FakeGpiod::heldLines().isEmpty());
        QCOMPARE(FakeGpiod::state().closedChips, 1);
        QVERIFY(bank.open({{18, false}}));
        QCOMPARE(FakeGpiod::state().requests.size(), 2);
        QCOMPARE(FakeGpiod::state().requests.at(1).initialValue, 0);
    }
};

QTEST_GUILESS_MAIN(TestGpioRelayBank)
#include "tst_gpiorelaybank.moc"
