// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// rackd's state files: damage of any shape stops rackd with a message that names the file and the
// fix, and a full disk fails every change cleanly, loses nothing, and survives a restart.
#include "privatetmpfs.h"
#include "rackdfixture.h"
#include "storage/jsonfile.h"

#include <QJsonArray>
#include <QScopeGuard>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestStateFiles : public QObject
{
    Q_OBJECT

private:
    QString stateFile(const RackdFixture &fixture, const QString &name) const
    {
        return fixture.path(u"state/"_s + name);
    }

private Q_SLOTS:
    void theWrongShapeIsDamageNeverAFreshStart_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("relay state {}") << u"relay-state.json"_s << QByteArray("{}") << u"relay-state.json"_s;
        QTest::newRow("relay state, stacks a list")
            << u"relay-state.json"_s << QByteArray(R"({"boot_id":"boot-1","stacks":[]})")
            << u"relay-state.json"_s;
        QTest::newRow("relay state, no stack")
            << u"relay-state.json"_s << QByteArray(R"({"boot_id":"boot-1","stacks":{}})") << u"no stack"_s;
        QTest::newRow("relay state, other stacks")
            << u"relay-state.json"_s << QByteArray(R"({"boot_id":"boot-1","stacks":{"7":true}})")
            << u"none of the structure's stacks"_s;
        QTest::newRow("tokens {}") << u"tokens.json"_s << QByteArray("{}")
                                   << u"remove it to start with a new"_s;
        QTest::newRow("tokens, an object")
            << u"tokens.json"_s << QByteArray(R"({"tokens":{}})") << u"tokens.json"_s;
        QTest::newRow("tokens, none")
            << u"tokens.json"_s << QByteArray(R"({"tokens":[]})") << u"no list of tokens"_s;
        QTest::newRow("nodes {}") << u"nodes.json"_s << QByteArray("{}") << u"restore it from a backup"_s;
        QTest::newRow("nodes, a number")
            << u"nodes.json"_s << QByteArray(R"({"nodes":1})") << u"nodes.json"_s;
        QTest::newRow("maintenance, a stack without a date")
            << u"maintenance.json"_s << QByteArray(R"({"stacks":{"1":{"reason":"x"}}})") << u"stack \"1\""_s;
        QTest::newRow("recovery, an unknown phase")
            << u"recovery.json"_s << QByteArray(R"({"stacks":{"1":{"phase":"dancing"}}})")
            << u"the phase of stack 1"_s;
        QTest::newRow("join secrets {}")
            << u"join-secrets.json"_s << QByteArray("{}") << u"join-secrets.json"_s;
    }

    void theWrongShapeIsDamageNeverAFreshStart()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        RackdFixture fixture;
        QVERIFY(fixture.prepare());
        QString error;
        {
            // A first run makes every file; one stack on.
            auto daemon = fixture.start(&error);
            QVERIFY2(daemon, qPrintable(error));
            RackClient admin;
            QVERIFY(connectClient(admin, daemon->port(), fixture.adminToken, daemon->fingerprint()).ready);
            QVERIFY(call(admin, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {2}}}));
            QVERIFY(call(admin, u"join.create"_s));
        }
        const qint64 transitions = simulatedTransitions(fixture);
        QVERIFY(writeFile(stateFile(fixture, file), content));
        QVERIFY(!fixture.start(&error));
        QVERIFY2(error.contains(file) && error.contains(expected), qPrintable(error));
        // Nothing was switched, nothing was rewritten, no new admin token was made.
        QCOMPARE(simulatedTransitions(fixture), transitions);
        QCOMPARE(readFile(stateFile(fixture, file)), content);
        QVERIFY(!QFile::exists(stateFile(fixture, u"initial-admin-token.new"_s)));
    }

    void aFullDiskFailsEveryChangeAndLosesNothing()
    {
        RackdFixture fixture;
        QVERIFY(fixture.prepare());
        QVERIFY(QDir().mkpath(fixture.path(u"state"_s)));
        QString error;
        QVERIFY2(PrivateTmpfs::mount(fixture.path(u"state"_s), 256 * 1024, &error), qPrintable(error));
        const auto unmount = qScopeGuard([&] { PrivateTmpfs::unmount(fixture.path(u"state"_s)); });
        QString viewerToken;
        QString nodeMac = u"dc:a6:32:00:00:01"_s;
        {
            auto daemon = fixture.start(&error);
            QVERIFY2(daemon, qPrintable(error));
            RackClient admin;
            QVERIFY(connectClient(admin, daemon->port(), fixture.adminToken, daemon->fingerprint()).ready);
            QVERIFY(call(admin, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {1}}}));
            const auto viewer
                = call(admin, u"token.create"_s, {{u"name"_s, u"wall"_s}, {u"role"_s, u"viewer"_s}});
            QVERIFY(viewer && !viewer->isError());
            viewerToken = viewer->result.value(u"token"_s).toString();
            // A node joins and is placed.
            const auto secret = daemon->nodeManager()->joinSecrets()->create(
                std::chrono::seconds(3600), 1, u"test"_s, QDateTime::currentDateTimeUtc(), &error);
            QVERIFY(secret);
            RackClient node;
            QVERIFY(connectClient(node,
                {u"127.0.0.1"_s, daemon->port(), {}, daemon->fingerprint(), u"agent"_s, *secret,
                    {{u"mac"_s, nodeMac}}})
                        .ready);
            const auto placed
                = call(admin, u"node.assign"_s, {{u"mac"_s, nodeMac}, {u"stack"_s, 1}, {u"slot"_s, 1}});
            QVERIFY(placed && !placed->isError());
            const QByteArray tokensBefore = readFile(stateFile(fixture, u"tokens.json"_s));
            const QByteArray relaysBefore = readFile(stateFile(fixture, u"relay-state.json"_s));
            const QByteArray nodesBefore = readFile(stateFile(fixture, u"nodes.json"_s));

            QVERIFY2(PrivateTmpfs::fill(fixture.path(u"state"_s), &error), qPrintable(error));
            const QList<std::pair<QString, QJsonObject>> changes {
                {u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {2}}}},
                {u"power"_s, {{u"action"_s, u"off"_s}, {u"stacks"_s, QJsonArray {1}}}},
                {u"token.create"_s, {{u"name"_s, u"new"_s}, {u"role"_s, u"viewer"_s}}},
                {u"token.revoke"_s, {{u"name"_s, u"wall"_s}}},
                {u"join.create"_s, {}},
                {u"node.rename"_s, {{u"mac"_s, nodeMac}, {u"name"_s, u"renamed"_s}}},
                {u"node.assign"_s, {{u"mac"_s, nodeMac}, {u"stack"_s, 2}, {u"slot"_s, 1}}},
                {u"install.start"_s, {{u"stacks"_s, QJsonArray {3}}}},
                {u"maintenance"_s, {{u"stack"_s, 2}, {u"on"_s, true}}},
            };
            for (const auto &[method, params] : changes) {
                const auto reply = call(admin, method, params);
                QVERIFY2(reply, qPrintable(method));
                QVERIFY2(reply->isError(), qPrintable(method + u" reported success on a full disk"_s));
                QVERIFY2(reply->error->message.contains(u"No space left on device"_s),
                    qPrintable(method + u": "_s + reply->error->message));
            }
            QCOMPARE(readFile(stateFile(fixture, u"tokens.json"_s)), tokensBefore);
            QCOMPARE(readFile(stateFile(fixture, u"relay-state.json"_s)), relaysBefore);
            QCOMPARE(readFile(stateFile(fixture, u"nodes.json"_s)), nodesBefore);
            QVERIFY(QFile::remove(fixture.path(u"state/filler"_s)));
        }
        // A restart finds everything as it was before the disk filled.
        auto daemon = fixture.start(&error);
        QVERIFY2(daemon, qPrintable(error));
        QCOMPARE(daemon->relayBank()->state(1), std::optional<bool>(true));
        QCOMPARE(daemon->relayBank()->state(2), std::optional<bool>(false));
        RackClient viewer;
        QVERIFY(connectClient(viewer, daemon->port(), viewerToken, daemon->fingerprint()).ready);
        const auto node = daemon->nodeManager()->inventory()->node(nodeMac);
        QVERIFY(node);
        QCOMPARE(node->stack, std::optional<int>(1));
        QCOMPARE(node->name, u"s1-n1"_s);
    }

private:
    static qint64 simulatedTransitions(const RackdFixture &fixture)
    {
        const JsonFile::ReadResult file = JsonFile::read(fixture.path(u"state/simulated-relays.json"_s));
        return file.object.value(u"transitions"_s).toInteger(-1);
    }
};

PIRACK_TEST_MAIN_WITH_PRIVATE_MOUNTS(TestStateFiles)

#include "tst_statefiles.moc"
