// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The desktop's picture of a rack, from rackd's answers and events, with malformed input refused.
#include "model/rackstate.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

QJsonObject status(int stacks = 2, int pis = 2)
{
    QJsonArray list;
    for (int id = 1; id <= stacks; ++id) {
        list.append(QJsonObject {{u"id"_s, id}, {u"row"_s, 1}, {u"column"_s, id}, {u"relay_channel"_s, id},
            {u"pis"_s, pis}, {u"relay"_s, u"on"_s}, {u"busy"_s, false}});
    }
    return {
        {u"rack"_s, QJsonObject {{u"rows"_s, 1}, {u"cols"_s, stacks}, {u"relay_backend"_s, u"simulated"_s}}},
        {u"stacks"_s, list}};
}

QString macOf(int stack, int slot)
{
    return u"dc:a6:32:00:%1:%2"_s.arg(stack, 2, 10, QLatin1Char('0')).arg(slot, 2, 10, QLatin1Char('0'));
}

QJsonObject nodes(int stacks = 2, int pis = 2, const QString &state = u"up"_s)
{
    QJsonArray list;
    for (int stack = stacks; stack >= 1; --stack) { // not in rack order: the model sorts
        for (int slot = 1; slot <= pis; ++slot) {
            list.append(
                QJsonObject {{u"mac"_s, macOf(stack, slot)}, {u"name"_s, u"s%1-n%2"_s.arg(stack).arg(slot)},
                    {u"address"_s, u"10.42.0.%1"_s.arg(10 + stack * 10 + slot)}, {u"stack"_s, stack},
                    {u"slot"_s, slot}, {u"state"_s, state},
                    {u"metrics"_s, QJsonObject {{u"cpu_percent"_s, 5.0}}}});
        }
    }
    return {{u"nodes"_s, list}};
}

} // namespace

class TestRackState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void statusAndNodesGiveTheRack()
    {
        RackState rack;
        QSignalSpy reset(&rack, &RackState::reset);
        QString error;
        QVERIFY2(rack.applyStatus(status(), &error), qPrintable(error));
        QVERIFY2(rack.applyNodes(nodes(), &error), qPrintable(error));
        QCOMPARE(reset.size(), 2);
        QCOMPARE(rack.rows(), 1);
        QCOMPARE(rack.columns(), 2);
        QCOMPARE(rack.relayBackend(), u"simulated"_s);
        QCOMPARE(rack.stackAt(1, 2)->id, 2);
        QCOMPARE(rack.stack(1)->up, 2);
        QCOMPARE(rack.stack(1)->state(), StackState::Ok);
        QCOMPARE(rack.nodeOrder(), (QStringList {macOf(1, 1), macOf(1, 2), macOf(2, 1), macOf(2, 2)}));
        QCOMPARE(rack.nodesOfStack(2).at(1).name, u"s2-n2"_s);
    }

    void malformedAnswersChangeNothing_data()
    {
        QTest::addColumn<QJsonObject>("answer");
        QTest::addColumn<QString>("error");
        QJsonObject noGrid = status();
        noGrid.insert(u"rack"_s, QJsonObject {{u"rows"_s, 0}, {u"cols"_s, 2}});
        QTest::newRow("grid") << noGrid
                              << u"rackd's status has no valid grid (rows and cols from 1 to 1000)"_s;
        QJsonObject offGrid = status();
        QJsonArray stacks = offGrid.value(u"stacks"_s).toArray();
        QJsonObject second = stacks.at(1).toObject();
        second.insert(u"column"_s, 9);
        stacks.replace(1, second);
        offGrid.insert(u"stacks"_s, stacks);
        QTest::newRow("outside the grid")
            << offGrid << u"stack 2 of rackd's status is not valid (id, row, column within the grid, pis)"_s;
    }

    void malformedAnswersChangeNothing()
    {
        QFETCH(QJsonObject, answer);
        QFETCH(QString, error);
        RackState rack;
        QString message;
        QVERIFY(rack.applyStatus(status(3), &message));
        QSignalSpy reset(&rack, &RackState::reset);
        QVERIFY(!rack.applyStatus(answer, &message));
        QCOMPARE(message, error);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(rack.stacks().size(), 3);

        QJsonObject badNodes = nodes();
        QJsonArray list = badNodes.value(u"nodes"_s).toArray();
        QJsonObject node = list.at(0).toObject();
        node.insert(u"mac"_s, u"<script>"_s);
        list.replace(0, node);
        badNodes.insert(u"nodes"_s, list);
        QVERIFY(!rack.applyNodes(badNodes, &message));
        QCOMPARE(message, u"rackd's node list: \"<script>\" is not a MAC address"_s);
        QVERIFY(rack.nodeOrder().isEmpty());
    }

    void eventsKeepItCurrent()
    {
        RackState rack;
        QString error;
        QVERIFY(rack.applyStatus(status(), &error) && rack.applyNodes(nodes(), &error));
        QSignalSpy stackChanged(&rack, &RackState::stackChanged);
        QSignalSpy nodesChanged(&rack, &RackState::nodesChanged);
        QSignalSpy reset(&rack, &RackState::reset);

        rack.applyEvent({u"node.down"_s, {{u"mac"_s, macOf(1, 2)}, {u"stack"_s, 1}, {u"slot"_s, 2}}});
        QCOMPARE(rack.stack(1)->up, 1);
        QCOMPARE(rack.stack(1)->state(), StackState::Warning);
        QCOMPARE(stackChanged.takeFirst().at(0).toInt(), 1);
        QCOMPARE(nodesChanged.takeFirst().at(0).toStringList(), QStringList {macOf(1, 2)});

        rack.applyEvent({u"relay.changed"_s, {{u"stack"_s, 2}, {u"relay"_s, u"off"_s}}});
        QCOMPARE(rack.stack(2)->relay, std::optional<bool>(false));
        QCOMPARE(rack.stack(2)->state(), StackState::Off);

        // One metrics event for many nodes is one change signal.
        rack.applyEvent({u"node.metrics"_s,
            {{u"nodes"_s,
                QJsonArray {QJsonObject {{u"mac"_s, macOf(1, 1)},
                                {u"metrics"_s, QJsonObject {{u"cpu_percent"_s, 42.0}}}},
                    QJsonObject {
                        {u"mac"_s, macOf(2, 1)}, {u"metrics"_s, QJsonObject {{u"cpu_percent"_s, 7.0}}}},
                    QJsonObject {{u"mac"_s, u"02:00:00:00:00:99"_s}}}}}});
        QCOMPARE(nodesChanged.size(), 1);
        QCOMPARE(nodesChanged.takeFirst().at(0).toStringList(), (QStringList {macOf(1, 1), macOf(2, 1)}));
        QCOMPARE(rack.node(macOf(1, 1))->metrics.value(u"cpu_percent"_s).toDouble(), 42.0);

        // A node that joined just now appears; the order is rebuilt.
        rack.applyEvent({u"node.up"_s, {{u"mac"_s, u"02:00:00:00:00:01"_s}}});
        QCOMPARE(reset.size(), 1);
        QCOMPARE(rack.nodeOrder().constLast(), u"02:00:00:00:00:01"_s);
        QCOMPARE(rack.node(u"02:00:00:00:00:01"_s)->label(), u"02:00:00:00:00:01"_s);

        // A rename changes the label, nothing else.
        rack.applyEvent({u"node.renamed"_s,
            {{u"mac"_s, macOf(1, 1)}, {u"name"_s, u"head-node"_s}, {u"stack"_s, 1}, {u"slot"_s, 1}}});
        QCOMPARE(rack.node(macOf(1, 1))->label(), u"head-node"_s);
        QCOMPARE(nodesChanged.takeFirst().at(0).toStringList(), QStringList {macOf(1, 1)});

        // Nonsense from the network is dropped.
        rack.applyEvent({u"relay.changed"_s, {{u"stack"_s, 77}, {u"relay"_s, u"on"_s}}});
        rack.applyEvent({u"node.up"_s, {{u"mac"_s, 12}}});
        rack.applyEvent({u"node.renamed"_s, {{u"mac"_s, macOf(1, 2)}, {u"name"_s, QString(200, u'x')}}});
        QCOMPARE(rack.node(macOf(1, 2))->label(), u"s1-n2"_s);
        QVERIFY(nodesChanged.isEmpty());
        QCOMPARE(stackChanged.size(), 1); // only the relay change above
        QCOMPARE(reset.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRackState)
#include "tst_rackstate.moc"
