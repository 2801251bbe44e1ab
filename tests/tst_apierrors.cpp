// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// Every error path of rackd's API, pinned to the code a client sees and to rackctl's exit status:
// the code is decided where the failure happens, so rewording a message cannot change either.
#include "rackctl.h"
#include "rackdfixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
namespace ErrorCode = Protocol::ErrorCode;

class TestApiErrors : public QObject
{
    Q_OBJECT

private:
    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_fixture.dir.isValid());
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
    }

    void cleanupTestCase() { m_daemon.reset(); }

    void everyErrorPathHasItsCode_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QByteArray>("params");
        QTest::addColumn<QString>("code");
        const auto row
            = [](const char *name, const QString &method, const char *params, const QString &code) {
                  QTest::newRow(name) << method << QByteArray(params) << code;
              };
        row("unknown method", u"reboot.universe"_s, "{}", ErrorCode::UnknownMethod);
        row("power: bad action", u"power"_s, R"({"action":"explode","stacks":"all"})", ErrorCode::BadRequest);
        row("power: no stacks", u"power"_s, R"({"action":"on"})", ErrorCode::BadRequest);
        row("power: unknown stack", u"power"_s, R"({"action":"on","stacks":[7]})", ErrorCode::NotFound);
        row("power: bad graceful timeout", u"power"_s,
            R"({"action":"graceful-off","stacks":[1],"timeout_s":0})", ErrorCode::BadRequest);
        row("token.create: bad role", u"token.create"_s, R"({"name":"x","role":"god"})",
            ErrorCode::BadRequest);
        row("token.create: bad name", u"token.create"_s, R"({"name":"a b","role":"viewer"})",
            ErrorCode::BadRequest);
        row("token.create: taken", u"token.create"_s, R"({"name":"admin","role":"viewer"})",
            ErrorCode::Conflict);
        row("token.revoke: unknown", u"token.revoke"_s, R"({"name":"nobody"})", ErrorCode::NotFound);
        row("token.revoke: last admin", u"token.revoke"_s, R"({"name":"admin"})", ErrorCode::Conflict);
        row("audit: bad count", u"audit"_s, R"({"last":-3})", ErrorCode::BadRequest);
        row("node.assign: unknown node", u"node.assign"_s,
            R"({"mac":"aa:bb:cc:dd:ee:ff","stack":1,"slot":1})", ErrorCode::NotFound);
        row("node.rename: unknown node", u"node.rename"_s, R"({"mac":"aa:bb:cc:dd:ee:ff","name":"x"})",
            ErrorCode::NotFound);
        row("join.create: bad ttl", u"join.create"_s, R"({"ttl_s":1.5})", ErrorCode::BadRequest);
        row("join.create: replace unknown", u"join.create"_s, R"({"replace":"aa:bb:cc:dd:ee:ff"})",
            ErrorCode::NotFound);
        row("exec: bad action", u"exec"_s, R"({"action":"dance","targets":"all"})", ErrorCode::BadRequest);
        row("exec: set-hostname is rackd's", u"exec"_s, R"({"action":"set-hostname","targets":"all"})",
            ErrorCode::BadRequest);
        row("exec: run without command", u"exec"_s, R"({"action":"run","targets":"all"})",
            ErrorCode::BadRequest);
        row("exec: args not strings", u"exec"_s,
            R"({"action":"run","command":"x","args":[1],"targets":"all"})", ErrorCode::BadRequest);
        row("exec: bad timeout", u"exec"_s, R"({"action":"ping","targets":"all","timeout_s":0})",
            ErrorCode::BadRequest);
        row("exec: bad targets", u"exec"_s, R"({"action":"ping","targets":7})", ErrorCode::BadRequest);
        row("exec: unknown stack", u"exec"_s, R"({"action":"ping","targets":{"stack":9}})",
            ErrorCode::NotFound);
        row("exec: unknown node", u"exec"_s, R"({"action":"ping","targets":["s9-n9"]})", ErrorCode::NotFound);
        row("install.start: bad stacks", u"install.start"_s, R"({"stacks":"some"})", ErrorCode::BadRequest);
        row("install.start: unknown stack", u"install.start"_s, R"({"stacks":[9]})", ErrorCode::NotFound);
        row("install.start: stack twice", u"install.start"_s, R"({"stacks":[1,1]})", ErrorCode::BadRequest);
        row("install.start: bad timeout", u"install.start"_s, R"({"stack_timeout_s":0})",
            ErrorCode::BadRequest);
        row("install.replace: not numbers", u"install.replace"_s, R"({"stack":"a","slot":1})",
            ErrorCode::BadRequest);
        row("install.replace: unknown stack", u"install.replace"_s, R"({"stack":9,"slot":1})",
            ErrorCode::NotFound);
        row("install.replace: no such slot", u"install.replace"_s, R"({"stack":1,"slot":99})",
            ErrorCode::BadRequest);
        row("install.decide: bad decision", u"install.decide"_s, R"({"decision":"maybe"})",
            ErrorCode::BadRequest);
        row("install.decide: nothing waits", u"install.decide"_s, R"({"decision":"skip"})",
            ErrorCode::Conflict);
        row("install.add_mac: nothing waits", u"install.add_mac"_s, R"({"mac":"aa:bb:cc:dd:ee:ff"})",
            ErrorCode::Conflict);
        row("install.abort: none runs", u"install.abort"_s, "{}", ErrorCode::Conflict);
        row("relay.confirm: relays are not manual", u"relay.confirm"_s, "{}", ErrorCode::Conflict);
        row("inventory: bad format", u"inventory"_s, R"({"format":"excel"})", ErrorCode::BadRequest);
    }

    void everyErrorPathHasItsCode()
    {
        QFETCH(QString, method);
        QFETCH(QByteArray, params);
        QFETCH(QString, code);
        RackClient client;
        QVERIFY(connectClient(client, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        const auto reply = call(client, method, QJsonDocument::fromJson(params).object());
        QVERIFY(reply);
        QVERIFY2(reply->isError(), QJsonDocument(reply->result).toJson().constData());
        QCOMPARE(reply->error->code, code);
        QVERIFY(!reply->error->message.isEmpty());
        // Every one of these is a command rackd refused: rackctl exits 1.
        QCOMPARE(Rackctl::exitCodeFor(reply->error->code), int(Rackctl::CommandFailed));
    }

    void whatTheRoleForbidsIsForbidden()
    {
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        const auto created
            = call(admin, u"token.create"_s, {{u"name"_s, u"screen"_s}, {u"role"_s, u"viewer"_s}});
        QVERIFY(created && !created->isError());
        RackClient viewer;
        QVERIFY(connectClient(
            viewer, m_daemon->port(), created->result.value(u"token"_s).toString(), m_daemon->fingerprint())
                    .ready);
        for (Protocol::Method method : Protocol::all<Protocol::Method>()) {
            if (Protocol::requiredRole(method) == Protocol::Role::Viewer)
                continue;
            const auto reply = call(viewer, Protocol::name(method), {});
            QVERIFY(reply && reply->isError());
            QCOMPARE(reply->error->code, ErrorCode::Forbidden);
        }
        QCOMPARE(Rackctl::exitCodeFor(ErrorCode::Forbidden), int(Rackctl::NotAllowed));
        QCOMPARE(Rackctl::exitCodeFor(ErrorCode::Unauthenticated), int(Rackctl::NotAllowed));
        QCOMPARE(Rackctl::exitCodeFor(ErrorCode::Internal), int(Rackctl::CommandFailed));
        QCOMPARE(Rackctl::exitCodeFor(ErrorCode::RelayFailed), int(Rackctl::CommandFailed));
        QCOMPARE(Rackctl::exitCodeFor(ErrorCode::Incomplete), int(Rackctl::CommandFailed));
        QCOMPARE(Rackctl::exitCodeFor(ErrorCode::TooManyRequests), int(Rackctl::CommandFailed));
    }

    // Every method of the vocabulary has a handler: none answers "unknown method" or "no handler".
    void everyMethodIsAnswered()
    {
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        for (Protocol::Method method : Protocol::all<Protocol::Method>()) {
            if (method == Protocol::Method::InstallStart || method == Protocol::Method::InstallReplace
                || method == Protocol::Method::Power)
                continue; // these would start something; their errors are pinned above
            const auto reply = call(admin, Protocol::name(method), {});
            QVERIFY2(reply, qPrintable(Protocol::name(method)));
            if (reply->isError()) {
                QVERIFY2(reply->error->code != ErrorCode::UnknownMethod
                        && reply->error->code != ErrorCode::Internal,
                    qPrintable(Protocol::name(method) + u": "_s + reply->error->message));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestApiErrors)
#include "tst_apierrors.moc"
