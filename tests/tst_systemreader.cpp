// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "systemreader.h"
#include "testfiles.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

bool put(const QTemporaryDir &root, const QString &relative, const QByteArray &content)
{
    const QString path = root.filePath(relative);
    return QDir().mkpath(QFileInfo(path).absolutePath()) && writeFile(path, content);
}

// A Raspberry Pi 4 as its /proc and /sys show it.
bool makePi(const QTemporaryDir &root)
{
    return put(root, u"proc/stat"_s,
               "cpu  1000 0 500 8000 500 0 0 0 0 0\ncpu0 250 0 125 2000 125 0 0 0 0 0\n")
        && put(root, u"proc/meminfo"_s,
            "MemTotal:        3884132 kB\nMemFree:         3000000 kB\nMemAvailable:    3500000 kB\n")
        && put(root, u"proc/loadavg"_s, "0.52 0.41 0.30 1/187 1234\n")
        && put(root, u"proc/uptime"_s, "12345.67 40000.00\n")
        && put(root, u"proc/sys/kernel/hostname"_s, "s3-n2\n")
        && put(root, u"proc/device-tree/model"_s, QByteArray("Raspberry Pi 4 Model B Rev 1.4\0", 31))
        && put(root, u"proc/device-tree/serial-number"_s, QByteArray("10000000abcdef01\0", 17))
        && put(root, u"sys/class/net/lo/address"_s, "00:00:00:00:00:00\n")
        && put(root, u"sys/class/net/eth0/address"_s, "DC:A6:32:01:02:03\n")
        && put(root, u"sys/class/net/wlan0/address"_s, "dc:a6:32:01:02:04\n")
        && put(root, u"sys/devices/system/cpu/online"_s, "0-3\n")
        && put(root, u"sys/class/thermal/thermal_zone0/type"_s, "cpu-thermal\n")
        && put(root, u"sys/class/thermal/thermal_zone0/temp"_s, "48312\n")
        && put(root, u"sys/devices/platform/soc/soc:firmware/get_throttled"_s, "0x50005\n");
}

} // namespace

class TestSystemReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void identityOfAPi()
    {
        QTemporaryDir root;
        QVERIFY(makePi(root));
        const NodeIdentity identity = SystemReader(root.path()).identity();
        QCOMPARE(identity.mac, u"dc:a6:32:01:02:03"_s); // eth0, the first real interface; never lo
        QCOMPARE(identity.interfaceName, u"eth0"_s);
        QCOMPARE(identity.hostname, u"s3-n2"_s);
        QCOMPARE(identity.model, u"Raspberry Pi 4 Model B Rev 1.4"_s);
        QCOMPARE(identity.serial, u"10000000abcdef01"_s);
        QCOMPARE(SystemReader(root.path()).identity(u"wlan0"_s).mac, u"dc:a6:32:01:02:04"_s);
        QVERIFY(SystemReader(root.path()).identity(u"eth9"_s).mac.isEmpty());
        QCOMPARE(identity.cores, 4);
        QCOMPARE(identity.toJson().value(u"cores"_s).toInt(), 4);
    }

    void coresFromTheKernelsList_data()
    {
        QTest::addColumn<QByteArray>("online");
        QTest::addColumn<int>("cores");
        QTest::newRow("pi 4") << QByteArray("0-3\n") << 4;
        QTest::newRow("one") << QByteArray("0\n") << 1;
        QTest::newRow("gaps") << QByteArray("0,2-3\n") << 3;
        QTest::newRow("garbage") << QByteArray("many\n") << 0;
        QTest::newRow("backwards") << QByteArray("3-0\n") << 0;
        QTest::newRow("empty") << QByteArray() << 0;
    }

    void coresFromTheKernelsList()
    {
        QFETCH(QByteArray, online);
        QFETCH(int, cores);
        QTemporaryDir root;
        QVERIFY(put(root, u"sys/devices/system/cpu/online"_s, online));
        const NodeIdentity identity = SystemReader(root.path()).identity();
        QCOMPARE(identity.cores, cores);
        QCOMPARE(identity.toJson().contains(u"cores"_s), cores > 0); // unknown is left out, not 0
    }

    void metricsOfAPi()
    {
        QTemporaryDir root;
        QVERIFY(makePi(root));
        SystemReader reader(root.path());
        const NodeMetrics first = reader.sample();
        QVERIFY(!first.cpuPercent); // one /proc/stat reading says nothing about a rate
        // 1000 more jiffies, 250 of them busy: 25 %.
        QVERIFY(put(root, u"proc/stat"_s, "cpu  1150 0 600 8750 500 0 0 0 0 0\n"));
        const NodeMetrics metrics = reader.sample();
        QVERIFY(metrics.cpuPercent);
        QCOMPARE(*metrics.cpuPercent, 25.0);
        QCOMPARE(metrics.temperatureCelsius, std::optional<double>(48.312));
        QCOMPARE(metrics.memoryTotalKiB, std::optional<qint64>(3884132));
        QCOMPARE(metrics.memoryAvailableKiB, std::optional<qint64>(3500000));
        QCOMPARE(metrics.load1, std::optional<double>(0.52));
        QCOMPARE(metrics.load15, std::optional<double>(0.30));
        QCOMPARE(metrics.uptimeSeconds, std::optional<double>(12345.67));
        QVERIFY(metrics.throttle);
        QVERIFY(metrics.throttle->underVoltageNow());
        QVERIFY(metrics.throttle->throttledNow());
        QVERIFY(!metrics.throttle->frequencyCappedNow());
        QVERIFY(metrics.throttle->underVoltageOccurred());
        QVERIFY(metrics.throttle->throttledOccurred());
        const QJsonObject json = metrics.toJson();
        QCOMPARE(json.value(u"throttled"_s).toObject().value(u"raw"_s).toString(), u"0x50005"_s);
        QCOMPARE(json.value(u"throttled"_s).toObject().value(u"under_voltage"_s).toBool(), true);
    }

    void machineWithoutThermalZoneOrFirmware()
    {
        QTemporaryDir root;
        QVERIFY(put(root, u"proc/stat"_s, "cpu  10 0 10 80 0 0 0 0\n"));
        QVERIFY(put(root, u"proc/loadavg"_s, "garbage\n"));
        QVERIFY(put(root, u"sys/class/thermal/cooling_device0/type"_s, "fan\n"));
        SystemReader reader(root.path());
        reader.sample();
        const NodeMetrics metrics = reader.sample();
        QVERIFY(!metrics.temperatureCelsius);
        QVERIFY(!metrics.throttle);
        QVERIFY(!metrics.load1);
        QVERIFY(!metrics.memoryTotalKiB);
        QVERIFY(!metrics.cpuPercent); // no time passed between the two readings
        const QJsonObject json = metrics.toJson();
        QCOMPARE(json.value(u"temperature_c"_s).toString(), u"unavailable"_s);
        QCOMPARE(json.value(u"throttled"_s).toString(), u"unavailable"_s);
        QCOMPARE(json.value(u"load1"_s).toString(), u"unavailable"_s);
        const NodeIdentity identity = reader.identity();
        QVERIFY(identity.mac.isEmpty());
        QVERIFY(identity.model.isEmpty());
    }

    void prefersTheSocZone()
    {
        QTemporaryDir root;
        QVERIFY(put(root, u"sys/class/thermal/thermal_zone0/type"_s, "acpitz\n"));
        QVERIFY(put(root, u"sys/class/thermal/thermal_zone0/temp"_s, "27800\n"));
        QVERIFY(put(root, u"sys/class/thermal/thermal_zone1/type"_s, "cpu-thermal\n"));
        QVERIFY(put(root, u"sys/class/thermal/thermal_zone1/temp"_s, "61000\n"));
        QCOMPARE(SystemReader(root.path()).sample().temperatureCelsius, std::optional<double>(61.0));
    }
};

QTEST_GUILESS_MAIN(TestSystemReader)
#include "tst_systemreader.moc"
