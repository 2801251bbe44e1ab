// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// What a node says about itself, over the wire: bounded, validated, and never enough to take
// over another node or to grow rackd's state files.
#include "nodereport.h"
#include "protocol/joinstring.h"
#include "rackdfixture.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {
const QString VictimMac = u"dc:a6:32:00:00:01"_s;

QJsonValue nested(int depth)
{
    QJsonValue value = u"x"_s;
    for (int i = 0; i < depth; ++i)
        value = QJsonArray {value};
    return value;
}
} // namespace

class TestNodeReports : public QObject
{
    Q_OBJECT

private:
    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;
    QString m_victimCredential;

    QString joinSecret(const QJsonObject &params = {{u"uses"_s, 50}})
    {
        RackClient admin;
        if (!connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready)
            return {};
        const auto reply = call(admin, u"join.create"_s, params);
        QString problem;
        if (!reply || reply->isError())
            return {};
        const auto join = JoinString::parse(reply->result.value(u"join_string"_s).toString(), &problem);
        return join ? join->secret : QString();
    }

    /// Joins (with `secret`) or logs in (with `credential`) as an agent; the welcome or the refusal.
    ConnectResult agentHello(
        RackClient &client, const QString &secret, const QString &credential, const QJsonObject &identity)
    {
        RackClient::Options options {u"127.0.0.1"_s, m_daemon->port(), credential, m_daemon->fingerprint(),
            u"rack-agent"_s, secret, identity};
        return connectClient(client, options);
    }

    qint64 inventoryBytes() const { return QFileInfo(m_fixture.path(u"state/nodes.json"_s)).size(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
        // Every refusal here counts as a failed login from 127.0.0.1: none of them may slow the next.
        AuthThrottle::Policy lenient;
        lenient.freeFailures = 1000;
        m_daemon->service()->authenticator()->throttle().setPolicy(lenient);
        RackClient victim;
        QVERIFY(agentHello(victim, joinSecret(), {}, {{u"mac"_s, VictimMac}, {u"hostname"_s, u"victim"_s}})
                    .ready);
        m_victimCredential = victim.welcome()->credential;
        QVERIFY(!m_victimCredential.isEmpty());
    }

    void cleanupTestCase() { m_daemon.reset(); }

    void aBloatedIdentityIsRefusedAndStoresNothing()
    {
        const qint64 before = inventoryBytes();
        RackClient bomb;
        const ConnectResult result = agentHello(
            bomb, joinSecret(), {}, {{u"mac"_s, u"dc:a6:32:00:00:10"_s}, {u"model"_s, nested(900)}});
        QVERIFY(!result.ready);
        QCOMPARE(result.code, Protocol::ErrorCode::BadRequest);
        QVERIFY2(result.reason.contains(u"\"model\""_s), qPrintable(result.reason));
        QCOMPARE(inventoryBytes(), before);
        QVERIFY(!m_daemon->nodeManager()->inventory()->node(u"dc:a6:32:00:00:10"_s));
    }

    void unknownIdentityKeysAreNotKept()
    {
        RackClient node;
        QVERIFY(agentHello(node, joinSecret(), {},
            {{u"mac"_s, u"dc:a6:32:00:00:11"_s}, {u"hostname"_s, u"pi11"_s}, {u"cores"_s, 4},
                {u"padding"_s, QString(8000, u'x')}})
                    .ready);
        const auto record = m_daemon->nodeManager()->inventory()->node(u"dc:a6:32:00:00:11"_s);
        QVERIFY(record);
        QCOMPARE(record->identity, (QJsonObject {{u"hostname"_s, u"pi11"_s}, {u"cores"_s, 4}}));
        QVERIFY2(inventoryBytes() < 4096, qPrintable(QString::number(inventoryBytes())));
    }

    void malformedMetricsAreRefusedAndKnownOnesKept()
    {
        QString problem;
        QVERIFY(!m_daemon->nodeManager()->heartbeat(VictimMac, {{u"cpu_percent"_s, nested(900)}}, &problem));
        QVERIFY(problem.contains(u"cpu_percent"_s));
        QVERIFY(!m_daemon->nodeManager()->heartbeat(VictimMac, {{u"load1"_s, u"high"_s}}, &problem));
        QVERIFY(!m_daemon->nodeManager()->heartbeat(
            VictimMac, {{u"throttled"_s, QJsonObject {{u"raw"_s, u"0x0\n"_s}}}}, &problem));
        const auto kept
            = NodeReport::metrics({{u"cpu_percent"_s, 12.5}, {u"temperature_c"_s, u"unavailable"_s},
                                      {u"extra"_s, QString(100000, u'x')}},
                &problem);
        QVERIFY(kept);
        QCOMPARE(*kept, (QJsonObject {{u"cpu_percent"_s, 12.5}, {u"temperature_c"_s, u"unavailable"_s}}));
    }

    void aJoinNeverTakesOverAJoinedNode()
    {
        RackClient attacker;
        const ConnectResult result = agentHello(attacker, joinSecret(), {}, {{u"mac"_s, VictimMac}});
        QVERIFY(!result.ready);
        QCOMPARE(result.code, Protocol::ErrorCode::Conflict);
        QVERIFY2(result.reason.contains(u"--replace"_s), qPrintable(result.reason));
        // The real node still gets in with its own credential, under its own identity.
        RackClient victim;
        QVERIFY(agentHello(victim, {}, m_victimCredential, {{u"mac"_s, VictimMac}}).ready);
        QCOMPARE(
            m_daemon->nodeManager()->inventory()->node(VictimMac)->identity.value(u"hostname"_s).toString(),
            u"victim"_s);
        // With a secret made for it, the node re-joins (a re-installed Pi) and gets a new credential.
        const QString replace = joinSecret({{u"uses"_s, 1}, {u"replace"_s, VictimMac}});
        QVERIFY(!replace.isEmpty());
        RackClient reinstalled;
        QVERIFY(agentHello(reinstalled, replace, {}, {{u"mac"_s, VictimMac}, {u"hostname"_s, u"victim"_s}})
                    .ready);
        const QString newCredential = reinstalled.welcome()->credential;
        QVERIFY(!newCredential.isEmpty() && newCredential != m_victimCredential);
        RackClient old;
        QCOMPARE(agentHello(old, {}, m_victimCredential, {{u"mac"_s, VictimMac}}).code,
            Protocol::ErrorCode::Unauthenticated);
        m_victimCredential = newCredential;
    }

    void aCredentialIsBoundToItsMac()
    {
        const QList<QJsonObject> identities {QJsonObject {{u"hostname"_s, u"x"_s}},
            QJsonObject {{u"mac"_s, u""_s}}, QJsonObject {{u"mac"_s, QString(VictimMac + u"\n"_s)}},
            QJsonObject {{u"mac"_s, u"dc:a6:32:00:00:02"_s}}};
        for (const QJsonObject &identity : identities) {
            RackClient client;
            const ConnectResult result = agentHello(client, {}, m_victimCredential, identity);
            QVERIFY2(!result.ready, qPrintable(QString::fromUtf8(QJsonDocument(identity).toJson())));
        }
    }

    // A node that reads its requests and never answers: each request ends at its deadline, rackd
    // keeps nothing of it, a request beyond 64 unanswered fails at once, and the connection goes
    // once the node has been silent for SilentConnectionTimeout.
    void aSilentNodeHoldsNothingAndIsDropped()
    {
        RackClient silent; // logs in as the node, then never answers and never sends a heartbeat
        QVERIFY(agentHello(silent, {}, m_victimCredential, {{u"mac"_s, VictimMac}}).ready);
        QSignalSpy dropped(&silent, &RackClient::disconnected);
        QElapsedTimer silentFor;
        silentFor.start();
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        const QJsonObject run {{u"action"_s, u"run"_s}, {u"command"_s, u"anything"_s},
            {u"args"_s, QJsonArray {QString(100 * 1024, u'a')}}, {u"targets"_s, QJsonArray {VictimMac}},
            {u"timeout_s"_s, 0.1}};
        QStringList outcomes;
        for (int i = 0; i < 70; ++i) {
            const auto reply = call(admin, u"exec"_s, run);
            QVERIFY(reply);
            const QJsonObject result = reply->isError()
                ? reply->error->details.value(u"results"_s).toArray().at(0).toObject()
                : reply->result.value(u"results"_s).toArray().at(0).toObject();
            outcomes.append(
                result.value(u"outcome"_s).toString() + u':' + result.value(u"error"_s).toString());
        }
        QCOMPARE(m_daemon->nodeManager()->fanOutsInFlight(), 0);
        QVERIFY2(outcomes.first().startsWith(u"timeout:"_s), qPrintable(outcomes.first()));
        QVERIFY2(outcomes.at(63).startsWith(u"timeout:"_s), qPrintable(outcomes.at(63)));
        QVERIFY2(outcomes.at(64).contains(u"left 64 requests unanswered"_s), qPrintable(outcomes.at(64)));
        QVERIFY(dropped.wait(int(NodeManager::SilentConnectionTimeout.count()) + 10000));
        QVERIFY2(silentFor.elapsed() >= NodeManager::SilentConnectionTimeout.count() - 1000,
            qPrintable(QString::number(silentFor.elapsed())));
    }

    // Every join rewrites the inventory: a join string with many uses cannot grow it without end.
    void joinsWaitingToBePlacedAreCapped()
    {
        const QList<NodeRecord> nodes = m_daemon->nodeManager()->inventory()->nodes();
        const int unplaced
            = int(std::count_if(nodes.cbegin(), nodes.cend(), [](const NodeRecord &n) { return !n.stack; }));
        m_daemon->nodeManager()->setMaximumUnplaced(unplaced + 1);
        const QString secret = joinSecret({{u"uses"_s, 5}});
        RackClient first;
        QVERIFY(agentHello(first, secret, {}, {{u"mac"_s, u"dc:a6:32:00:00:30"_s}}).ready);
        RackClient second;
        const ConnectResult refused = agentHello(second, secret, {}, {{u"mac"_s, u"dc:a6:32:00:00:31"_s}});
        QVERIFY(!refused.ready);
        QCOMPARE(refused.code, Protocol::ErrorCode::Conflict);
        QVERIFY2(refused.reason.contains(u"wait to be placed"_s), qPrintable(refused.reason));
        QVERIFY(!m_daemon->nodeManager()->inventory()->node(u"dc:a6:32:00:00:31"_s));
        m_daemon->nodeManager()->setMaximumUnplaced(64);
    }

    void namesWithATrailingNewlineAreRefused()
    {
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        const auto token
            = call(admin, u"token.create"_s, {{u"name"_s, u"abc\n"_s}, {u"role"_s, u"viewer"_s}});
        QVERIFY(token && token->isError());
        RackClient joiner;
        const ConnectResult twin
            = agentHello(joiner, joinSecret(), {}, {{u"mac"_s, u"dc:a6:32:00:00:20\n"_s}});
        QVERIFY(!twin.ready);
        QVERIFY(!m_daemon->nodeManager()->inventory()->node(u"dc:a6:32:00:00:20"_s));
        QCOMPARE(
            NodeReport::printable(u"forged\ncritical line\x1b[2K"_s), u"forged\\x0acritical line\\x1b[2K"_s);
    }
};

QTEST_GUILESS_MAIN(TestNodeReports)
#include "tst_nodereports.moc"
