// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// Graceful off: shut the Pis of a stack down, wait until they are gone, then cut the relay.
#include "agent.h"
#include "rackdfixture.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestGracefulOff : public QObject
{
    Q_OBJECT

private:
    struct Node
    {
        QString mac;
        int stack;
        int slot;
        bool hangsOnShutdown;
        std::unique_ptr<Agent> agent;
        QString haltMarker;
    };

    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;
    std::vector<Node> m_nodes;
    QTimer m_powerCut; // plays the Pis: a node whose shutdown ran goes away, unless it hangs

    std::optional<Protocol::Reply> admin(
        const QString &method, const QJsonObject &params, int timeoutMs = 30000)
    {
        RackClient client;
        if (!connectClient(client, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready)
            return std::nullopt;
        return call(client, method, params, timeoutMs);
    }

    QJsonObject stackResult(const Protocol::Reply &reply, int stack)
    {
        const QJsonObject details = reply.isError() ? reply.error->details : reply.result;
        for (const QJsonValue &value : details.value(u"stacks"_s).toArray()) {
            if (value.toObject().value(u"id"_s).toInt() == stack)
                return value.toObject();
        }
        return {};
    }

    QString outcomeOf(const QJsonObject &stack, const QString &name)
    {
        for (const QJsonValue &value : stack.value(u"nodes"_s).toArray()) {
            if (value.toObject().value(u"name"_s).toString() == name)
                return value.toObject().value(u"outcome"_s).toString();
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
        const auto secret = m_daemon->nodeManager()->joinSecrets()->create(
            std::chrono::seconds(600), 3, u"test"_s, QDateTime::currentDateTimeUtc(), &error);
        const JoinString join {u"127.0.0.1"_s, m_daemon->port(), m_daemon->fingerprint(), *secret};
        m_nodes.push_back({u"b8:27:eb:10:00:01"_s, 1, 1, false, nullptr, {}});
        m_nodes.push_back({u"b8:27:eb:10:00:02"_s, 1, 2, true, nullptr, {}});
        m_nodes.push_back({u"b8:27:eb:10:00:03"_s, 2, 1, false, nullptr, {}});
        int connected = 0;
        for (Node &node : m_nodes) {
            const QString root = m_fixture.path(node.mac.right(2));
            QDir().mkpath(root + u"/sys/class/net/eth0"_s);
            writeFile(root + u"/sys/class/net/eth0/address"_s, node.mac.toLatin1());
            node.haltMarker = root + u"/halted"_s;
            AgentConfig config;
            config.credentialFile = root + u"/credential"_s;
            config.rootDirectory = root;
            config.heartbeatInterval = std::chrono::milliseconds(200); // as this rackd expects
            // The "poweroff" leaves a mark that the test turns into the Pi going away.
            config.shutdownCommand = {u"/bin/sh"_s, u"-c"_s, u"touch \"$0\""_s, node.haltMarker};
            AgentJoin joining(config);
            QSignalSpy joined(&joining, &AgentJoin::finished);
            joining.run(join);
            QVERIFY(joined.wait(15000));
            QCOMPARE(joined.at(0).at(0).toInt(), int(AgentJoin::Joined));
            QVERIFY(admin(
                u"node.assign"_s, {{u"mac"_s, node.mac}, {u"stack"_s, node.stack}, {u"slot"_s, node.slot}}));
            node.agent = std::make_unique<Agent>(config);
            QObject::connect(node.agent.get(), &Agent::connected, [&connected] { ++connected; });
            QVERIFY(node.agent->start(&error));
        }
        QTRY_COMPARE_WITH_TIMEOUT(connected, 3, 15000);
        QVERIFY(admin(
            u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {1, 2}}, {u"staggered"_s, false}}));
        m_powerCut.setInterval(50);
        connect(&m_powerCut, &QTimer::timeout, this, [this] {
            for (Node &node : m_nodes) {
                if (node.agent && !node.hangsOnShutdown && QFileInfo::exists(node.haltMarker))
                    node.agent.reset();
            }
        });
        m_powerCut.start();
    }

    void cleanupTestCase()
    {
        m_powerCut.stop();
        m_nodes.clear();
        m_daemon.reset();
    }

    void aStackWithAHangingNodeStaysOn()
    {
        const auto reply = admin(u"power"_s,
            {{u"action"_s, u"graceful-off"_s}, {u"stacks"_s, QJsonArray {1, 2}}, {u"timeout_s"_s, 2},
                {u"settle_s"_s, 0.3}});
        QVERIFY(reply);
        QVERIFY(reply->isError());
        QCOMPARE(reply->error->code, u"incomplete"_s);
        QCOMPARE(reply->error->message, u"stack 1 stays on: s1-n2 did not shut down within 2 s"_s);
        const QJsonObject stack1 = stackResult(*reply, 1);
        QCOMPARE(stack1.value(u"cut"_s).toBool(), false);
        QCOMPARE(stack1.value(u"relay"_s).toString(), u"on"_s);
        QCOMPARE(outcomeOf(stack1, u"s1-n1"_s), u"shut down"_s);
        QCOMPARE(outcomeOf(stack1, u"s1-n2"_s), u"timed out"_s);
        const QJsonObject stack2 = stackResult(*reply, 2);
        QCOMPARE(stack2.value(u"cut"_s).toBool(), true);
        QCOMPARE(stack2.value(u"relay"_s).toString(), u"off"_s);
        QCOMPARE(outcomeOf(stack2, u"s2-n1"_s), u"shut down"_s);
        SimulatedRelayBank *bank = simulatedBank(*m_daemon);
        QCOMPARE(bank->physicalState(1), std::optional<bool>(true));
        QCOMPARE(bank->physicalState(2), std::optional<bool>(false));
    }

    void forcingCutsItAnyway()
    {
        Agent *hanging = m_nodes.at(1).agent.get();
        QVERIFY(hanging && hanging->isConnected());
        QSignalSpy lost(hanging, &Agent::disconnected);
        const auto reply = admin(u"power"_s,
            {{u"action"_s, u"graceful-off"_s}, {u"stacks"_s, QJsonArray {1}}, {u"timeout_s"_s, 1},
                {u"settle_s"_s, 0.2}, {u"force"_s, true}});
        QVERIFY(reply);
        QVERIFY2(!reply->isError(), qPrintable(reply->error ? reply->error->message : QString()));
        const QJsonObject stack1 = stackResult(*reply, 1);
        QCOMPARE(stack1.value(u"cut"_s).toBool(), true);
        QCOMPARE(stack1.value(u"relay"_s).toString(), u"off"_s);
        QCOMPARE(outcomeOf(stack1, u"s1-n1"_s), u"already down"_s);
        QCOMPARE(outcomeOf(stack1, u"s1-n2"_s), u"timed out"_s);
        QCOMPARE(simulatedBank(*m_daemon)->physicalState(1), std::optional<bool>(false));
        // The cut took the hanging node's power: rackd ends its connection at once, without waiting
        // for three missed heartbeats.
        QVERIFY(lost.count() > 0 || lost.wait(5000));
        QVERIFY2(lost.at(0).at(0).toString().contains(u"the relay of stack 1 went off"_s),
            qPrintable(lost.at(0).at(0).toString()));
    }
};

QTEST_GUILESS_MAIN(TestGracefulOff)
#include "tst_gracefuloff.moc"
