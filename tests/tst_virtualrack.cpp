// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// End to end on the virtual rack in network-namespace mode: real rackd, real dnsmasq, real udhcpc,
// real agents. Needs root; where namespaces are unavailable it skips, except in CI, where it fails.
// Past ~600 lines on purpose: one rack is built per test function, so the scenarios share this file.
#include "httpsfetch.h"
#include "virtualrackharness.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>
#include <csignal>

using namespace Qt::Literals::StringLiterals;

class TestVirtualRack : public QObject
{
    Q_OBJECT

    std::unique_ptr<VirtualRackHarness> m_harness;

    void requireNamespaces()
    {
        QString why;
        if (NamespaceNetwork::available(&why))
            return;
        if (qEnvironmentVariable("CI") == u"true")
            QFAIL(qPrintable(u"CI runs as root, so network namespaces must work here: "_s + why));
        QSKIP(qPrintable(u"needs root and network namespaces: "_s + why));
    }

    VirtualRackHarness &startRack(
        VirtualRackOptions options, const QByteArray &structure = smallVirtualRackFile())
    {
        m_harness = std::make_unique<VirtualRackHarness>();
        options.mode = VirtualRackOptions::Mode::Namespaces;
        QString error;
        const bool started = m_harness->start(options, &error, structure);
        if (!started)
            qWarning().noquote() << error;
        return *m_harness;
    }

    /// The real program, until it says it is ready; its output so far is in `output`.
    static bool launch(
        QProcess &process, const QString &structure, const QString &runDirectory, QByteArray *output)
    {
        process.setProcessChannelMode(QProcess::MergedChannels);
        QEventLoop loop;
        QObject::connect(&process, &QProcess::readyRead, &loop, [&] {
            *output += process.readAll();
            if (output->contains("virtual-rack: ready"))
                loop.quit();
        });
        QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        process.start(QStringLiteral(VIRTUAL_RACK_EXECUTABLE),
            {u"--structure"_s, structure, u"--run-dir"_s, runDirectory, u"--port"_s, u"0"_s, u"--http-port"_s,
                u"0"_s, u"--boot-delay"_s, u"200ms"_s, u"--heartbeat"_s, u"1s"_s});
        loop.exec();
        QObject::disconnect(&process, nullptr, &loop, nullptr);
        return output->contains("virtual-rack: ready");
    }

    /// Powers a stack on through the program's rackd and waits until its output says its Pis run.
    static bool powerOnStackOne(QProcess &process, const QString &runDirectory, QByteArray *output)
    {
        const QRegularExpressionMatch address
            = QRegularExpression(u"127\\.0\\.0\\.1:([0-9]+) \\(fingerprint (SHA256:[0-9a-f]+)\\)"_s)
                  .match(QString::fromUtf8(*output));
        QFile tokenFile(QDir(runDirectory).filePath(u"admin-token"_s));
        if (!address.hasMatch() || !tokenFile.open(QIODevice::ReadOnly))
            return false;
        RackClient client;
        QEventLoop loop;
        QObject::connect(&client, &RackClient::ready, &loop, &QEventLoop::quit);
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        client.connectToRack({u"127.0.0.1"_s, quint16(address.captured(1).toUInt()),
            QString::fromUtf8(tokenFile.readAll()).trimmed(), address.captured(2), u"test"_s});
        loop.exec();
        if (!client.isReady())
            return false;
        QObject::connect(&process, &QProcess::readyRead, &loop, [&] {
            *output += process.readAll();
            if (output->contains("Pis running: 3/6"))
                loop.quit();
        });
        client.request(u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {1}}},
            [](const Protocol::Reply &) {});
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        loop.exec();
        QObject::disconnect(&process, nullptr, &loop, nullptr);
        return output->contains("Pis running: 3/6");
    }

    /// A fresh rack for the staged install (every Pi calls itself "raspberrypi"), with its dead Pis.
    static VirtualRackOptions freshRack(const QSet<PiPlace> &dead, int verifyTimeoutSeconds)
    {
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.installed = false;
        options.deadPis = dead;
        options.rackdConfigLines
            = {u"install_settle_time = 1"_s, u"install_verify_timeout = %1"_s.arg(verifyTimeoutSeconds)};
        return options;
    }

    /// Starts a staged install with `params`; false, with rackd's reason in `why`, when refused.
    static bool startInstall(VirtualRackHarness &rack, const QJsonObject &params, QString *why)
    {
        const auto started = rack.call(u"install.start"_s, params);
        *why = !started ? u"no answer"_s : started->error ? started->error->message : QString();
        return started && !started->isError();
    }

    /// The install's anomalies, as rackd announced them (for a failure message).
    static QByteArray anomaliesOf(const VirtualRackHarness &rack)
    {
        return QJsonDocument(rack.install.value(u"anomalies"_s).toArray()).toJson();
    }

    static QString prefixIn(const QByteArray &output)
    {
        return QRegularExpression(u"(pvr[0-9a-f]{5})-m"_s).match(QString::fromUtf8(output)).captured(1);
    }

private Q_SLOTS:
    void cleanup()
    {
        const QStringList left = VirtualRackHarness::finish(m_harness);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
    }

    void interruptedOrKilledItLeavesNothingBehind()
    {
        requireNamespaces();
        QTemporaryDir dir;
        const QString structure = dir.filePath(u"rack.ini"_s), run = dir.filePath(u"run"_s);
        QVERIFY(writeFile(structure, smallVirtualRackFile()));

        // Ctrl-C: the Pis lose power, rackd stops, the network goes.
        QProcess interrupted;
        QByteArray output;
        QVERIFY2(launch(interrupted, structure, run, &output), output.constData());
        QVERIFY2(powerOnStackOne(interrupted, run, &output), output.constData());
        const QString firstPrefix = prefixIn(output);
        QCOMPARE(VirtualRackHarness::namespacesWith(firstPrefix).size(), 7);
        // rackd's Redfish service, inside the master's namespace, answers on this machine's loopback.
        const QRegularExpressionMatch redfish
            = QRegularExpression(u"Redfish on https://127\\.0\\.0\\.1:([0-9]+)/redfish/v1"_s)
                  .match(QString::fromUtf8(output));
        QVERIFY2(redfish.hasMatch(), output.constData());
        QFile tokenFile(QDir(run).filePath(u"admin-token"_s));
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        QNetworkAccessManager network;
        const QByteArray credentials = QByteArray("pirack:") + tokenFile.readAll().trimmed();
        const HttpsFetched system = httpsFetch(network, quint16(redfish.captured(1).toUInt()), "GET",
            u"/redfish/v1/Systems/s1-n1"_s,
            {{QByteArray("Authorization"), "Basic " + credentials.toBase64()}});
        QCOMPARE(system.status, 200);
        QCOMPARE(system.json()[u"PowerState"_s].toString(), u"On"_s);
        ::kill(pid_t(interrupted.processId()), SIGINT);
        QVERIFY(interrupted.waitForFinished(30000));
        QCOMPARE(interrupted.exitCode(), 0);
        QVERIFY(VirtualRackHarness::namespacesWith(firstPrefix).isEmpty());
        QVERIFY(VirtualRackHarness::processesUsing(run).isEmpty());

        // SIGKILL: nothing can be tidied, but every process it started dies with it...
        QProcess killed;
        output.clear();
        QVERIFY2(launch(killed, structure, run, &output), output.constData());
        QVERIFY2(powerOnStackOne(killed, run, &output), output.constData());
        const QString secondPrefix = prefixIn(output);
        QVERIFY(!VirtualRackHarness::processesUsing(run).isEmpty());
        const qint64 killedPid = killed.processId();
        killed.kill();
        QVERIFY(killed.waitForFinished(10000));
        QTRY_VERIFY_WITH_TIMEOUT(VirtualRackHarness::processesUsing(run).isEmpty(), 10000);
        QCOMPARE(VirtualRackHarness::namespacesWith(secondPrefix).size(), 7);

        // ...and the next virtual rack removes the namespaces it left, and only those.
        QProcess next;
        output.clear();
        QVERIFY2(launch(next, structure, run, &output), output.constData());
        QVERIFY2(output.contains(QByteArray(
                     "removed 7 namespaces of a virtual rack (pid " + QByteArray::number(killedPid))),
            output.constData());
        QVERIFY(VirtualRackHarness::namespacesWith(secondPrefix).isEmpty());
        const QString thirdPrefix = prefixIn(output);
        QCOMPARE(VirtualRackHarness::namespacesWith(thirdPrefix).size(), 7);
        ::kill(pid_t(next.processId()), SIGINT);
        QVERIFY(next.waitForFinished(30000));
        QVERIFY(VirtualRackHarness::namespacesWith(thirdPrefix).isEmpty());
        QVERIFY(VirtualRackHarness::processesUsing(run).isEmpty());
    }

    void aFailedStartRemovesWhatItMade()
    {
        requireNamespaces();
        QTemporaryDir dir;
        // A rackd that cannot start, found after the network was made.
        const QString bin = dir.filePath(u"bin"_s);
        QVERIFY(QDir().mkpath(bin));
        QVERIFY(QFile::link(QStringLiteral(AGENT_EXECUTABLE), QDir(bin).filePath(u"rack-agent"_s)));
        QVERIFY(QFile::link(QStringLiteral(RACKCTL_EXECUTABLE), QDir(bin).filePath(u"pirack-dhcp-script"_s)));
        QVERIFY(
            QFile::link(QFileInfo(QStringLiteral(VIRTUAL_RACK_EXECUTABLE)).dir().filePath(u"vrack-hook"_s),
                QDir(bin).filePath(u"vrack-hook"_s)));
        QVERIFY(writeFile(QDir(bin).filePath(u"rackd"_s),
            "#!/bin/sh\necho 'rackd: the state directory is broken' >&2\nexit 1\n"));
        QVERIFY(QFile::setPermissions(
            QDir(bin).filePath(u"rackd"_s), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.binaryDirectory = bin;
        options.mode = VirtualRackOptions::Mode::Namespaces;
        options.structureFile = dir.filePath(u"rack.ini"_s);
        options.runDirectory = dir.filePath(u"run"_s);
        QVERIFY(writeFile(options.structureFile, smallVirtualRackFile()));
        VirtualRack rack(options);
        QString error;
        QVERIFY(!rack.start(&error));
        QVERIFY2(error.contains(u"rackd: the state directory is broken"_s), qPrintable(error));
        QVERIFY(!rack.namespacePrefix().isEmpty());
        QVERIFY(VirtualRackHarness::namespacesWith(rack.namespacePrefix()).isEmpty());
        QVERIFY(VirtualRackHarness::processesUsing(options.runDirectory).isEmpty());
        QVERIFY(!QFile::exists(
            QDir(NamespaceNetwork::manifestDirectory()).filePath(rack.namespacePrefix() + u".json"_s)));
    }

    void powerOnGivesEveryPiALeaseAndAnAgent()
    {
        requireNamespaces();
        VirtualRackHarness &rack = startRack(VirtualRackHarness::quickOptions());
        QVERIFY(rack.client && rack.rack->usesNamespaces());
        QCOMPARE(rack.upCount(), 0);

        const auto reply = rack.power(u"on"_s, QJsonArray {1});
        QVERIFY(reply && !reply->isError());
        QVERIFY2(rack.waitUntil([&] { return rack.stackUp(1); }, 60000), "stack 1's agents did not come up");

        // dnsmasq's --dhcp-script (pirack-dhcp-script) told rackd of each lease.
        const auto rackdHeardOf = [&rack](const VirtualPi *pi) {
            return std::any_of(
                rack.dhcpEvents.cbegin(), rack.dhcpEvents.cend(), [pi](const HookMessage &event) {
                    return event.mac == pi->spec().nic.mac && event.action == u"lease"
                        && event.address == pi->spec().fixedAddress;
                });
        };
        QVERIFY2(rack.waitUntil(
                     [&] {
                         const QList<VirtualPi *> pis = rack.stackPis(1);
                         return std::all_of(pis.cbegin(), pis.cend(), rackdHeardOf);
                     },
                     20000),
            "rackd did not hear of every lease from dnsmasq's script");

        // dnsmasq leased each Pi of stack 1 its reserved address, and nothing to stack 2.
        QFile leases(rack.rack->dhcpLeaseFile());
        QVERIFY(leases.open(QIODevice::ReadOnly));
        const QByteArray leaseText = leases.readAll();
        for (const VirtualPi *pi : rack.stackPis(1)) {
            const QByteArray expected
                = pi->spec().nic.mac.toUtf8() + ' ' + pi->spec().fixedAddress.toString().toUtf8();
            QVERIFY2(leaseText.contains(expected), leaseText.constData());
            QCOMPARE(pi->state(), VirtualPi::State::Running);
            QCOMPARE(pi->address(), pi->spec().fixedAddress);
        }
        for (const VirtualPi *pi : rack.stackPis(2)) {
            QVERIFY(!rackdHeardOf(pi));
            QCOMPARE(pi->state(), VirtualPi::State::Off);
            QVERIFY(!leaseText.contains(pi->spec().nic.mac.toUtf8()));
        }
        // rackd placed them where the relay says they are.
        const auto nodes = rack.call(u"nodes"_s);
        QVERIFY(nodes && !nodes->isError());
        QCOMPARE(nodes->result.value(u"nodes"_s).toArray().size(), 3);
        for (const QJsonValue &node : nodes->result.value(u"nodes"_s).toArray())
            QCOMPARE(node[u"stack"_s].toInt(), 1);
    }

    void powerCycleTakesAgentsDownAndBack()
    {
        requireNamespaces();
        VirtualRackHarness &rack = startRack(VirtualRackHarness::quickOptions());
        QVERIFY(rack.client);
        QVERIFY(rack.powerOk(u"on"_s, QJsonArray {1}));
        QVERIFY(rack.waitUntil([&] { return rack.stackUp(1); }, 60000));
        QList<qint64> agentsBefore;
        for (const VirtualPi *pi : rack.stackPis(1))
            agentsBefore.append(pi->agentProcessId());

        rack.seenDown.clear();
        const auto reply = rack.power(u"cycle"_s, QJsonArray {1});
        QVERIFY(reply && !reply->isError());
        const auto allWentDownAndCameBack = [&] {
            for (const VirtualPi *pi : rack.stackPis(1)) {
                if (!rack.seenDown.contains(pi->spec().nic.mac))
                    return false;
            }
            return rack.stackUp(1);
        };
        QVERIFY2(rack.waitUntil(allWentDownAndCameBack, 60000), "the agents did not go down and come back");
        // New boots: new agent processes, the old ones were cut with the power.
        for (const VirtualPi *pi : rack.stackPis(1))
            QVERIFY(!agentsBefore.contains(pi->agentProcessId()));
    }

    void gracefulOffReportsAPiThatHangs()
    {
        requireNamespaces();
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.hangingPis = {PiPlace {1, 2}};
        VirtualRackHarness &rack = startRack(options);
        QVERIFY(rack.client);
        QVERIFY(rack.powerOk(u"on"_s, QJsonArray {1}));
        QVERIFY(rack.waitUntil([&] { return rack.stackUp(1); }, 60000));

        // Without force the stack stays on, and the reply names the Pi that did not halt.
        auto reply
            = rack.power(u"graceful-off"_s, QJsonArray {1}, {{u"timeout_s"_s, 4}, {u"settle_s"_s, 0.5}});
        QVERIFY(reply && reply->isError());
        QCOMPARE(reply->error->code, u"incomplete"_s);
        const QJsonObject stack = reply->error->details.value(u"stacks"_s).toArray().at(0).toObject();
        QCOMPARE(stack.value(u"cut"_s).toBool(), false);
        QCOMPARE(stack.value(u"relay"_s).toString(), u"on"_s);
        QHash<QString, QString> outcomes;
        for (const QJsonValue &node : stack.value(u"nodes"_s).toArray())
            outcomes.insert(node[u"name"_s].toString(), node[u"outcome"_s].toString());
        QCOMPARE(outcomes.value(u"s1-n1"_s), u"shut down"_s);
        QCOMPARE(outcomes.value(u"s1-n2"_s), u"timed out"_s);
        QCOMPARE(outcomes.value(u"s1-n3"_s), u"shut down"_s);
        QCOMPARE(rack.rack->pi(PiPlace {1, 1})->state(), VirtualPi::State::Halted);
        QCOMPARE(rack.rack->pi(PiPlace {1, 2})->state(), VirtualPi::State::ShuttingDown);
        QCOMPARE(rack.relayFile().value(u"channels"_s).toObject().value(u"1"_s).toBool(), true);

        // With force the relay goes off anyway, and the hanging Pi loses its power.
        reply = rack.power(u"graceful-off"_s, QJsonArray {1},
            {{u"timeout_s"_s, 2}, {u"settle_s"_s, 0.5}, {u"force"_s, true}});
        QVERIFY(reply && !reply->isError());
        QCOMPARE(reply->result.value(u"stacks"_s).toArray().at(0)[u"relay"_s].toString(), u"off"_s);
        QVERIFY(rack.waitUntil(
            [&] {
                return rack.rack->pi(PiPlace {1, 2})->state() == VirtualPi::State::Off;
            },
            10000));
        QCOMPARE(rack.relayFile().value(u"channels"_s).toObject().value(u"1"_s).toBool(), false);
    }

    void rackdKilledAndRestartedChangesNoRelayAndLosesNoNode()
    {
        requireNamespaces();
        VirtualRackHarness &rack = startRack(VirtualRackHarness::quickOptions());
        QVERIFY(rack.client);
        QVERIFY(rack.powerOk(u"on"_s, u"all"_s));
        QVERIFY(rack.waitUntil([&] { return rack.stackUp(1) && rack.stackUp(2); }, 60000));
        const QJsonObject relaysBefore = rack.relayFile();
        QCOMPARE(relaysBefore.value(u"transitions"_s).toInt(), 2);

        rack.rack->killRackd();
        QString error;
        QVERIFY2(rack.rack->startRackd(&error), qPrintable(error));
        QVERIFY2(rack.connect(&error), qPrintable(error));
        // Every agent finds the new rackd by itself.
        QVERIFY2(rack.waitUntil([&] { return rack.upCount() == 6; }, 60000),
            qPrintable(u"not every agent reconnected:\n"_s + rack.notUpReport()));
        QCOMPARE(rack.relayFile(), relaysBefore); // same states, not one more switch
        const auto nodes = rack.call(u"nodes"_s);
        QVERIFY(nodes && !nodes->isError());
        QCOMPARE(nodes->result.value(u"nodes"_s).toArray().size(), 6);
        for (const VirtualPi *pi : rack.rack->pis())
            QCOMPARE(pi->state(), VirtualPi::State::Running);
    }

    void stagedInstallOfAFreshRackThenAReplacedPi()
    {
        requireNamespaces();
        VirtualRackHarness &rack = startRack(freshRack({}, 90), installVirtualRackFile());
        QVERIFY(rack.client);
        QString why;
        QVERIFY2(startInstall(rack, {{u"stack_timeout_s"_s, 60}}, &why), qPrintable(why));
        QCOMPARE(rack.waitForInstall(300000), u"done"_s);
        QVERIFY2(rack.install.value(u"anomalies"_s).toArray().isEmpty(), anomaliesOf(rack).constData());
        for (int stack = 1; stack <= 4; ++stack) {
            QCOMPARE(rack.installStack(stack).value(u"status"_s).toString(), u"found"_s);
            QCOMPARE(rack.installStack(stack).value(u"verdict"_s).toString(), u"ok"_s);
        }
        // Every Pi is on its reserved address, with its agent up, placed in the slot that address is for.
        const auto nodes = rack.call(u"nodes"_s);
        QHash<QString, QJsonObject> byMac;
        for (const QJsonValue &node : nodes->result.value(u"nodes"_s).toArray())
            byMac.insert(node[u"mac"_s].toString(), node.toObject());
        for (const VirtualPi *pi : rack.rack->pis()) {
            const QJsonObject node = byMac.value(pi->spec().nic.mac);
            QCOMPARE(node.value(u"state"_s).toString(), u"up"_s);
            QCOMPARE(node.value(u"stack"_s).toInt(), pi->spec().place.stack);
            QVERIFY2(pi->state() == VirtualPi::State::Running,
                qPrintable(pi->name() + u" is "_s + VirtualPi::stateName(pi->state())));
            QCOMPARE(pi->address().toString(), node.value(u"address"_s).toString());
        }
        QCOMPARE(rack.install.value(u"checks"_s).toArray().size(), 12);

        // s2-n2 dies and a new Pi takes its place; the install gives it the old name and address. (Which
        // of stack 2's Pis is s2-n2 is the install's choice: the order they asked in.)
        PiPlace place;
        QString oldAddress;
        for (const VirtualPi *pi : rack.rack->pis()) {
            const QJsonObject node = byMac.value(pi->spec().nic.mac);
            if (node.value(u"stack"_s).toInt() == 2 && node.value(u"slot"_s).toInt() == 2) {
                place = pi->spec().place;
                oldAddress = node.value(u"address"_s).toString();
            }
        }
        QCOMPARE(oldAddress, u"10.78.0.15"_s);
        QString error;
        const QString newMac = rack.rack->replacePi(place, &error);
        QVERIFY2(!newMac.isEmpty(), qPrintable(error));
        const auto replace = rack.call(u"install.replace"_s, {{u"stack"_s, 2}, {u"slot"_s, 2}});
        QVERIFY2(replace && !replace->isError(),
            replace && replace->error ? qPrintable(replace->error->message) : "");
        const QString replaceId = replace->result.value(u"id"_s).toString();
        QVERIFY2(
            !replaceId.isEmpty(), qPrintable(QString::fromUtf8(QJsonDocument(replace->result).toJson())));
        const QString replaced = rack.waitForInstall(240000, replaceId);
        QVERIFY2(replaced == u"done"_s,
            qPrintable(u"the replace ended \"%1\": %2"_s.arg(replaced,
                QString::fromUtf8(QJsonDocument(rack.installStack(2)).toJson(QJsonDocument::Compact)))));
        QCOMPARE(rack.install.value(u"kind"_s).toString(), u"replace"_s);
        QCOMPARE(rack.installStack(2).value(u"verdict"_s).toString(), u"ok"_s);
        QCOMPARE(rack.installStack(2).value(u"macs"_s).toArray().at(0)[u"mac"_s].toString(), newMac);
        QCOMPARE(rack.rack->pi(place)->address().toString(), oldAddress);
        const auto after = rack.call(u"nodes"_s);
        bool placed = false;
        for (const QJsonValue &node : after->result.value(u"nodes"_s).toArray()) {
            if (node[u"mac"_s].toString() == newMac)
                placed = node[u"stack"_s].toInt() == 2 && node[u"slot"_s].toInt() == 2
                    && node[u"name"_s].toString() == u"s2-n2"_s;
        }
        QVERIFY(placed);
    }

    void installWithADeadPiAndADeadStack()
    {
        requireNamespaces();
        // Verification waits for the 8 Pis placed, not for the empty slots: well before this timeout.
        VirtualRackHarness &rack
            = startRack(freshRack({{2, 2}, {4, 1}, {4, 2}, {4, 3}}, 600), installVirtualRackFile());
        QVERIFY(rack.client);
        QString why;
        QVERIFY2(startInstall(rack, {{u"stack_timeout_s"_s, 10}}, &why), qPrintable(why));
        // Stack 2 shows two Pis of three: the operator takes them.
        QCOMPARE(rack.waitForInstall(120000), u"waiting-for-decision"_s);
        QCOMPARE(rack.install.value(u"current_stack"_s).toInt(), 2);
        QCOMPARE(rack.installStack(2).value(u"problem"_s).toString(), u"2 of 3 Pis found"_s);
        QVERIFY(!rack.call(u"install.decide"_s, {{u"decision"_s, u"accept"_s}})->isError());
        // Stack 4 shows nothing at all: skipped.
        QCOMPARE(rack.waitForInstall(120000), u"waiting-for-decision"_s);
        QCOMPARE(rack.install.value(u"current_stack"_s).toInt(), 4);
        QCOMPARE(rack.installStack(4).value(u"problem"_s).toString(), u"0 of 3 Pis found"_s);
        QVERIFY(!rack.call(u"install.decide"_s, {{u"decision"_s, u"skip"_s}})->isError());
        QCOMPARE(rack.waitForInstall(180000), u"done"_s);
        QCOMPARE(rack.installStack(1).value(u"verdict"_s).toString(), u"ok"_s);
        // Stack 2 is judged on the two Pis accepted; stack 4 has none to judge.
        QCOMPARE(rack.installStack(2).value(u"verdict"_s).toString(), u"ok"_s);
        QCOMPARE(rack.installStack(3).value(u"verdict"_s).toString(), u"ok"_s);
        QCOMPARE(rack.installStack(4).value(u"verdict"_s).toString(), u"empty"_s);
        // rackctl shows the same report, and the exported inventory has the 8 Pis that came up.
        QProcess rackctl;
        rackctl.start(QStringLiteral(RACKCTL_EXECUTABLE),
            {u"--port"_s, QString::number(rack.rack->port()), u"--host"_s, u"127.0.0.1"_s, u"--token-file"_s,
                rack.rack->adminTokenFile(), u"--trust-fingerprint"_s, rack.rack->fingerprint(),
                u"--known-racks"_s, rack.dir.filePath(u"known-racks.json"_s), u"install"_s, u"status"_s});
        // rackd is reached through this process's forwarder: wait in the event loop, not blocked.
        QEventLoop loop;
        QObject::connect(&rackctl, &QProcess::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(30000, &loop, &QEventLoop::quit);
        loop.exec();
        QCOMPARE(rackctl.state(), QProcess::NotRunning);
        QCOMPARE(rackctl.exitCode(), 0); // every stack ok, or empty by the operator's choice
        const QString report = QString::fromUtf8(rackctl.readAllStandardOutput());
        // The two Pis of stack 2 took its first slots, in the order they asked.
        const QStringList lines = report.split(u'\n');
        QVERIFY2(std::any_of(lines.cbegin(), lines.cend(),
                     [](const QString &line) {
                         return line.startsWith(u"s2-n3 "_s) && line.contains(u" 10.78.0.16 "_s)
                             && line.endsWith(u"empty slot (no Pi placed, not waited for)"_s);
                     }),
            qPrintable(report));
        QVERIFY2(report.contains(u"install done"_s), qPrintable(report));
        const auto inventory = rack.call(u"inventory"_s, {{u"format"_s, u"hosts"_s}});
        QCOMPARE(inventory->result.value(u"content"_s).toString().count(u"10.78.0."_s), 8);
    }

    /// A file of a virtual Pi's own root (its /etc, its /proc).
    static QString piFile(const VirtualPi *pi, const QString &relative)
    {
        QFile file(QDir(pi->spec().nic.directory).filePath(u"root/"_s + relative));
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
    }

    /// Every placed Pi calls itself by its node's name; the others still "raspberrypi".
    static void verifyPisKnowTheirNames(VirtualRackHarness &rack)
    {
        const auto nodes = rack.call(u"nodes"_s);
        QVERIFY(nodes && !nodes->isError());
        QHash<QString, QString> names;
        for (const QJsonValue &node : nodes->result.value(u"nodes"_s).toArray()) {
            if (node[u"stack"_s].toInt() > 0)
                names.insert(node[u"mac"_s].toString(), node[u"name"_s].toString());
        }
        QVERIFY(!names.isEmpty());
        for (const VirtualPi *pi : rack.rack->pis()) {
            const QString name = names.value(pi->spec().nic.mac, u"raspberrypi"_s);
            QVERIFY2(rack.waitUntil([&] { return piFile(pi, u"proc/sys/kernel/hostname"_s) == name; }, 30000),
                qPrintable(pi->name() + u" calls itself "_s + piFile(pi, u"proc/sys/kernel/hostname"_s)
                    + u", not "_s + name));
            QCOMPARE(piFile(pi, u"etc/hostname"_s), name);
            QVERIFY2(piFile(pi, u"etc/hosts"_s).endsWith(u"127.0.1.1\t"_s + name)
                    || (name == u"raspberrypi"
                        && piFile(pi, u"etc/hosts"_s).endsWith(u"127.0.1.1\t\traspberrypi"_s)),
                qPrintable(piFile(pi, u"etc/hosts"_s)));
        }
    }

    /**
     * Every Pi of a fresh rack sends the host name "raspberrypi", and already holds a lease from an
     * earlier power-on (dnsmasq says "old" when it asks again). The install takes a live stack, a
     * dead one (retried, then skipped), then two live ones: no false anomaly from dnsmasq moving the
     * name from Pi to Pi, and the install ends when the last placed Pi is up, not at its timeout.
     */
    void installAroundADeadStackWithPisThatKeepTheirLeases()
    {
        requireNamespaces();
        VirtualRackHarness &rack
            = startRack(freshRack({{3, 1}, {3, 2}, {3, 3}}, 600), installVirtualRackFile());
        QVERIFY(rack.client);
        QVERIFY(rack.powerOk(u"on"_s, u"all"_s));
        // Every live Pi has its lease, and rackd heard of each: dnsmasq runs its script one event at a
        // time, and the burst of a whole rack asking (with the name "raspberrypi" moving from Pi to Pi
        // each time) must be told before the install starts, or stack 1's Pis would be heard late.
        const auto heard = [&rack](const VirtualPi *pi) {
            return pi->spec().dead
                || std::any_of(
                    rack.dhcpEvents.cbegin(), rack.dhcpEvents.cend(), [pi](const HookMessage &event) {
                        return event.mac == pi->spec().nic.mac && event.action == u"lease";
                    });
        };
        QVERIFY2(rack.waitUntil(
                     [&] { return std::all_of(rack.rack->pis().cbegin(), rack.rack->pis().cend(), heard); },
                     120000),
            "rackd did not hear every live Pi ask for an address");
        QVERIFY(rack.powerOk(u"off"_s, u"all"_s));

        QString why;
        QVERIFY2(
            startInstall(rack, {{u"stack_timeout_s"_s, 20}, {u"stacks"_s, QJsonArray {1, 3, 2, 4}}}, &why),
            qPrintable(why));
        QCOMPARE(rack.waitForInstall(180000), u"waiting-for-decision"_s);
        QVERIFY2(rack.install.value(u"current_stack"_s).toInt() == 3,
            QJsonDocument(rack.installStack(rack.install.value(u"current_stack"_s).toInt()))
                .toJson()
                .constData());
        QCOMPARE(rack.installStack(3).value(u"problem"_s).toString(), u"0 of 3 Pis found"_s);
        QVERIFY(!rack.call(u"install.decide"_s, {{u"decision"_s, u"retry"_s}})->isError());
        QCOMPARE(rack.waitForInstall(180000), u"waiting-for-decision"_s);
        QCOMPARE(rack.installStack(3).value(u"attempts"_s).toInt(), 2);
        QVERIFY(!rack.call(u"install.decide"_s, {{u"decision"_s, u"skip"_s}})->isError());
        QCOMPARE(rack.waitForInstall(240000), u"done"_s);
        QVERIFY2(rack.install.value(u"anomalies"_s).toArray().isEmpty(), anomaliesOf(rack).constData());
        QVERIFY2(rack.install.value(u"error"_s).toString().isEmpty(),
            qPrintable(rack.install.value(u"error"_s).toString()));
        for (int stack : {1, 2, 4}) {
            QCOMPARE(rack.installStack(stack).value(u"status"_s).toString(), u"found"_s);
            QCOMPARE(rack.installStack(stack).value(u"verdict"_s).toString(), u"ok"_s);
        }
        QCOMPARE(rack.installStack(3).value(u"verdict"_s).toString(), u"empty"_s);
        verifyPisKnowTheirNames(rack);
    }

    /**
     * The install goes on through what a real master lives through: a stack retried (its Pis ask
     * again for the leases they just got), dnsmasq restarted while a stack is being discovered (it
     * re-announces every lease), and rackd killed and started again in the middle of another.
     */
    void installThroughRestartsOfRackdAndDnsmasq()
    {
        requireNamespaces();
        VirtualRackHarness &rack = startRack(freshRack({{1, 3}}, 600), installVirtualRackFile());
        QVERIFY(rack.client);
        QString why;
        QVERIFY2(startInstall(rack, {{u"stack_timeout_s"_s, 15}}, &why), qPrintable(why));
        // Stack 1 has a dead Pi: retried, its two live Pis count again, then accepted with them.
        QCOMPARE(rack.waitForInstall(120000), u"waiting-for-decision"_s);
        QCOMPARE(rack.installStack(1).value(u"problem"_s).toString(), u"2 of 3 Pis found"_s);
        QVERIFY(!rack.call(u"install.decide"_s, {{u"decision"_s, u"retry"_s}})->isError());
        QCOMPARE(rack.waitForInstall(120000), u"waiting-for-decision"_s);
        QCOMPARE(rack.installStack(1).value(u"attempts"_s).toInt(), 2);
        QCOMPARE(rack.installStack(1).value(u"problem"_s).toString(), u"2 of 3 Pis found"_s);
        QVERIFY(!rack.call(u"install.decide"_s, {{u"decision"_s, u"accept"_s}})->isError());

        // dnsmasq restarts while stack 2 is being discovered.
        QVERIFY(rack.waitUntil(
            [&] { return rack.installStack(2).value(u"status"_s).toString() == u"collecting"; }, 60000));
        QString error;
        QVERIFY2(rack.rack->network()->restartDhcpServer(&error), qPrintable(error));
        // rackd dies while stack 3 is being discovered, and resumes the install when it is back.
        QVERIFY(rack.waitUntil(
            [&] { return rack.installStack(3).value(u"status"_s).toString() == u"collecting"; }, 120000));
        rack.rack->killRackd();
        QVERIFY2(rack.rack->startRackd(&error), qPrintable(error));
        QVERIFY2(rack.connect(&error), qPrintable(error));
        const auto status = rack.call(u"install.status"_s);
        QVERIFY(status && !status->isError());
        rack.install = status->result;
        QCOMPARE(rack.waitForInstall(300000), u"done"_s);
        QVERIFY2(rack.install.value(u"anomalies"_s).toArray().isEmpty(), anomaliesOf(rack).constData());
        QVERIFY2(rack.install.value(u"error"_s).toString().isEmpty(),
            qPrintable(rack.install.value(u"error"_s).toString()));
        const QJsonArray warnings = rack.install.value(u"warnings"_s).toArray();
        QVERIFY2(
            std::any_of(warnings.begin(), warnings.end(),
                [](const QJsonValue &warning) { return warning.toString().contains(u"rackd restarted"_s); }),
            QJsonDocument(warnings).toJson().constData());
        QCOMPARE(rack.installStack(1).value(u"status"_s).toString(), u"accepted"_s);
        for (int stack = 1; stack <= 4; ++stack)
            QCOMPARE(rack.installStack(stack).value(u"verdict"_s).toString(), u"ok"_s); // stack 1: its 2 Pis
        int waitedFor = 0;
        for (const QJsonValue &check : rack.install.value(u"checks"_s).toArray())
            waitedFor += check[u"mac"_s].toString().isEmpty() ? 0 : 1;
        QCOMPARE(waitedFor, 11);
        verifyPisKnowTheirNames(rack);
    }

    void wholeRackComesUpStaggered()
    {
        requireNamespaces();
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.structureFile = QStringLiteral(PIRACK_SOURCE_DIR "/structure_rack.ini");
        options.heartbeatInterval = std::chrono::milliseconds(2000);
        VirtualRackHarness &rack = startRack(options);
        QVERIFY(rack.client);
        QCOMPARE(rack.rack->pis().size(), 48);
        QElapsedTimer clock;
        clock.start();
        const auto reply = rack.power(u"on"_s, u"all"_s);
        QVERIFY(reply && !reply->isError());
        // 12 stacks 2 s apart, then a boot and a DHCP exchange: well within two minutes.
        QVERIFY2(rack.waitUntil([&] { return rack.upCount() == 48; }, 120000),
            qPrintable(u"only %1 of 48 agents up"_s.arg(rack.upCount())));
        qInfo() << "all 48 agents up" << clock.elapsed() << "ms after the staggered power-on began";
        QCOMPARE(rack.relayFile().value(u"transitions"_s).toInt(), 12);
    }
};

QTEST_GUILESS_MAIN(TestVirtualRack)
#include "tst_virtualrack.moc"
