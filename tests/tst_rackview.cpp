// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The rack view, drawn offscreen: each stack where the structure puts it, in its state's colour,
// following events; hit-testing and keyboard selection.
#include "view/rackview.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

QString macOf(int stack, int slot)
{
    return u"dc:a6:32:00:%1:%2"_s.arg(stack, 2, 10, QLatin1Char('0')).arg(slot, 2, 10, QLatin1Char('0'));
}

// A 2 x 2 grid with three stacks of 4: stack 1 all up (ok), stack 2 half up (warning), stack 3 off;
// the cell at row 2, column 2 is empty.
void fill(RackState *rack)
{
    const QJsonArray stacks {
        QJsonObject {{u"id"_s, 1}, {u"row"_s, 1}, {u"column"_s, 1}, {u"pis"_s, 4}, {u"relay"_s, u"on"_s}},
        QJsonObject {{u"id"_s, 2}, {u"row"_s, 1}, {u"column"_s, 2}, {u"pis"_s, 4}, {u"relay"_s, u"on"_s}},
        QJsonObject {{u"id"_s, 3}, {u"row"_s, 2}, {u"column"_s, 1}, {u"pis"_s, 4}, {u"relay"_s, u"off"_s}}};
    QJsonArray nodes;
    for (int stack = 1; stack <= 3; ++stack) {
        for (int slot = 1; slot <= 4; ++slot) {
            const bool up = stack == 1 || (stack == 2 && slot <= 2);
            nodes.append(
                QJsonObject {{u"mac"_s, macOf(stack, slot)}, {u"name"_s, u"s%1-n%2"_s.arg(stack).arg(slot)},
                    {u"stack"_s, stack}, {u"slot"_s, slot}, {u"state"_s, up ? u"up"_s : u"down"_s},
                    {u"metrics"_s,
                        QJsonObject {{u"temperature_c"_s, 40.0 + slot}, {u"cpu_percent"_s, 3.0 * slot}}}});
        }
    }
    QString error;
    if (!rack->applyStatus(
            {{u"rack"_s, QJsonObject {{u"rows"_s, 2}, {u"cols"_s, 2}}}, {u"stacks"_s, stacks}}, &error)
        || !rack->applyNodes({{u"nodes"_s, nodes}}, &error))
        qFatal("%s", qPrintable(error));
}

// The colour of a stack's frame: the middle of its left edge.
QColor frameColor(const QImage &image, const QRect &cell)
{
    return image.pixelColor(cell.left(), cell.center().y());
}

} // namespace

class TestRackView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void drawsEachStackWhereItStandsInItsColour()
    {
        RackState rack;
        fill(&rack);
        RackView view(&rack);
        view.resize(900, 640);
        const QImage image = view.grab().toImage();
        // To look at it: PIRACK_TEST_SCREENSHOT=/tmp/rackview.png QT_QPA_PLATFORM=offscreen tst_rackview
        if (qEnvironmentVariableIsSet("PIRACK_TEST_SCREENSHOT"))
            image.save(qEnvironmentVariable("PIRACK_TEST_SCREENSHOT"));
        QVERIFY(view.stackRect(1).left() < view.stackRect(2).left());
        QCOMPARE(view.stackRect(1).top(), view.stackRect(2).top());
        QVERIFY(view.stackRect(3).top() > view.stackRect(1).bottom());
        QCOMPARE(frameColor(image, view.stackRect(1)), RackView::stateColor(StackState::Ok));
        QCOMPARE(frameColor(image, view.stackRect(2)), RackView::stateColor(StackState::Warning));
        QCOMPARE(frameColor(image, view.stackRect(3)), RackView::stateColor(StackState::Off));
        QVERIFY(view.stackRect(4).isNull());
    }

    void followsEventsAndHitTests()
    {
        RackState rack;
        fill(&rack);
        RackView view(&rack);
        view.resize(900, 640);
        // Stack 3 comes on; none of its Pis is up yet: ko.
        rack.applyEvent({u"relay.changed"_s, {{u"stack"_s, 3}, {u"relay"_s, u"on"_s}}});
        QCOMPARE(frameColor(view.grab().toImage(), view.stackRect(3)), RackView::stateColor(StackState::Ko));

        const QRect cell = view.stackRect(2);
        QCOMPARE(view.stackAt(cell.center()), 2);
        QCOMPARE(
            view.stackAt(QPoint(view.width() - 20, view.stackRect(3).center().y())), 0); // the empty cell
        // The tiles are in slot order: the first one, just under the header, is s2-n1.
        QCOMPARE(view.nodeAt(cell.topLeft() + QPoint(14, 44)), macOf(2, 1));

        QSignalSpy selected(&view, &RackView::stackSelected);
        QTest::mouseClick(&view, Qt::LeftButton, {}, cell.center());
        QCOMPARE(view.selectedStack(), 2);
        QTest::keyClick(&view, Qt::Key_Left);
        QCOMPARE(view.selectedStack(), 1);
        QTest::keyClick(&view, Qt::Key_Down);
        QCOMPARE(view.selectedStack(), 3);
        QTest::keyClick(&view, Qt::Key_Right); // nothing there: stays
        QCOMPARE(view.selectedStack(), 3);
        QCOMPARE(selected.size(), 3);

        QSignalSpy activated(&view, &RackView::nodeActivated);
        QTest::mouseDClick(&view, Qt::LeftButton, {}, cell.topLeft() + QPoint(14, 44));
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.at(0).at(0).toString(), macOf(2, 1));
    }
};

QTEST_MAIN(TestRackView)
#include "tst_rackview.moc"
