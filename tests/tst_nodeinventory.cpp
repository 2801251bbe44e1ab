// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "nodeinventory.h"
#include "structure/structurereader.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(StackState)

namespace {
RackStructure rack()
{
    return *StructureReader::parse(
        "[rack]\npi_stack = 2\nrows = 1\ncols = 2\nrelay_backend = simulated\n[1]\nx=1\ny=1\n"
        "[2]\nx=1\ny=2\npis = 1\n",
        u"r.ini"_s)
                .structure;
}
QByteArray credential(const char *secret)
{
    return QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
}
} // namespace

class TestNodeInventory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void registerAssignAndReload()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"nodes.json"_s);
        NodeInventory inventory(path);
        QString error;
        QVERIFY(inventory.load(&error));
        QVERIFY(inventory.registerNode(
            u"DC:A6:32:01:02:03"_s, {{u"hostname"_s, u"raspberrypi"_s}}, credential("a"), &error));
        QVERIFY(!inventory.node(u"dc:a6:32:01:02:03"_s)->isAssigned()); // joined, not placed yet
        Protocol::Error failure;
        QVERIFY2(
            inventory.assign(u"dc:a6:32:01:02:03"_s, 1, 2, rack(), &failure), qPrintable(failure.message));
        const auto node = inventory.node(u"dc:a6:32:01:02:03"_s);
        QCOMPARE(node->name, u"s1-n2"_s);
        QCOMPARE(node->address, u"10.42.0.12"_s);
        QCOMPARE(inventory.authenticate(credential("a"))->mac, u"dc:a6:32:01:02:03"_s);
        QVERIFY(!inventory.authenticate(credential("b")));

        NodeInventory reloaded(path);
        QVERIFY(reloaded.load(&error));
        QCOMPARE(reloaded.nodeAt(1, 2)->mac, u"dc:a6:32:01:02:03"_s);
        QCOMPARE(reloaded.node(u"dc:a6:32:01:02:03"_s)->identity.value(u"hostname"_s).toString(),
            u"raspberrypi"_s);
        QCOMPARE(reloaded.authenticate(credential("a"))->name, u"s1-n2"_s);
    }

    void assignmentIsChecked_data()
    {
        QTest::addColumn<QString>("mac");
        QTest::addColumn<int>("stack");
        QTest::addColumn<int>("slot");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("code");
        QTest::newRow("unknown node")
            << u"aa:bb:cc:dd:ee:ff"_s << 1 << 1 << u"no node with MAC aa:bb:cc:dd:ee:ff has joined"_s
            << Protocol::ErrorCode::NotFound;
        QTest::newRow("unknown stack")
            << u"dc:a6:32:00:00:02"_s << 9 << 1 << u"there is no stack 9"_s << Protocol::ErrorCode::NotFound;
        QTest::newRow("slot beyond the stack")
            << u"dc:a6:32:00:00:02"_s << 2 << 2 << u"stack 2 has slots 1 to 1"_s
            << Protocol::ErrorCode::BadRequest;
        QTest::newRow("slot taken") << u"dc:a6:32:00:00:02"_s << 1 << 1
                                    << u"stack 1 slot 1 is taken by dc:a6:32:00:00:01 (s1-n1)"_s
                                    << Protocol::ErrorCode::Conflict;
    }

    void assignmentIsChecked()
    {
        QFETCH(QString, mac);
        QFETCH(int, stack);
        QFETCH(int, slot);
        QFETCH(QString, error);
        QFETCH(QString, code);
        QTemporaryDir dir;
        NodeInventory inventory(dir.filePath(u"nodes.json"_s));
        QString problem;
        QVERIFY(inventory.registerNode(u"dc:a6:32:00:00:01"_s, {}, credential("1"), &problem));
        QVERIFY(inventory.registerNode(u"dc:a6:32:00:00:02"_s, {}, credential("2"), &problem));
        Protocol::Error found;
        QVERIFY(inventory.assign(u"dc:a6:32:00:00:01"_s, 1, 1, rack(), &found));
        QVERIFY(!inventory.assign(mac, stack, slot, rack(), &found));
        QCOMPARE(found.message, error);
        QCOMPARE(found.code, code);
    }

    void heartbeatsAreSavedAtMostOnceAMinute()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"nodes.json"_s);
        NodeInventory inventory(path);
        QString error;
        QVERIFY(inventory.registerNode(u"dc:a6:32:00:00:01"_s, {}, credential("1"), &error));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        inventory.recordHeartbeat(u"dc:a6:32:00:00:01"_s, {{u"cpu_percent"_s, 12.5}}, now);
        QVERIFY(inventory.saveIfDue(now, &error)); // just saved by registerNode: not due yet
        NodeInventory early(path);
        QVERIFY(early.load(&error));
        QVERIFY(early.node(u"dc:a6:32:00:00:01"_s)->lastMetrics.isEmpty());
        QVERIFY(inventory.saveIfDue(now.addSecs(61), &error));
        NodeInventory later(path);
        QVERIFY(later.load(&error));
        QCOMPARE(later.node(u"dc:a6:32:00:00:01"_s)->lastMetrics.value(u"cpu_percent"_s).toDouble(), 12.5);
    }

    void stackStates_data()
    {
        QTest::addColumn<int>("relay"); // -1 unknown, 0 off, 1 on
        QTest::addColumn<int>("up");
        QTest::addColumn<StackState>("state");
        QTest::newRow("all up") << 1 << 4 << StackState::Ok;
        QTest::newRow("some up") << 1 << 2 << StackState::Warning;
        QTest::newRow("none up") << 1 << 0 << StackState::Ko;
        QTest::newRow("relay off") << 0 << 0 << StackState::Off;
        QTest::newRow("relay unknown, all up") << -1 << 4 << StackState::Ok;
    }

    void stackStates()
    {
        QFETCH(int, relay);
        QFETCH(int, up);
        QFETCH(StackState, state);
        const std::optional<bool> relayOn = relay < 0 ? std::nullopt : std::optional<bool>(relay == 1);
        QCOMPARE(stackState(relayOn, 4, up), state);
    }
};

QTEST_GUILESS_MAIN(TestNodeInventory)
#include "tst_nodeinventory.moc"
