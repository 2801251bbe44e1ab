// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "gpio/gpiolinerelease.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Behaviour = GpioLineRelease::Behaviour;

class TestGpioLineRelease : public QObject
{
    Q_OBJECT

    QTemporaryDir m_sysfs;

    void writeParameter(const QByteArray &value, const QString &module = u"pinctrl_bcm2835"_s)
    {
        const QString folder = m_sysfs.path() + u"/module/%1/parameters"_s.arg(module);
        QVERIFY(QDir().mkpath(folder));
        QFile file(folder + u"/persist_gpio_outputs"_s);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(file.write(value), value.size());
    }

private Q_SLOTS:
    void init() { QVERIFY(QDir(m_sysfs.path() + u"/module"_s).removeRecursively()); }

    void raspberryPiKernelKeepsOutputs()
    {
        writeParameter("Y\n");
        const GpioLineRelease release = GpioLineRelease::detect(u"pinctrl-bcm2711"_s, m_sysfs.path());
        QCOMPARE(release.behaviour, Behaviour::KeepsLevel);
        QVERIFY(release.reason.contains(u"persist_gpio_outputs=Y"_s));
    }

    void strictGpiodReverts()
    {
        writeParameter("N\n");
        const GpioLineRelease release = GpioLineRelease::detect(u"pinctrl-bcm2835"_s, m_sysfs.path());
        QCOMPARE(release.behaviour, Behaviour::Reverts);
        QVERIFY(release.reason.contains(u"dtparam=strict_gpiod"_s));
    }

    void mainlineWithoutTheParameterReverts()
    {
        const GpioLineRelease release = GpioLineRelease::detect(u"pinctrl-bcm2711"_s, m_sysfs.path());
        QCOMPARE(release.behaviour, Behaviour::Reverts);
        QVERIFY(release.reason.contains(u"no persist_gpio_outputs parameter"_s));
    }

    void gpioSimReturnsToItsPull()
    {
        QCOMPARE(
            GpioLineRelease::detect(u"gpio-sim.0-node0"_s, m_sysfs.path()).behaviour, Behaviour::Reverts);
    }

    void piFiveFollowsItsOwnParameter()
    {
        // Raspberry Pi's RP1 driver keeps outputs by default; dtparam=strict_gpiod turns that off.
        writeParameter("Y\n", u"pinctrl_rp1"_s);
        QCOMPARE(GpioLineRelease::detect(u"pinctrl-rp1"_s, m_sysfs.path()).behaviour, Behaviour::KeepsLevel);
        writeParameter("N\n", u"pinctrl_rp1"_s);
        QCOMPARE(GpioLineRelease::detect(u"pinctrl-rp1"_s, m_sysfs.path()).behaviour, Behaviour::Reverts);
    }

    void piFiveWithoutTheParameterIsUnknown()
    {
        writeParameter("Y\n"); // the bcm2835 driver's parameter says nothing about RP1
        const GpioLineRelease release = GpioLineRelease::detect(u"pinctrl-rp1"_s, m_sysfs.path());
        QCOMPARE(release.behaviour, Behaviour::Unknown);
        QVERIFY(release.reason.contains(u"pinctrl_rp1"_s));
    }

    void otherDriversAreUnknown()
    {
        const GpioLineRelease release = GpioLineRelease::detect(u"tegra-gpio"_s, m_sysfs.path());
        QCOMPARE(release.behaviour, Behaviour::Unknown);
        QVERIFY(release.reason.contains(u"tegra-gpio"_s));
    }
};

QTEST_GUILESS_MAIN(TestGpioLineRelease)
#include "tst_gpiolinerelease.moc"
