// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// rackd's control API over real TLS on loopback, against a daemon object with simulated relays.
#include "rackdfixture.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestRackdApi : public QObject
{
    Q_OBJECT

private:
    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;

    ConnectResult connectAs(RackClient &client, const QString &token)
    {
        return connectClient(client, m_daemon->port(), token, m_daemon->fingerprint());
    }

    QString createToken(const QString &name, const QString &role)
    {
        RackClient admin;
        if (!connectAs(admin, m_fixture.adminToken).ready)
            return {};
        const auto reply = call(admin, u"token.create"_s, {{u"name"_s, name}, {u"role"_s, role}});
        return reply && !reply->isError() ? reply->result.value(u"token"_s).toString() : QString();
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_fixture.dir.isValid());
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
        QVERIFY(m_daemon->port() > 0);
        QVERIFY(m_fixture.adminToken.startsWith(u"prt_"_s));
    }

    void cleanup()
    {
        m_daemon.reset();
        QDir(m_fixture.path(u"state"_s)).removeRecursively();
        m_fixture.adminToken.clear();
    }

    void powerOnOffCycleThroughTheApi()
    {
        RackClient client;
        QVERIFY(connectAs(client, m_fixture.adminToken).ready);
        QCOMPARE(client.welcome()->role, u"admin"_s);
        SimulatedRelayBank *bank = simulatedBank(*m_daemon);
        QVERIFY(bank);

        auto reply = call(client, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {1, 3}}});
        QVERIFY(reply && !reply->isError());
        QCOMPARE(reply->result.value(u"stacks"_s).toArray().size(), 2);
        QCOMPARE(reply->result.value(u"stacks"_s).toArray().at(1).toObject().value(u"relay"_s).toString(),
            u"on"_s);
        QCOMPARE(bank->physicalState(1), std::optional<bool>(true));
        QCOMPARE(bank->physicalState(2), std::optional<bool>(false));
        QCOMPARE(bank->physicalState(3), std::optional<bool>(true));

        const auto status = call(client, u"status"_s);
        QVERIFY(status && !status->isError());
        const QJsonArray stacks = status->result.value(u"stacks"_s).toArray();
        QCOMPARE(stacks.size(), 3);
        QCOMPARE(stacks.at(0).toObject().value(u"relay"_s).toString(), u"on"_s);
        QCOMPARE(stacks.at(1).toObject().value(u"relay"_s).toString(), u"off"_s);

        const qsizetype before = bank->switchLog().size();
        reply = call(client, u"power"_s, {{u"action"_s, u"cycle"_s}, {u"stacks"_s, QJsonArray {1}}});
        QVERIFY(reply && !reply->isError());
        QCOMPARE(bank->switchLog().size(), before + 2);
        QVERIFY(bank->switchLog().last().when.toMSecsSinceEpoch()
                - bank->switchLog().at(before).when.toMSecsSinceEpoch()
            >= 300); // min_off_time

        reply = call(client, u"power"_s, {{u"action"_s, u"off"_s}, {u"stacks"_s, u"all"_s}});
        QVERIFY(reply && !reply->isError());
        for (int channel : {1, 2, 3})
            QCOMPARE(bank->physicalState(channel), std::optional<bool>(false));
    }

    void staggeredAllOn()
    {
        RackClient client;
        QVERIFY(connectAs(client, m_fixture.adminToken).ready);
        const auto reply = call(client, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, u"all"_s}});
        QVERIFY(reply && !reply->isError());
        const auto log = simulatedBank(*m_daemon)->switchLog();
        QCOMPARE(log.size(), 3);
        for (int i = 1; i < 3; ++i) {
            QCOMPARE(log.at(i).channel, i + 1);
            QVERIFY2(log.at(i).when.toMSecsSinceEpoch() - log.at(i - 1).when.toMSecsSinceEpoch() >= 300,
                "two stacks came on closer together than stagger_delay");
        }
    }

    void subscribersReceiveRelayEvents()
    {
        RackClient watcher;
        RackClient actor;
        QVERIFY(connectAs(watcher, m_fixture.adminToken).ready);
        QVERIFY(connectAs(actor, m_fixture.adminToken).ready);
        const auto subscribed = call(watcher, u"subscribe"_s, {{u"events"_s, QJsonArray {u"relay"_s}}});
        QVERIFY(subscribed && !subscribed->isError());
        QSignalSpy events(&watcher, &RackClient::eventReceived);
        QSignalSpy unsubscribedEvents(&actor, &RackClient::eventReceived);
        QVERIFY(call(actor, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {2}}}));
        QTRY_COMPARE_WITH_TIMEOUT(events.size(), 1, 10000);
        const auto event = events.at(0).at(0).value<Protocol::Event>();
        QCOMPARE(event.name, u"relay.changed"_s);
        QCOMPARE(event.data.value(u"stack"_s).toInt(), 2);
        QCOMPARE(event.data.value(u"relay"_s).toString(), u"on"_s);
        QCOMPARE(unsubscribedEvents.size(), 0);

        const auto unknown = call(watcher, u"subscribe"_s, {{u"events"_s, QJsonArray {u"weather"_s}}});
        QVERIFY(unknown && unknown->isError());
        QCOMPARE(unknown->error->code, u"bad_request"_s);
    }

    void authentication_data()
    {
        QTest::addColumn<QString>("tokenKind");
        QTest::addColumn<QString>("code");
        QTest::newRow("no token") << u"none"_s << u"bad_message"_s;
        QTest::newRow("wrong token") << u"wrong"_s << u"unauthenticated"_s;
        QTest::newRow("revoked token") << u"revoked"_s << u"unauthenticated"_s;
    }

    void authentication()
    {
        QFETCH(QString, tokenKind);
        QFETCH(QString, code);
        QString token = u"prt_not-a-token"_s;
        if (tokenKind == u"revoked") {
            token = createToken(u"temp"_s, u"operator"_s);
            QVERIFY(!token.isEmpty());
            RackClient admin;
            QVERIFY(connectAs(admin, m_fixture.adminToken).ready);
            const auto revoked = call(admin, u"token.revoke"_s, {{u"name"_s, u"temp"_s}});
            QVERIFY(revoked && !revoked->isError());
        }
        if (tokenKind == u"none")
            token.clear();
        RackClient client;
        const ConnectResult result = connectAs(client, token);
        QVERIFY(!result.ready);
        QCOMPARE(result.code, code);
        QCOMPARE(result.reason,
            tokenKind == u"none" ? u"the first message must be a hello: \"token\" is missing"_s
                                 : u"the token is not valid (unknown or revoked)"_s);
    }

    void rolesAreEnforced()
    {
        const QString viewerToken = createToken(u"screen"_s, u"viewer"_s);
        const QString operatorToken = createToken(u"ops"_s, u"operator"_s);
        RackClient viewer;
        RackClient operatorClient;
        QVERIFY(connectAs(viewer, viewerToken).ready);
        QVERIFY(connectAs(operatorClient, operatorToken).ready);

        QVERIFY(!call(viewer, u"status"_s)->isError());
        const auto power = call(viewer, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, u"all"_s}});
        QCOMPARE(power->error->code, u"forbidden"_s);
        QCOMPARE(power->error->message, u"power needs the operator role; the token \"screen\" is viewer"_s);
        QCOMPARE(simulatedBank(*m_daemon)->physicalState(1), std::optional<bool>(false));

        QVERIFY(!call(operatorClient, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {1}}})
                     ->isError());
        const auto create
            = call(operatorClient, u"token.create"_s, {{u"name"_s, u"x"_s}, {u"role"_s, u"admin"_s}});
        QCOMPARE(create->error->code, u"forbidden"_s);

        // Both refusals and the power action are in the audit log, with who and from where.
        RackClient admin;
        QVERIFY(connectAs(admin, m_fixture.adminToken).ready);
        const auto audit = call(admin, u"audit"_s, {{u"last"_s, 10}});
        QVERIFY(audit && !audit->isError());
        QStringList lines;
        for (const QJsonValue &value : audit->result.value(u"entries"_s).toArray()) {
            const QJsonObject entry = value.toObject();
            lines.append(entry.value(u"token"_s).toString() + u' ' + entry.value(u"request"_s).toString()
                + u' ' + entry.value(u"result"_s).toString());
            QVERIFY(entry.value(u"source"_s).toString().startsWith(u"127.0.0.1:"_s));
        }
        QVERIFY2(lines.contains(u"screen power forbidden"_s), qPrintable(lines.join(u'\n')));
        QVERIFY(lines.contains(u"ops power ok"_s));
        QVERIFY(lines.contains(u"ops token.create forbidden"_s));
    }

    // A viewer that keeps sending forbidden requests with a megabyte of padding: a few short lines,
    // and the operator's action before them is still in the trail.
    void refusalsCannotFlushTheAuditTrail()
    {
        const QString viewerToken = createToken(u"wall"_s, u"viewer"_s);
        RackClient operatorClient;
        QVERIFY(connectAs(operatorClient, m_fixture.adminToken).ready);
        QVERIFY(!call(operatorClient, u"power"_s, {{u"action"_s, u"off"_s}, {u"stacks"_s, QJsonArray {3}}})
                     ->isError());
        const qint64 sizeBefore = QFileInfo(m_fixture.path(u"state/audit.log"_s)).size();
        RackClient viewer;
        QVERIFY(connectAs(viewer, viewerToken).ready);
        const QString padding(900 * 1024, u'x');
        for (int i = 0; i < 30; ++i) {
            const auto refused = call(viewer, u"power"_s,
                {{u"action"_s, u"on"_s}, {u"stacks"_s, u"all"_s}, {u"padding"_s, padding}});
            QVERIFY(refused && refused->isError());
        }
        const qint64 grown = QFileInfo(m_fixture.path(u"state/audit.log"_s)).size() - sizeBefore;
        QVERIFY2(grown < 10 * 1024, qPrintable(QString::number(grown)));
        const auto audit = call(operatorClient, u"audit"_s, {{u"last"_s, 100}});
        QVERIFY(audit && !audit->isError());
        int refusalsWritten = 0;
        bool evidence = false;
        for (const QJsonValue &value : audit->result.value(u"entries"_s).toArray()) {
            const QJsonObject entry = value.toObject();
            if (entry.value(u"token"_s).toString() == u"wall") {
                ++refusalsWritten;
                QCOMPARE(entry.value(u"params"_s).toObject(),
                    (QJsonObject {{u"keys"_s, QJsonArray {u"action"_s, u"padding"_s, u"stacks"_s}}}));
            }
            evidence = evidence
                || (entry.value(u"request"_s).toString() == u"power"
                    && entry.value(u"result"_s).toString() == u"ok");
        }
        QCOMPARE(refusalsWritten, 10);
        QVERIFY(evidence);
        // And what an allowed request carries is bounded too.
        const QJsonObject bounded = AuditLog::boundedParameters({{u"a"_s, padding}, {u"b"_s, u"short"_s}});
        QCOMPARE(
            bounded.value(u"a"_s).toObject().value(u"omitted_bytes"_s).toDouble(), double(padding.size()));
        QCOMPARE(bounded.value(u"b"_s).toString(), u"short"_s);
    }

    void repeatedFailuresAreSlowedDown()
    {
        for (int attempt = 0; attempt < 5; ++attempt) {
            RackClient client;
            QVERIFY(!connectAs(client, u"prt_bad"_s).ready);
        }
        // The sixth attempt is not even looked at: the answer comes at once and says when to come back.
        QElapsedTimer clock;
        clock.start();
        RackClient client;
        const ConnectResult sixth = connectAs(client, u"prt_bad"_s);
        QVERIFY(!sixth.ready);
        QCOMPARE(sixth.code, Protocol::ErrorCode::TooManyRequests);
        QVERIFY2(sixth.reason.contains(u"try again in 1 s"_s), qPrintable(sixth.reason));
        // Not even the right token gets in before then; it does after.
        bool admitted = false;
        while (!admitted && clock.elapsed() < 10000) {
            RackClient admin;
            const ConnectResult attempt = connectAs(admin, m_fixture.adminToken);
            admitted = attempt.ready;
            if (!admitted) {
                QCOMPARE(attempt.code, Protocol::ErrorCode::TooManyRequests);
                QSignalSpy pause(
                    &admin, &RackClient::ready); // a 100 ms pause between tries, on the event loop
                pause.wait(100);
            }
        }
        QVERIFY(admitted);
        QVERIFY2(clock.elapsed() >= 900, qPrintable(u"admitted after %1 ms"_s.arg(clock.elapsed())));
    }

    void clientPinnedToAnotherFingerprintRefuses()
    {
        RackClient client;
        QSignalSpy mismatch(&client, &RackClient::fingerprintMismatch);
        const ConnectResult result
            = connectClient(client, m_daemon->port(), m_fixture.adminToken, u"SHA256:"_s + QString(64, u'0'));
        QVERIFY(!result.ready);
        QCOMPARE(result.code, u"fingerprint_mismatch"_s);
        QCOMPARE(mismatch.size(), 1);
        QCOMPARE(mismatch.at(0).at(1).toString(), m_daemon->fingerprint());
    }

    void requestsAreValidated_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QByteArray>("params");
        QTest::addColumn<QString>("code");
        QTest::newRow("unknown method") << u"reboot.universe"_s << QByteArray("{}") << u"unknown_method"_s;
        QTest::newRow("bad action") << u"power"_s << QByteArray(R"({"action":"explode","stacks":"all"})")
                                    << u"bad_request"_s;
        QTest::newRow("no stacks") << u"power"_s << QByteArray(R"({"action":"on"})") << u"bad_request"_s;
        QTest::newRow("unknown stack")
            << u"power"_s << QByteArray(R"({"action":"on","stacks":[7]})") << u"not_found"_s;
        QTest::newRow("huge stack id")
            << u"power"_s << QByteArray(R"({"action":"on","stacks":[1e300]})") << u"not_found"_s;
        QTest::newRow("stack as text")
            << u"power"_s << QByteArray(R"({"action":"on","stacks":["1"]})") << u"not_found"_s;
        QTest::newRow("bad role") << u"token.create"_s << QByteArray(R"({"name":"x","role":"god"})")
                                  << u"bad_request"_s;
        QTest::newRow("bad audit count") << u"audit"_s << QByteArray(R"({"last":-3})") << u"bad_request"_s;
        QTest::newRow("revoke unknown")
            << u"token.revoke"_s << QByteArray(R"({"name":"nobody"})") << u"not_found"_s;
        QTest::newRow("revoke last admin")
            << u"token.revoke"_s << QByteArray(R"({"name":"admin"})") << u"conflict"_s;
    }

    void requestsAreValidated()
    {
        QFETCH(QString, method);
        QFETCH(QByteArray, params);
        QFETCH(QString, code);
        RackClient client;
        QVERIFY(connectAs(client, m_fixture.adminToken).ready);
        const auto reply = call(client, method, QJsonDocument::fromJson(params).object());
        QVERIFY(reply);
        QVERIFY(reply->isError());
        QCOMPARE(reply->error->code, code);
        QVERIFY(!reply->error->message.isEmpty());
    }

    void restartChangesNoRelay()
    {
        {
            RackClient client;
            QVERIFY(connectAs(client, m_fixture.adminToken).ready);
            QVERIFY(!call(client, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {1, 2}}})
                         ->isError());
        }
        const qint64 transitions = simulatedBank(*m_daemon)->transitions();
        m_daemon.reset();
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
        SimulatedRelayBank *bank = simulatedBank(*m_daemon);
        QVERIFY2(bank->switchLog().isEmpty(), "restarting rackd switched a relay");
        QCOMPARE(bank->transitions(), transitions);
        QCOMPARE(bank->physicalState(1), std::optional<bool>(true));
        QCOMPARE(bank->physicalState(3), std::optional<bool>(false));
    }
};

QTEST_GUILESS_MAIN(TestRackdApi)
#include "tst_rackdapi.moc"
