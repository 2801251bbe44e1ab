// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The node table and its search box over a 1000-Pi rack.
#include "model/nodetablemodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

QString macOf(int index)
{
    return u"dc:a6:32:00:%1:%2"_s.arg(index / 256, 2, 16, QLatin1Char('0'))
        .arg(index % 256, 2, 16, QLatin1Char('0'));
}

// 40 stacks of 25 Pis: 1000 nodes, every one placed and up.
void fill(RackState *rack)
{
    QJsonArray stacks;
    QJsonArray nodes;
    for (int stack = 1; stack <= 40; ++stack) {
        stacks.append(QJsonObject {{u"id"_s, stack}, {u"row"_s, (stack - 1) / 8 + 1},
            {u"column"_s, (stack - 1) % 8 + 1}, {u"pis"_s, 25}, {u"relay"_s, u"on"_s}});
        for (int slot = 1; slot <= 25; ++slot) {
            const int index = (stack - 1) * 25 + slot;
            nodes.append(
                QJsonObject {{u"mac"_s, macOf(index)}, {u"name"_s, u"s%1-n%2"_s.arg(stack).arg(slot)},
                    {u"address"_s, u"10.42.%1.%2"_s.arg(index / 250).arg(index % 250 + 1)},
                    {u"stack"_s, stack}, {u"slot"_s, slot}, {u"state"_s, u"up"_s}});
        }
    }
    QString error;
    const bool ok
        = rack->applyStatus(
              {{u"rack"_s, QJsonObject {{u"rows"_s, 5}, {u"cols"_s, 8}}}, {u"stacks"_s, stacks}}, &error)
        && rack->applyNodes({{u"nodes"_s, nodes}}, &error);
    if (!ok)
        qFatal("%s", qPrintable(error));
}

} // namespace

class TestNodeTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsEveryNodeInRackOrder()
    {
        RackState rack;
        NodeTableModel model(&rack);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        fill(&rack);
        QCOMPARE(model.rowCount(), 1000);
        QCOMPARE(model.index(0, NodeTableModel::Name).data().toString(), u"s1-n1"_s);
        QCOMPARE(model.index(999, NodeTableModel::Name).data().toString(), u"s40-n25"_s);
        QCOMPARE(model.index(26, NodeTableModel::Stack).data().toInt(), 2);
        // Up, with no CPU share yet (the agent needs two samples for one): said so, not "-".
        QCOMPARE(model.index(0, NodeTableModel::Cpu).data().toString(), u"measuring…"_s);
        rack.applyEvent(
            {u"node.down"_s, {{u"mac"_s, model.index(0, NodeTableModel::Mac).data().toString()}}});
        QCOMPARE(model.index(0, NodeTableModel::Cpu).data().toString(), u"-"_s);
        QCOMPARE(model.headerData(NodeTableModel::Mac, Qt::Horizontal).toString(), u"MAC"_s);
    }

    void aBatchOfHeartbeatsIsOneChangePerRunOfRows()
    {
        RackState rack;
        NodeTableModel model(&rack);
        fill(&rack);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        // Stacks 3 and 4 (rows 50 to 99, one run) and one node of stack 10 (row 225).
        QJsonArray batch;
        for (int index = 51; index <= 100; ++index)
            batch.append(QJsonObject {
                {u"mac"_s, macOf(index)}, {u"metrics"_s, QJsonObject {{u"temperature_c"_s, 51.5}}}});
        batch.append(
            QJsonObject {{u"mac"_s, macOf(226)}, {u"metrics"_s, QJsonObject {{u"cpu_percent"_s, 12.25}}}});
        rack.applyEvent({u"node.metrics"_s, {{u"nodes"_s, batch}}});
        QCOMPARE(changed.size(), 2);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 50);
        QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 99);
        QCOMPARE(changed.at(1).at(0).toModelIndex().row(), 225);
        QCOMPARE(model.index(99, NodeTableModel::Temperature).data().toString(), u"51.5"_s);
        QCOMPARE(model.index(225, NodeTableModel::Cpu).data().toString(), u"12.3"_s);
    }

    void searchMatchesNameMacAddressAndStack()
    {
        RackState rack;
        NodeTableModel model(&rack);
        NodeFilterModel filter;
        filter.setSourceModel(&model);
        fill(&rack);
        filter.setSearchText(u"s12-n2"_s);
        QCOMPARE(filter.rowCount(), 7); // s12-n2 and s12-n20 .. s12-n25
        filter.setSearchText(u"DC:A6:32:00:01:00"_s);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, NodeTableModel::Name).data().toString(), u"s11-n6"_s);
        filter.setSearchText(u"10.42.2.250"_s);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, NodeTableModel::Name).data().toString(), u"s30-n24"_s);
        filter.setSearchText(u"stack 40"_s);
        QCOMPARE(filter.rowCount(), 25);
        filter.setSearchText(u"  "_s);
        QCOMPARE(filter.rowCount(), 1000);
    }
};

QTEST_GUILESS_MAIN(TestNodeTableModel)
#include "tst_nodetablemodel.moc"
