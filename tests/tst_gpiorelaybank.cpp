// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakes/fakegpiolines.h"
#include "gpio/gpiorelaybank.h"
#include "relaytesthelpers.h"

#include <QDir>
#include <QFile>

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

    std::shared_ptr<FakeGpioLines> m_lines;

    std::unique_ptr<GpioRelayBank> makeBank(const QList<int> &lines, GpioLineKeeper *keeper = nullptr,
        GpioRelayBank::Settings bankSettings = settings())
    {
        return std::make_unique<GpioRelayBank>(stackChannels(lines), noSafetyLimits(),
            std::move(bankSettings), std::make_unique<FakeGpioLineDriver>(m_lines), keeper);
    }

private Q_SLOTS:
    void init() { m_lines = std::make_shared<FakeGpioLines>(); }

    void requestsLinesWithTheWantedStateAsInitialValue()
    {
        {
            auto bank = makeBank({18, 25, 12, 21});
            QVERIFY2(bank->open({{18, true}, {12, true}, {25, false}}), qPrintable(bank->errorString()));
            QCOMPARE(m_lines->openedChips, QList<QString> {u"gpiochip0"_s});
            QCOMPARE(m_lines->requests.size(), 4);
            const QMap<unsigned, bool> expectedInitial {{18, true}, {25, false}, {12, true}, {21, false}};
            for (const FakeGpioLines::Request &request : std::as_const(m_lines->requests)) {
                QCOMPARE(request.consumer, QByteArray("rackd"));
                QVERIFY(request.activeLow);
                QCOMPARE(request.initialValue, expectedInitial.value(request.offset));
            }
            // Taking over set nothing after the request: the request itself carried the values.
            QVERIFY(m_lines->valuesSet.isEmpty());
            QCOMPARE(bank->state(18), std::optional<bool>(true));
            QCOMPARE(bank->state(21), std::optional<bool>(false));
            // The lines are held for as long as the bank lives.
            QCOMPARE(m_lines->held.size(), 4);
            QCOMPARE(m_lines->closedChips, 0);
        }
        QVERIFY(m_lines->held.isEmpty());
        QCOMPARE(m_lines->released.size(), 4);
        QCOMPARE(m_lines->closedChips, 1);
    }

    void activeHighWiringUsesNoFlag()
    {
        auto bank = makeBank({5}, nullptr, settings(false));
        QVERIFY(bank->open({{5, true}}));
        QVERIFY(!m_lines->requests.at(0).activeLow);
        QCOMPARE(m_lines->requests.at(0).initialValue, true);
    }

    void chipByPath()
    {
        m_lines->chips.insert(u"/dev/gpiochip4"_s, {u"pinctrl-rp1"_s, 54});
        auto bank = makeBank({5}, nullptr, settings(true, u"/dev/gpiochip4"_s));
        QVERIFY(bank->open({}));
        QCOMPARE(m_lines->openedChips, QList<QString> {u"/dev/gpiochip4"_s});
    }

    void switchesAndReadsThroughTheLine()
    {
        auto bank = makeBank({18, 25});
        QVERIFY(bank->open({}));
        QSignalSpy finished(bank.get(), &RelayBank::operationFinished);
        const auto result = waitForOperation(finished, bank->switchChannels({{25, true}, {18, true}}));
        QVERIFY(result && result->succeeded());
        // Logical values: the request's active-low flag turns true into a low pin.
        QCOMPARE(m_lines->valuesSet, (QList<QPair<unsigned, bool>> {{25, true}, {18, true}}));
        const auto readBack = waitForOperation(finished, bank->readBack());
        QVERIFY(readBack && readBack->succeeded());
        QCOMPARE(readBack->channel(25)->state, std::optional<bool>(true));
    }

    void missingChipIsAClearError()
    {
        auto bank = makeBank({18}, nullptr, settings(true, u"gpiochip7"_s));
        QVERIFY(!bank->open({}));
        QCOMPARE(bank->errorString(), u"cannot open the GPIO chip gpiochip7: No such file or directory"_s);
        QVERIFY(!bank->isOpen());
    }

    void busyLineIsNamedAndNoOtherLineIsDriven()
    {
        m_lines->busyLines.insert(25, "gpio-fan");
        auto bank = makeBank({18, 25, 12});
        QVERIFY(!bank->open({{18, true}}));
        QCOMPARE(bank->errorString(), u"line 25 of gpiochip0 (stack 2) is already in use by \"gpio-fan\""_s);
        // Every line is looked at before any is requested: line 18 was not driven, not even for an
        // instant; the chip is closed.
        QVERIFY(m_lines->requests.isEmpty());
        QVERIFY(m_lines->held.isEmpty());
        QCOMPARE(m_lines->closedChips, 1);
    }

    void lineTakenBetweenTheCheckAndTheRequestIsStillNamed()
    {
        // Another process may take a line at the last moment: the request's EBUSY names it too,
        // and the lines requested before it are let go.
        struct RacingDriver : FakeGpioLineDriver
        {
            using FakeGpioLineDriver::FakeGpioLineDriver;
            std::shared_ptr<FakeGpioLines> lines;
            int requestOutput(
                unsigned offset, bool activeLow, bool value, const QByteArray &consumer, int *error) override
            {
                if (offset == 25)
                    lines->busyLines.insert(25, "gpio-fan");
                return FakeGpioLineDriver::requestOutput(offset, activeLow, value, consumer, error);
            }
        };
        auto driver = std::make_unique<RacingDriver>(m_lines);
        driver->lines = m_lines;
        GpioRelayBank bank(stackChannels({18, 25}), noSafetyLimits(), settings(), std::move(driver), nullptr);
        QVERIFY(!bank.open({}));
        QCOMPARE(bank.errorString(), u"line 25 of gpiochip0 (stack 2) is already in use by \"gpio-fan\""_s);
        QCOMPARE(m_lines->released, QList<unsigned> {18});
        QVERIFY(m_lines->held.isEmpty());
    }

    void lineBeyondTheChipDrivesNothing()
    {
        m_lines->chips[u"/dev/gpiochip0"_s].lineCount = 28;
        auto bank = makeBank({18, 40});
        QVERIFY(!bank->open({}));
        QCOMPARE(bank->errorString(),
            u"there is no line 40 of gpiochip0 (stack 2): the chip has 28 lines, 0 to 27"_s);
        // Checked before any request: line 18, which exists, was not driven either.
        QVERIFY(m_lines->requests.isEmpty());
        QCOMPARE(m_lines->closedChips, 1);
    }

    void failedSetIsReportedWithTheChannel()
    {
        m_lines->failingSetLines.append(12);
        auto bank = makeBank({18, 12});
        QVERIFY(bank->open({}));
        QSignalSpy finished(bank.get(), &RelayBank::operationFinished);
        QSignalSpy errors(bank.get(), &RelayBank::errorOccurred);
        const auto result = waitForOperation(finished, bank->switchChannels({{18, true}, {12, true}}));
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
        auto bank = makeBank({18});
        QVERIFY(bank->open({{18, true}}));
        bank->close();
        QVERIFY(m_lines->held.isEmpty());
        QCOMPARE(m_lines->closedChips, 1);
        QVERIFY(bank->open({{18, false}}));
        QCOMPARE(m_lines->requests.size(), 2);
        QCOMPARE(m_lines->requests.at(1).initialValue, false);
    }

    void keptLinesOutliveTheBankAndAreTakenOverWithoutASwitch()
    {
        FakeGpioLineKeeper keeper(m_lines);
        {
            auto bank = makeBank({18, 25}, &keeper);
            QVERIFY(bank->open({{18, true}, {25, false}}));
            QCOMPARE(keeper.storedNames(), (QStringList {u"gpio-gpiochip0-18"_s, u"gpio-gpiochip0-25"_s}));
            QVERIFY(bank->restartWarning().isEmpty());
        }
        // rackd is gone; the keeper still holds both lines at their levels.
        QVERIFY(m_lines->released.isEmpty());
        QCOMPARE(m_lines->held.value(18).value, true);

        keeper.restart();
        auto bank = makeBank({18, 25}, &keeper);
        QVERIFY2(bank->open({{18, true}, {25, false}}), qPrintable(bank->errorString()));
        QCOMPARE(bank->takenOverChannels(), (QList<int> {18, 25}));
        QCOMPARE(m_lines->requests.size(), 2); // no new request
        QVERIFY(m_lines->valuesSet.isEmpty()); // and nothing driven
        QVERIFY(m_lines->released.isEmpty());
        QCOMPARE(bank->state(18), std::optional<bool>(true));

        // Closing and opening again in the same process takes the same requests again.
        bank->close();
        QVERIFY(m_lines->released.isEmpty());
        QVERIFY(bank->open({{18, true}, {25, false}}));
        QCOMPARE(bank->takenOverChannels(), (QList<int> {18, 25}));
        QCOMPARE(m_lines->requests.size(), 2);

        // Only stopping the service lets go of the lines.
        bank.reset();
        keeper.stopService();
        QCOMPARE(m_lines->released.size(), 2);
    }

    void takenOverLineIsDrivenOnlyWhenItDiffers()
    {
        FakeGpioLineKeeper keeper(m_lines);
        makeBank({18, 25}, &keeper)->open({{18, true}, {25, true}});
        keeper.restart();
        auto bank = makeBank({18, 25}, &keeper);
        // Stack 2's switch was interrupted: keep what the line holds. Stack 1 is wanted off.
        QVERIFY(bank->open({{18, false}, {25, false}}, {25}));
        QCOMPARE(m_lines->valuesSet, (QList<QPair<unsigned, bool>> {{18, false}}));
        QCOMPARE(bank->state(18), std::optional<bool>(false));
        QCOMPARE(bank->state(25), std::optional<bool>(true));
    }

    void keptLineOfARemovedStackIsLetGo()
    {
        FakeGpioLineKeeper keeper(m_lines);
        makeBank({18, 25}, &keeper)->open({{18, true}, {25, true}});
        keeper.restart();
        auto bank = makeBank({18}, &keeper);
        QVERIFY(bank->open({{18, true}}));
        QCOMPARE(keeper.storedNames(), QStringList {u"gpio-gpiochip0-18"_s});
        QCOMPARE(m_lines->released, QList<unsigned> {25});
    }

    void keptRequestWithOtherWiringIsRequestedAgain()
    {
        FakeGpioLineKeeper keeper(m_lines);
        makeBank({18}, &keeper)->open({{18, true}});
        keeper.restart();
        auto bank = makeBank({18}, &keeper, settings(false)); // active_low changed to false
        QVERIFY2(bank->open({{18, true}}), qPrintable(bank->errorString()));
        QVERIFY(bank->takenOverChannels().isEmpty());
        QCOMPARE(m_lines->requests.size(), 2);
        QVERIFY(!m_lines->requests.at(1).activeLow);
        QCOMPARE(m_lines->held.value(18).value, true);
    }

    void failedOpenLeavesTakenOverLinesWithTheKeeper()
    {
        FakeGpioLineKeeper keeper(m_lines);
        makeBank({18}, &keeper)->open({{18, true}});
        keeper.restart();
        m_lines->busyLines.insert(25, "gpio-fan");
        auto bank = makeBank({18, 25}, &keeper);
        QVERIFY(!bank->open({{18, true}}));
        QVERIFY(m_lines->released.isEmpty());
        QCOMPARE(m_lines->held.value(18).value, true);
        // The operator frees line 25: the next open takes line 18 over again.
        m_lines->busyLines.clear();
        QVERIFY(bank->open({{18, true}}));
        QCOMPARE(bank->takenOverChannels(), QList<int> {18});
    }

    void restartWarningWhenNothingKeepsLinesOnAReleasingKernel()
    {
        FakeGpioLineKeeper unavailable(m_lines, false);
        auto bank = makeBank({18}, &unavailable);
        QVERIFY(bank->restartWarning().isEmpty()); // not open yet
        QVERIFY(bank->open({}));
        QVERIFY(unavailable.storedNames().isEmpty());
        // The fake's chip is a Pi 4's, and its kernel has no persist_gpio_outputs parameter (mainline).
        QCOMPARE(bank->lineRelease().behaviour, GpioLineRelease::Behaviour::Reverts);
        QVERIFY2(bank->restartWarning().contains(u"let go whenever rackd stops, restarts or crashes"_s),
            qPrintable(bank->restartWarning()));
        QVERIFY(bank->restartWarning().contains(u"pinctrl-bcm2711"_s));
    }

    void noRestartWarningWhenTheKernelKeepsReleasedOutputs()
    {
        // Raspberry Pi OS's kernel: released outputs stay outputs at their level.
        const QString parameters = m_lines->sysfs.path() + u"/module/pinctrl_bcm2835/parameters"_s;
        QVERIFY(QDir().mkpath(parameters));
        QFile parameter(parameters + u"/persist_gpio_outputs"_s);
        QVERIFY(parameter.open(QIODevice::WriteOnly));
        parameter.write("Y\n");
        parameter.close();
        FakeGpioLineKeeper unavailable(m_lines, false);
        auto bank = makeBank({18}, &unavailable);
        QVERIFY(bank->open({}));
        QCOMPARE(bank->lineRelease().behaviour, GpioLineRelease::Behaviour::KeepsLevel);
        QVERIFY2(bank->restartWarning().isEmpty(), qPrintable(bank->restartWarning()));
    }
};

QTEST_GUILESS_MAIN(TestGpioRelayBank)
#include "tst_gpiorelaybank.moc"
