// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// One action to many agents over real TLS on loopback: results stream back as they arrive,
// and a slow or vanished node never holds up the others.
#include "agent.h"
#include "agenttesthelpers.h"
#include "controlserver.h"
#include "rackdfixture.h"
#include "system/openfilelimit.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

// More than ControlServer::MaximumClientSessions: the nodes' agents do not count against it.
constexpr int AgentCount = 300;

QString macFor(int index)
{
    return u"b8:27:eb:00:%1:%2"_s.arg(index / 256, 2, 16, QLatin1Char('0'))
        .arg(index % 256, 2, 16, QLatin1Char('0'));
}

} // namespace

class TestFanOut : public QObject
{
    Q_OBJECT

private:
    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;
    std::vector<std::unique_ptr<Agent>> m_agents;
    int m_slow = 7;
    int m_vanishing = 11;

    AgentConfig configFor(int index)
    {
        AgentConfig config = nodeAgentConfig(m_fixture.path(u"node%1"_s.arg(index)), macFor(index));
        config.heartbeatInterval = std::chrono::milliseconds(5000);
        // The same command name everywhere; on two nodes it takes far too long.
        // (sh takes the request's extra argument as $1 and ignores it.)
        const QStringList argv = index == m_slow || index == m_vanishing
            ? QStringList {u"/bin/sh"_s, u"-c"_s, u"sleep 30"_s, u"sh"_s}
            : QStringList {u"/bin/echo"_s, u"hello from"_s};
        CommandSpec hello {u"hello"_s, argv, std::chrono::milliseconds(60000)};
        hello.arguments = CommandSpec::Arguments::Any;
        config.commands.insert(u"hello"_s, hello);
        return config;
    }

    std::optional<Protocol::Reply> exec(RackClient &client, const QJsonObject &params)
    {
        return call(client, u"exec"_s, params, 60000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Both ends of every connection are in this process: twice as many sockets as agents.
        QVERIFY(raiseOpenFileLimit().soft > 2 * AgentCount + 100);
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
        // All the agents and clients here connect from 127.0.0.1, and all at once.
        ControlServer::Limits limits;
        limits.unauthenticated = {4 * AgentCount, 4 * AgentCount};
        m_daemon->controlServer()->setLimits(limits);
        m_daemon->nodeManager()->setMaximumUnplaced(AgentCount); // they join without being placed
        const auto secret = m_daemon->nodeManager()->joinSecrets()->create(
            std::chrono::seconds(3600), AgentCount, u"test"_s, QDateTime::currentDateTimeUtc(), &error);
        QVERIFY(secret);
        const JoinString join {u"127.0.0.1"_s, m_daemon->port(), m_daemon->fingerprint(), *secret};
        QElapsedTimer clock;
        clock.start();
        for (int index = 0; index < AgentCount; ++index) {
            AgentJoin joining(configFor(index));
            QSignalSpy joined(&joining, &AgentJoin::finished);
            joining.run(join);
            QVERIFY(joined.wait(15000));
            QCOMPARE(joined.at(0).at(0).toInt(), int(AgentJoin::Joined));
        }
        int connected = 0;
        for (int index = 0; index < AgentCount; ++index) {
            auto agent = std::make_unique<Agent>(configFor(index));
            QObject::connect(agent.get(), &Agent::connected, [&connected] { ++connected; });
            QVERIFY2(agent->start(&error), qPrintable(error));
            m_agents.push_back(std::move(agent));
        }
        QTRY_VERIFY_WITH_TIMEOUT(connected == AgentCount, 60000);
        static_assert(AgentCount > ControlServer::MaximumClientSessions);
        qInfo() << AgentCount << "agents joined and connected in" << clock.elapsed() << "ms";
    }

    void cleanupTestCase()
    {
        m_agents.clear();
        m_daemon.reset();
    }

    void everyResultArrivesWithoutWaitingForTheSlowOnes()
    {
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        QList<QJsonObject> streamed;
        QObject::connect(&admin, &RackClient::eventReceived, [&](const Protocol::Event &event) {
            if (event.name == u"exec.result")
                streamed.append(event.data);
            // The vanishing node goes away while everyone else is answering.
            if (streamed.size() == 50 && m_agents.at(size_t(m_vanishing)))
                m_agents.at(size_t(m_vanishing)).reset();
        });
        const auto reply = exec(admin,
            {{u"action"_s, u"run"_s}, {u"command"_s, u"hello"_s}, {u"args"_s, QJsonArray {u"rackd"_s}},
                {u"targets"_s, u"all"_s}, {u"timeout_s"_s, 8}});
        QVERIFY(reply);
        QVERIFY2(!reply->isError(), qPrintable(reply->error ? reply->error->message : QString()));
        const QJsonArray results = reply->result.value(u"results"_s).toArray();
        QCOMPARE(results.size(), AgentCount);
        QCOMPARE(reply->result.value(u"failed"_s).toInt(), 2);
        QCOMPARE(streamed.size(), AgentCount);

        // Streamed in order of arrival: the slow node's timeout is the very last thing to come.
        QCOMPARE(streamed.last().value(u"mac"_s).toString(), macFor(m_slow));
        QCOMPARE(streamed.last().value(u"outcome"_s).toString(), u"timeout"_s);
        QCOMPARE(streamed.last().value(u"error"_s).toString(), u"no answer within 8000 ms"_s);
        for (const QJsonObject &result : std::as_const(streamed)) {
            const QString mac = result.value(u"mac"_s).toString();
            if (mac == macFor(m_vanishing)) {
                QCOMPARE(result.value(u"outcome"_s).toString(), u"failed"_s);
                QCOMPARE(result.value(u"error"_s).toString(), u"the node disconnected"_s);
            } else if (mac != macFor(m_slow)) {
                QCOMPARE(result.value(u"outcome"_s).toString(), u"ok"_s);
                QCOMPARE(result.value(u"result"_s).toObject().value(u"stdout"_s).toString(),
                    u"hello from rackd\n"_s);
            }
        }
    }

    void aPingIsAnsweredByEveryConnectedAgent()
    {
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        // The vanished node (gone in the test before) is down; the slow one still runs its sleep,
        // but its agent answers.
        const auto reply
            = exec(admin, {{u"action"_s, u"ping"_s}, {u"targets"_s, u"all"_s}, {u"timeout_s"_s, 10}});
        QVERIFY(reply && !reply->isError());
        const QJsonArray results = reply->result.value(u"results"_s).toArray();
        QCOMPARE(results.size(), AgentCount);
        QCOMPARE(reply->result.value(u"failed"_s).toInt(), 1);
        for (const QJsonValue &value : results) {
            const QJsonObject result = value.toObject();
            const bool vanished = result.value(u"mac"_s).toString() == macFor(m_vanishing);
            QCOMPARE(result.value(u"outcome"_s).toString(), vanished ? u"down"_s : u"ok"_s);
            if (!vanished)
                QCOMPARE(result.value(u"result"_s).toObject(), QJsonObject());
        }
    }

    void peoplesClientsAreStillCappedWhileAgentsAreNot()
    {
        // With every agent connected, people's clients still get MaximumClientSessions
        // connections, and the one after them is turned away with a reason.
        // Every agent but the vanished one; the earlier tests' clients may still be closing.
        const int agentSessions = AgentCount - 1;
        QTRY_COMPARE_WITH_TIMEOUT(m_daemon->controlServer()->sessionCount(), agentSessions, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_daemon->controlServer()->clientSessionCount(), 0, 15000);
        std::vector<std::unique_ptr<RackClient>> clients;
        int ready = 0;
        for (int index = 0; index < ControlServer::MaximumClientSessions; ++index) {
            auto client = std::make_unique<RackClient>();
            QObject::connect(client.get(), &RackClient::ready, [&ready] { ++ready; });
            client->connectToRack(
                {u"127.0.0.1"_s, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint(), u"test"_s});
            clients.push_back(std::move(client));
        }
        QTRY_COMPARE_WITH_TIMEOUT(ready, ControlServer::MaximumClientSessions, 60000);
        QCOMPARE(m_daemon->controlServer()->clientSessionCount(), ControlServer::MaximumClientSessions);

        RackClient oneTooMany;
        const ConnectResult refused
            = connectClient(oneTooMany, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint());
        QVERIFY(!refused.ready);
        QCOMPARE(refused.code, Protocol::ErrorCode::TooManyRequests);
        QVERIFY2(refused.reason.contains(u"256 clients"_s), qPrintable(refused.reason));
        QCOMPARE(
            m_daemon->controlServer()->sessionCount(), agentSessions + ControlServer::MaximumClientSessions);

        clients.clear();
        QTRY_COMPARE_WITH_TIMEOUT(m_daemon->controlServer()->sessionCount(), agentSessions, 15000);
        QCOMPARE(m_daemon->controlServer()->unauthenticatedCount(), 0);
    }

    void argumentsReachTheCommandLiterally()
    {
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        const QString marker = m_fixture.path(u"pwned"_s);
        const QString substitution = u"$(touch "_s + marker + u")"_s;
        const QString backticks = u"`touch "_s + marker + u"`"_s;
        const QJsonArray hostile {u"; rm -rf /"_s, substitution, backticks};
        const auto reply = exec(admin,
            {{u"action"_s, u"run"_s}, {u"command"_s, u"hello"_s}, {u"args"_s, hostile},
                {u"targets"_s, QJsonArray {macFor(1)}}, {u"timeout_s"_s, 10}});
        QVERIFY(reply && !reply->isError());
        const QJsonObject result = reply->result.value(u"results"_s).toArray().at(0).toObject();
        QCOMPARE(result.value(u"outcome"_s).toString(), u"ok"_s);
        QCOMPARE(result.value(u"result"_s).toObject().value(u"stdout"_s).toString(),
            u"hello from ; rm -rf / "_s + substitution + u' ' + backticks + u'\n');
        QVERIFY2(!QFileInfo::exists(marker), "an argument was interpreted by a shell");
    }

    void refusals()
    {
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        auto reply = exec(admin, {{u"action"_s, u"format"_s}, {u"targets"_s, u"all"_s}});
        QVERIFY(reply && reply->isError());
        QCOMPARE(reply->error->code, u"bad_request"_s);
        reply = exec(admin,
            {{u"action"_s, u"run"_s}, {u"command"_s, u"rm"_s}, {u"targets"_s, QJsonArray {macFor(2)}}});
        QVERIFY(reply && !reply->isError());
        const QJsonObject result = reply->result.value(u"results"_s).toArray().at(0).toObject();
        QCOMPARE(result.value(u"outcome"_s).toString(), u"failed"_s);
        QCOMPARE(result.value(u"error"_s).toString(), u"this node has no command \"rm\" in its agent.conf"_s);
        reply = exec(admin,
            {{u"action"_s, u"run"_s}, {u"command"_s, u"hello"_s}, {u"targets"_s, QJsonArray {u"nobody"_s}}});
        QCOMPARE(reply->error->code, u"not_found"_s);
    }
};

QTEST_GUILESS_MAIN(TestFanOut)
#include "tst_fanout.moc"
