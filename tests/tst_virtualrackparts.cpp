// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The virtual rack's parts that need no network: its options, the messages from its hooks, the
// DHCP pool, the virtual Pis' MACs and their /proc and /sys fixtures.
#include "dhcppool.h"
#include "hookmessage.h"
#include "pifixture.h"
#include "structure/structurereader.h"
#include "virtualrack.h"
#include "virtualrackoptions.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;

class TestVirtualRackParts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsEveryOption()
    {
        QString error;
        const auto options = VirtualRackOptions::fromArguments(
            {u"--structure"_s, u"/r/rack.ini"_s, u"--run-dir"_s, u"/tmp/run"_s, u"--mode"_s, u"loopback"_s,
                u"--port"_s, u"0"_s, u"--http-port"_s, u"8443"_s, u"--boot-delay"_s, u"500ms"_s,
                u"--boot-jitter"_s, u"2"_s, u"--shutdown-time"_s, u"1.5s"_s, u"--heartbeat"_s, u"1s"_s,
                u"--slow-extra"_s, u"1m"_s, u"--dead"_s, u"2:3,4:1"_s, u"--slow"_s, u"1:1"_s,
                u"--hang-on-shutdown"_s, u"3:2"_s, u"--hang"_s, u"1:2"_s, u"--crash-agent"_s, u"2:2"_s,
                u"--undervoltage"_s, u"4:1"_s, u"--fault-after"_s, u"45s"_s, u"--fresh"_s, u"--dhcp-script"_s,
                u"/bin/true"_s, u"--rackd-config"_s, u"install_verify_timeout = 20"_s, u"--agent-bin"_s,
                u"/opt/arm64/rack-agent"_s, u"--agent-wrapper"_s,
                u"qemu-aarch64-static -L \"/usr/aarch64 gnu\""_s},
            &error);
        QVERIFY2(options, qPrintable(error));
        QCOMPARE(options->structureFile, u"/r/rack.ini"_s);
        QCOMPARE(options->runDirectory, u"/tmp/run"_s);
        QCOMPARE(options->mode, VirtualRackOptions::Mode::Loopback);
        QCOMPARE(options->port, quint16(0));
        QCOMPARE(options->httpPort, std::optional<quint16>(8443));
        QCOMPARE(options->bootDelay, milliseconds(500));
        QCOMPARE(options->bootJitter, milliseconds(2000));
        QCOMPARE(options->shutdownTime, milliseconds(1500));
        QCOMPARE(options->heartbeatInterval, milliseconds(1000));
        QCOMPARE(options->slowBootExtra, milliseconds(60000));
        QCOMPARE(options->deadPis, (QSet<PiPlace> {{2, 3}, {4, 1}}));
        QCOMPARE(options->slowPis, (QSet<PiPlace> {{1, 1}}));
        QCOMPARE(options->hangingPis, (QSet<PiPlace> {{3, 2}}));
        QCOMPARE(options->freezingPis, (QSet<PiPlace> {{1, 2}}));
        QCOMPARE(options->crashingAgentPis, (QSet<PiPlace> {{2, 2}}));
        QCOMPARE(options->underVoltagePis, (QSet<PiPlace> {{4, 1}}));
        QCOMPARE(options->faultAfter, milliseconds(45000));
        QVERIFY(!options->installed);
        QCOMPARE(options->dhcpScript, u"/bin/true"_s);
        QCOMPARE(options->rackdConfigLines, QStringList {u"install_verify_timeout = 20"_s});
        QCOMPARE(options->agentProgram, u"/opt/arm64/rack-agent"_s);
        QCOMPARE(
            options->agentWrapper, (QStringList {u"qemu-aarch64-static"_s, u"-L"_s, u"/usr/aarch64 gnu"_s}));
    }

    void refusesBadOptions_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("error");
        const QStringList base {u"--structure"_s, u"r.ini"_s, u"--run-dir"_s, u"run"_s};
        QTest::newRow("missing") << QStringList {u"--structure"_s, u"r.ini"_s}
                                 << u"--structure and --run-dir are required"_s;
        QTest::newRow("mode") << base + QStringList {u"--mode"_s, u"docker"_s}
                              << u"--mode: \"docker\" is not auto, namespaces or loopback"_s;
        QTest::newRow("port") << base + QStringList {u"--port"_s, u"70000"_s}
                              << u"--port: \"70000\" is not a port (0 to 65535)"_s;
        QTest::newRow("http port") << base + QStringList {u"--http-port"_s, u"https"_s}
                                   << u"--http-port: \"https\" is not a port (0 to 65535)"_s;
        QTest::newRow("duration") << base + QStringList {u"--boot-delay"_s, u"soon"_s}
                                  << u"--boot-delay: \"soon\" is not a duration (like 500ms, 3s or 2m)"_s;
        QTest::newRow("heartbeat") << base + QStringList {u"--heartbeat"_s, u"10ms"_s}
                                   << u"--heartbeat: at least 100ms"_s;
        QTest::newRow("place") << base + QStringList {u"--dead"_s, u"2-3"_s}
                               << u"--dead: \"2-3\" is not a Pi's place STACK:SLOT (like 2:3)"_s;
        QTest::newRow("zero") << base + QStringList {u"--slow"_s, u"0:1"_s}
                              << u"--slow: \"0:1\" is not a Pi's place STACK:SLOT (like 2:3)"_s;
        QTest::newRow("unknown") << base + QStringList {u"--turbo"_s, u"1"_s} << u"unknown option --turbo"_s;
        QTest::newRow("config line") << base + QStringList {u"--rackd-config"_s, u"verbose"_s}
                                     << u"--rackd-config: \"verbose\" is not one \"key = value\" line"_s;
        QTest::newRow("empty wrapper")
            << base + QStringList {u"--agent-wrapper"_s, u" "_s}
            << u"--agent-wrapper: give a program, such as \"qemu-aarch64-static -cpu cortex-a72\""_s;
        QTest::newRow("no value") << base + QStringList {u"--port"_s} << u"--port needs a value"_s;
        QTest::newRow("stray") << base + QStringList {u"rack.ini"_s} << u"unexpected argument \"rack.ini\""_s;
    }

    void refusesBadOptions()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, error);
        QString message;
        QVERIFY(!VirtualRackOptions::fromArguments(arguments, &message));
        QCOMPARE(message, error);
    }

    void hookMessagesRoundTrip()
    {
        HookMessage bound;
        bound.kind = HookMessage::Kind::Bound;
        bound.pi = u"s1-n2"_s;
        bound.address = QHostAddress(u"10.42.0.12"_s);
        bound.prefixLength = 24;
        QString error;
        auto back = HookMessage::fromJson(bound.toJson(), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->pi, u"s1-n2"_s);
        QCOMPARE(back->address, bound.address);
        QCOMPARE(back->prefixLength, 24);

        HookMessage lease;
        lease.kind = HookMessage::Kind::Dhcp;
        lease.action = u"add"_s;
        lease.mac = u"02:aa:bb:cc:dd:ee"_s;
        lease.address = QHostAddress(u"10.42.0.60"_s);
        lease.hostname = u"raspberrypi"_s;
        back = HookMessage::fromJson(lease.toJson(), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->kind, HookMessage::Kind::Dhcp);
        QCOMPARE(back->mac, lease.mac);
        QCOMPARE(back->hostname, lease.hostname);
    }

    void hookMessagesAreChecked_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("event") << QJsonObject {{u"event"_s, u"format-disk"_s}}
                               << u"unknown event \"format-disk\""_s;
        QTest::newRow("pi") << QJsonObject {{u"event"_s, u"shutdown"_s}, {u"pi"_s, u"../etc"_s}}
                            << u"\"../etc\" is not a Pi's name"_s;
        QTest::newRow("ip") << QJsonObject {{u"event"_s, u"bound"_s}, {u"pi"_s, u"s1-n1"_s},
            {u"ip"_s, u"10.0.0"_s}}
                            << u"\"10.0.0\" is not an IPv4 address"_s;
        QTest::newRow("prefix") << QJsonObject {{u"event"_s, u"bound"_s}, {u"pi"_s, u"s1-n1"_s},
            {u"ip"_s, u"10.0.0.1"_s}, {u"prefix"_s, 33}}
                                << u"the prefix length must be from 1 to 32"_s;
        QTest::newRow("action") << QJsonObject {{u"event"_s, u"dhcp"_s}, {u"ip"_s, u"10.0.0.1"_s},
            {u"action"_s, u"tftp"_s}}
                                << u"\"tftp\" is not a lease action (add, old or del)"_s;
        QTest::newRow("mac") << QJsonObject {{u"event"_s, u"dhcp"_s}, {u"ip"_s, u"10.0.0.1"_s},
            {u"action"_s, u"add"_s}, {u"mac"_s, u"02:aa"_s}}
                             << u"\"02:aa\" is not a MAC address"_s;
        QTest::newRow("hostname") << QJsonObject {{u"event"_s, u"dhcp"_s}, {u"ip"_s, u"10.0.0.1"_s},
            {u"action"_s, u"add"_s}, {u"mac"_s, u"02:aa:bb:cc:dd:ee"_s}, {u"hostname"_s, u"a;rm -rf /"_s}}
                                  << u"\"a;rm -rf /\" is not a host name"_s;
    }

    void hookMessagesAreChecked()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, error);
        QString message;
        QVERIFY(!HookMessage::fromJson(json, &message));
        QCOMPARE(message, error);
    }

    void dhcpPoolFollowsTheFixedAddresses()
    {
        const StructureLoadResult loaded
            = StructureReader::readFile(QStringLiteral(PIRACK_SOURCE_DIR "/structure_rack.ini"));
        QVERIFY(loaded.structure);
        QString error;
        const std::optional<DhcpPool> pool = DhcpPool::forStructure(*loaded.structure, &error);
        QVERIFY2(pool, qPrintable(error));
        QCOMPARE(pool->first, QHostAddress(u"10.42.0.59"_s)); // after .11 to .58
        QCOMPARE(pool->last, QHostAddress(u"10.42.0.254"_s));
        QCOMPARE(pool->netmask, QHostAddress(u"255.255.255.0"_s));
        QVERIFY(!pool->contains(QHostAddress(u"10.42.0.58"_s)));

        RackStructure tight = *loaded.structure;
        tight.addressing.prefixLength = 26; // 10.42.0.0 to .63: no room for 48 more
        QVERIFY(!DhcpPool::forStructure(tight, &error));
        QVERIFY2(error.contains(u"no room"_s), qPrintable(error));
    }

    void macsAreFixedDistinctAndLocal()
    {
        QSet<QString> seen;
        static const QRegularExpression local(u"^02(:[0-9a-f]{2}){5}$"_s);
        for (int stack = 1; stack <= 40; ++stack) {
            for (int slot = 1; slot <= 25; ++slot) {
                const QString mac = VirtualRack::macFor({stack, slot});
                QVERIFY2(local.match(mac).hasMatch(), qPrintable(mac));
                seen.insert(mac);
            }
        }
        QCOMPARE(seen.size(), 1000);
        QCOMPARE(VirtualRack::macFor({3, 2}), VirtualRack::macFor({3, 2}));
        // A replacement Pi for a place has a MAC of its own, also local.
        const QString replacement = VirtualRack::macFor({3, 2}, 1);
        QVERIFY(local.match(replacement).hasMatch());
        QVERIFY(!seen.contains(replacement));
        QVERIFY(replacement != VirtualRack::macFor({3, 2}, 2));
    }

    void fixtureLooksLikeAPiAndMoves()
    {
        QTemporaryDir dir;
        PiFixture fixture(dir.path(), u"02:11:22:33:44:55"_s, u"s1-n1"_s, 7);
        QString error;
        QVERIFY2(fixture.write(&error), qPrintable(error));
        const auto read = [&](const QString &name) {
            QFile file(QDir(dir.path()).filePath(name));
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        };
        QCOMPARE(read(u"sys/class/net/eth0/address"_s), QByteArray("02:11:22:33:44:55\n"));
        QVERIFY(read(u"proc/device-tree/model"_s).startsWith("Raspberry Pi 4"));
        QCOMPARE(read(u"proc/uptime"_s).split(' ').value(0), QByteArray("0.00"));
        fixture.advance(10, 0.5);
        QCOMPARE(read(u"proc/uptime"_s).split(' ').value(0), QByteArray("10.00"));
        // 10 s x 4 cores x 100 jiffies, half busy.
        QCOMPARE(read(u"proc/stat"_s), QByteArray("cpu  2000 0 0 2000 0 0 0 0 0 0\n"));
        fixture.boot();
        QCOMPARE(read(u"proc/uptime"_s).split(' ').value(0), QByteArray("0.00"));
    }
};

QTEST_GUILESS_MAIN(TestVirtualRackParts)
#include "tst_virtualrackparts.moc"
