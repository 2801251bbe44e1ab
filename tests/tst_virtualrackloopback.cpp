// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// End to end on the virtual rack in loopback mode, which any user can run: the same rackd and
// agents, each agent on its own 127.x address, DHCP events played to the DHCP script.
#include "virtualrackharness.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestVirtualRackLoopback : public QObject
{
    Q_OBJECT

    std::unique_ptr<VirtualRackHarness> m_harness;

    VirtualRackHarness &startRack(VirtualRackOptions options)
    {
        m_harness = std::make_unique<VirtualRackHarness>();
        options.mode = VirtualRackOptions::Mode::Loopback;
        QString error;
        if (!m_harness->start(options, &error))
            qWarning().noquote() << error;
        return *m_harness;
    }

    static QString nodeName(const VirtualRackHarness &rack, PiPlace place)
    {
        return rack.rack->pi(place)->spec().fixedName;
    }

private Q_SLOTS:
    void cleanup()
    {
        const QStringList left = VirtualRackHarness::finish(m_harness);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
    }

    void pisFollowTheirRelayAndTheirOs()
    {
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.deadPis = {PiPlace {2, 1}};
        VirtualRackHarness &rack = startRack(options);
        QVERIFY(rack.client);
        QVERIFY(rack.rack->modeDescription().startsWith(u"loopback mode"_s));

        QVERIFY(rack.powerOk(u"on"_s, u"all"_s));
        const auto othersUp = [&] {
            int up = 0;
            for (const VirtualPi *pi : rack.rack->pis())
                up += rack.nodeStates.value(pi->spec().nic.mac) == u"up" ? 1 : 0;
            return up == 5;
        };
        QVERIFY2(rack.waitUntil(othersUp, 60000), "five live Pis should be up");
        QCOMPARE(rack.rack->pi(PiPlace {2, 1})->state(), VirtualPi::State::Dead);
        QVERIFY(!rack.nodeStates.contains(rack.rack->pi(PiPlace {2, 1})->spec().nic.mac));

        // The DHCP script heard of each lease as dnsmasq would tell it: add, MAC, reserved address, name.
        QVERIFY(rack.waitUntil([&] { return rack.dhcpEvents.size() == 5; }, 10000));
        for (const HookMessage &event : std::as_const(rack.dhcpEvents)) {
            QCOMPARE(event.action, u"lease"_s); // dnsmasq's "add", as rackd publishes it
            bool matched = false;
            for (const VirtualPi *pi : rack.rack->pis())
                matched |= pi->spec().nic.mac == event.mac && pi->spec().fixedAddress == event.address
                    && pi->spec().fixedName == event.hostname;
            QVERIFY2(matched, qPrintable(event.mac));
        }

        // Each agent connects from its own 127.x address: 127.77.0.N for 10.77.0.N.
        QProcess ss;
        ss.start(
            u"ss"_s, {u"-Htn"_s, u"state"_s, u"established"_s, u"( dport = :%1 )"_s.arg(rack.rack->port())});
        QVERIFY(ss.waitForFinished(10000));
        const QByteArray sockets = ss.readAllStandardOutput();
        for (const VirtualPi *pi : rack.rack->pis()) {
            if (pi->state() != VirtualPi::State::Running)
                continue;
            const QString local = u"127.77.0.%1:"_s.arg(pi->spec().fixedAddress.toIPv4Address() & 0xff);
            QVERIFY2(sockets.contains(local.toUtf8()),
                qPrintable(local + u" not in\n"_s + QString::fromUtf8(sockets)));
        }

        // shutdown halts a Pi until its power is cycled; reboot brings one back by itself.
        const QString halted = nodeName(rack, {1, 1}), rebooted = nodeName(rack, {1, 2});
        rack.seenDown.clear();
        auto reply
            = rack.call(u"exec"_s, {{u"action"_s, u"shutdown"_s}, {u"targets"_s, QJsonArray {halted}}});
        QVERIFY(reply);
        QVERIFY2(!reply->isError(), qPrintable(reply->error ? reply->error->message : QString()));
        reply = rack.call(u"exec"_s, {{u"action"_s, u"reboot"_s}, {u"targets"_s, QJsonArray {rebooted}}});
        QVERIFY(reply);
        QVERIFY2(!reply->isError(), qPrintable(reply->error ? reply->error->message : QString()));
        const QString haltedMac = rack.rack->pi(PiPlace {1, 1})->spec().nic.mac;
        const QString rebootedMac = rack.rack->pi(PiPlace {1, 2})->spec().nic.mac;
        QVERIFY(rack.waitUntil(
            [&] {
                return rack.rack->pi(PiPlace {1, 1})->state() == VirtualPi::State::Halted
                    && rack.nodeStates.value(haltedMac) == u"down" && rack.seenDown.contains(rebootedMac)
                    && rack.nodeStates.value(rebootedMac) == u"up";
            },
            30000));

        QVERIFY(rack.powerOk(u"cycle"_s, QJsonArray {1}));
        QVERIFY2(rack.waitUntil([&] { return rack.stackUp(1); }, 60000),
            "the halted Pi should boot after a cycle");
    }

    void aSlowPiBootsLater()
    {
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.slowPis = {PiPlace {1, 3}};
        options.slowBootExtra = std::chrono::milliseconds(10000);
        VirtualRackHarness &rack = startRack(options);
        QVERIFY(rack.client);
        QVERIFY(rack.powerOk(u"on"_s, QJsonArray {1}));
        const QString slow = rack.rack->pi(PiPlace {1, 3})->spec().nic.mac;
        QVERIFY(rack.waitUntil([&] { return rack.upCount() == 2; }, 30000));
        QCOMPARE(rack.rack->pi(PiPlace {1, 3})->state(), VirtualPi::State::Booting);
        QVERIFY(!rack.nodeStates.contains(slow));
        QVERIFY(rack.waitUntil([&] { return rack.stackUp(1); }, 30000));
    }

    void faultsLookToRackdAsTheyWouldOnARealPi()
    {
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.underVoltagePis = {PiPlace {1, 2}};
        options.crashingAgentPis = {PiPlace {2, 1}};
        options.faultAfter = std::chrono::milliseconds(3000);
        VirtualRackHarness &rack = startRack(options);
        QVERIFY(rack.client);
        QVERIFY(rack.powerOk(u"on"_s, u"all"_s));
        QVERIFY(rack.waitUntil([&] { return rack.stackUp(1) && rack.stackUp(2); }, 60000));

        // --undervoltage: the firmware's flags reach rackd with the heartbeats.
        const auto throttled = [&](PiPlace place) {
            const auto nodes = rack.call(u"nodes"_s);
            for (const QJsonValue &node : nodes ? nodes->result.value(u"nodes"_s).toArray() : QJsonArray()) {
                if (node[u"mac"_s].toString() == rack.rack->pi(place)->spec().nic.mac)
                    return node[u"metrics"_s][u"throttled"_s][u"under_voltage"_s].toBool();
            }
            return false;
        };
        QVERIFY(rack.waitUntil([&] { return throttled(PiPlace {1, 2}); }, 10000));
        QVERIFY(!throttled(PiPlace {1, 1}));

        // --crash-agent: the agent dies, the Pi runs on, and its agent comes back by itself.
        const QString crashing = rack.rack->pi(PiPlace {2, 1})->spec().nic.mac;
        QVERIFY2(
            rack.waitUntil([&] { return rack.seenDown.contains(crashing); }, 30000), "the agent did not die");
        QCOMPARE(rack.rack->pi(PiPlace {2, 1})->state(), VirtualPi::State::Running);
        QVERIFY2(rack.waitUntil([&] { return rack.nodeStates.value(crashing) == u"up"; }, 30000),
            "the agent did not come back");

        // A freeze (--hang, or freeze() here): rackd sees the heartbeats stop, not a disconnection.
        VirtualPi *frozen = rack.rack->pi(PiPlace {1, 1});
        const QString mac = frozen->spec().nic.mac;
        QVERIFY(frozen->freeze());
        QCOMPARE(frozen->state(), VirtualPi::State::Frozen);
        QVERIFY2(
            rack.waitUntil([&] { return rack.nodeStates.value(mac) == u"down"; }, 30000), "no one noticed");
        QFile log(rack.rack->rackdLogFile());
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArray lines = log.readAll();
        const QByteArray expected = QByteArray("node ") + mac.toLatin1() + " down: no heartbeat for";
        QVERIFY2(lines.contains(expected), lines.right(2000).constData());
        QVERIFY(!frozen->freeze());
        // Only its power brings it back.
        QVERIFY(rack.powerOk(u"cycle"_s, QJsonArray {1}));
        QVERIFY2(rack.waitUntil([&] { return rack.nodeStates.value(mac) == u"up"; }, 60000),
            "it did not come back");
        QCOMPARE(frozen->state(), VirtualPi::State::Running);
    }

    void vrackHookRecordsLeasesWhenItIsTheDhcpScript()
    {
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.dhcpScript = QStringLiteral(HOOK_EXECUTABLE);
        VirtualRackHarness &rack = startRack(options);
        QVERIFY(rack.client);
        QSignalSpy recorded(rack.rack.get(), &VirtualRack::dhcpEvent);
        QVERIFY(rack.powerOk(u"on"_s, QJsonArray {1}));
        QVERIFY(rack.waitUntil([&] { return recorded.count() == 3; }, 30000));
        for (const QList<QVariant> &arguments : std::as_const(recorded)) {
            const HookMessage message = arguments.at(0).value<HookMessage>();
            QCOMPARE(message.action, u"add"_s);
            const VirtualPi *pi = nullptr;
            for (const VirtualPi *candidate : rack.stackPis(1))
                pi = candidate->spec().nic.mac == message.mac ? candidate : pi;
            QVERIFY2(pi, qPrintable(message.mac));
            QCOMPARE(message.address, pi->spec().fixedAddress);
        }
        QFile log(QDir(rack.runDirectory).filePath(u"logs/dhcp-events.log"_s));
        QVERIFY(log.open(QIODevice::ReadOnly));
        QCOMPARE(log.readAll().count('\n'), 3);
        QVERIFY(rack.dhcpEvents.isEmpty()); // rackd heard nothing: the recorder was the script
    }

    void aFreshRackHasNeitherPlacesNorReservations()
    {
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.installed = false;
        VirtualRackHarness &rack = startRack(options);
        QVERIFY(rack.client);
        QVERIFY(rack.powerOk(u"on"_s, QJsonArray {2}));
        QVERIFY(rack.waitUntil([&] { return rack.upCount() == 3; }, 60000));
        QVERIFY(rack.waitUntil([&] { return rack.dhcpEvents.size() == 3; }, 10000));
        for (const HookMessage &event : std::as_const(rack.dhcpEvents)) {
            QCOMPARE(event.hostname, u"raspberrypi"_s); // the image's default name
            QVERIFY2(event.address.toIPv4Address() >= QHostAddress(u"10.77.0.17"_s).toIPv4Address(),
                qPrintable(event.address.toString())); // from the pool, after the 6 fixed addresses
        }
        const auto nodes = rack.call(u"nodes"_s);
        QVERIFY(nodes && !nodes->isError());
        for (const QJsonValue &node : nodes->result.value(u"nodes"_s).toArray())
            QVERIFY2(!node.toObject().contains(u"stack"_s) || node[u"stack"_s].isNull(),
                "nothing is placed before an install");
    }
};

QTEST_GUILESS_MAIN(TestVirtualRackLoopback)
#include "tst_virtualrackloopback.moc"
