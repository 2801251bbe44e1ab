// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "relaybankfactory.h"
#include "structure/structurereader.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestRelayBankFactory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void buildsTheBackendTheStructureNames_data()
    {
        QTest::addColumn<QByteArray>("backendLines");
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("device");
        QTest::newRow("gpio") << QByteArray("gpio_chip = gpiochip3\n") << u"gpio"_s << u"gpiochip3"_s;
        QTest::newRow("serial") << QByteArray(
            "relay_backend = serial\nserial_port = /dev/ttyACM1\nserial_protocol = numato\n")
                                << u"serial"_s << u"/dev/ttyACM1 (Numato board)"_s;
        QTest::newRow("simulated") << QByteArray("relay_backend = simulated\n") << u"simulated"_s
                                   << u"simulated relays"_s;
        QTest::newRow("manual") << QByteArray("relay_backend = manual\n") << u"manual"_s
                                << u"the operator's hands"_s;
    }

    void buildsTheBackendTheStructureNames()
    {
        QFETCH(QByteArray, backendLines);
        QFETCH(QString, backend);
        QFETCH(QString, device);
        const StructureLoadResult loaded = StructureReader::parse(
            "[rack]\npi_stack = 1\nrows = 1\ncols = 2\nmin_off_time = 3\nmin_switch_interval = 0.25\n"
                + backendLines
                + "[1]\nx = 1\ny = 1\nrelay_channel = 1\n[2]\nx = 1\ny = 2\nrelay_channel = 2\n",
            u"f.ini"_s);
        QVERIFY(loaded.structure);
        const RelayBankSettings settings = RelayBankSettings::fromStructure(*loaded.structure);
        const std::unique_ptr<RelayBank> bank = createRelayBank(settings);
        QVERIFY(bank);
        QCOMPARE(bank->backendName(), backend);
        QCOMPARE(bank->deviceDescription(), device);
        QCOMPARE(bank->channels(), (QList<int> {1, 2}));
        QCOMPARE(bank->channelLabel(2), u"stack 2 (channel 2)"_s);
        QCOMPARE(bank->safety().minimumOffTime, std::chrono::milliseconds(3000));
        QCOMPARE(bank->safety().minimumSwitchInterval, std::chrono::milliseconds(250));
    }
};

QTEST_GUILESS_MAIN(TestRelayBankFactory)
#include "tst_relaybankfactory.moc"
