// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The desktop's event log: sentences with severities, the filter, the raw event one click away.
#include "model/eventlogmodel.h"
#include "protocol/vocabulary.h"
#include "screenshots.h"
#include "view/eventlogpane.h"

#include <QComboBox>
#include <QJsonArray>
#include <QListView>
#include <QPlainTextEdit>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Protocol::EventName;

class TestEventLog : public QObject
{
    Q_OBJECT

    static Protocol::Event event(EventName name, const QJsonObject &data)
    {
        return {Protocol::name(name), data};
    }

    // A small evening on the rack: alice switches stack 2, a Pi is lost, recovery gives up on stack 3.
    static void fill(EventLogModel &log)
    {
        log.setMyName(u"alice"_s);
        const QDateTime at = QDateTime::fromString(u"2026-12-01T23:04:05"_s, Qt::ISODate);
        QVERIFY(log.addEvent(
            event(EventName::RelayChanged, {{u"stack"_s, 2}, {u"relay"_s, u"on"_s}, {u"by"_s, u"alice"_s}}),
            at));
        QVERIFY(log.addEvent(
            event(EventName::RelayChanged, {{u"stack"_s, 4}, {u"relay"_s, u"off"_s}, {u"by"_s, u"bob"_s}}),
            at));
        QVERIFY(log.addEvent(event(EventName::NodeDown,
                                 {{u"mac"_s, u"02:00:00:00:03:01"_s}, {u"name"_s, u"s3-n1"_s},
                                     {u"stack"_s, 3}, {u"slot"_s, 1}}),
            at));
        QVERIFY(!log.addEvent(
            event(EventName::NodeMetrics, {{u"mac"_s, u"02:00:00:00:03:02"_s}}), at)); // routine
        log.addLine(u"Power on of stack 2: done"_s, EventWording::Severity::Info, 2);
    }

private Q_SLOTS:
    void entriesKeepSeverityStackAndWhoDidIt()
    {
        EventLogModel log;
        fill(log);
        QCOMPARE(log.rowCount(), 4);
        const QModelIndex first = log.index(0);
        QCOMPARE(first.data().toString(), u"23:04:05  Stack 2 switched on by alice"_s);
        QVERIFY(first.data(EventLogModel::MineRole).toBool());
        QVERIFY(!log.index(1).data(EventLogModel::MineRole).toBool()); // bob's
        const QModelIndex down = log.index(2);
        QVERIFY2(down.data().toString().startsWith(u"23:04:05  Warning: s3-n1 (stack 3, slot 1)"_s),
            qPrintable(down.data().toString()));
        QCOMPARE(down.data(EventLogModel::StackRole).toInt(), 3);
        QVERIFY(!down.data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(down.data(EventLogModel::RawRole).toString().contains(u"\"mac\": \"02:00:00:00:03:01\""_s));
        QVERIFY(log.index(3).data(EventLogModel::MineRole).toBool()); // the app's own line
        QVERIFY(log.index(3).data(EventLogModel::RawRole).toString().isEmpty());
    }

    void aPiOfAStackSwitchedOffIsDownWithoutAWarning()
    {
        RackState rack;
        QString error;
        QVERIFY(rack.applyStatus(
            {{u"rack"_s, QJsonObject {{u"rows"_s, 1}, {u"cols"_s, 1}, {u"relay_backend"_s, u"simulated"_s}}},
                {u"stacks"_s,
                    QJsonArray {QJsonObject {{u"id"_s, 3}, {u"row"_s, 1}, {u"column"_s, 1}, {u"pis"_s, 1},
                        {u"relay"_s, u"on"_s}}}}},
            &error));
        EventLogModel log;
        log.setRack(&rack);
        const Protocol::Event down = event(EventName::NodeDown,
            {{u"mac"_s, u"02:00:00:00:03:01"_s}, {u"name"_s, u"s3-n1"_s}, {u"stack"_s, 3}, {u"slot"_s, 1}});
        log.addEvent(down); // its stack is on: something is wrong
        QCOMPARE(
            log.index(0).data(EventLogModel::SeverityRole).toInt(), int(EventWording::Severity::Warning));
        rack.applyEvent(event(EventName::RelayChanged, {{u"stack"_s, 3}, {u"relay"_s, u"off"_s}}));
        log.addEvent(down);
        QCOMPARE(log.index(1).data(EventLogModel::SeverityRole).toInt(), int(EventWording::Severity::Info));
        QCOMPARE(log.index(1).data(EventLogModel::TextRole).toString(),
            u"s3-n1 (stack 3, slot 1) is down: its stack is switched off"_s);
    }

    void theLogKeepsItsNewestEntries()
    {
        EventLogModel log(3);
        for (int i = 1; i <= 5; ++i)
            log.addLine(u"line %1"_s.arg(i));
        QCOMPARE(log.rowCount(), 3);
        QCOMPARE(log.index(0).data(EventLogModel::TextRole).toString(), u"line 3"_s);
    }

    void aLineFromTheNetworkStaysOneLine()
    {
        EventLogModel log;
        log.addEvent(event(EventName::NodeUp,
            {{u"mac"_s, u"02:00:00:00:01:01"_s}, {u"name"_s, u"evil\n\x1b[31mname"_s}, {u"stack"_s, 1},
                {u"slot"_s, 1}}));
        const QString text = log.index(0).data(EventLogModel::TextRole).toString();
        QVERIFY2(!text.contains(u'\n') && !text.contains(QChar(0x1b)), qPrintable(text));
    }

    void theFilterShowsAllWarningsMineOrOneStack()
    {
        EventLogModel log;
        fill(log);
        EventLogPane pane(&log);
        pane.setStacks({1, 2, 3, 4});
        QCOMPARE(pane.filterBox()->count(), 7); // all, warnings, mine, stacks 1 to 4
        QCOMPARE(pane.shownCount(), 4);
        const auto choose = [&pane](const QVariant &data) {
            pane.filterBox()->setCurrentIndex(pane.filterBox()->findData(data));
            QStringList shown;
            for (int row = 0; row < pane.view()->model()->rowCount(); ++row)
                shown.append(pane.view()->model()->index(row, 0).data(EventLogModel::TextRole).toString());
            return shown;
        };
        QCOMPARE(choose(u"warnings"_s), QStringList {u"s3-n1 (stack 3, slot 1) is down"_s});
        QCOMPARE(choose(u"mine"_s),
            (QStringList {u"Stack 2 switched on by alice"_s, u"Power on of stack 2: done"_s}));
        QCOMPARE(choose(4), QStringList {u"Stack 4 switched off by bob"_s});
        // A new stack list (another rack) keeps the choice where it still exists.
        pane.setStacks({1, 2, 3, 4, 5});
        QCOMPARE(pane.filterBox()->currentData(), QVariant(4));
        QCOMPARE(choose(u"all"_s).size(), 4);
    }

    void theRawEventIsOneClickAway()
    {
        EventLogModel log;
        fill(log);
        EventLogPane pane(&log);
        pane.resize(700, 360);
        pane.show();
        QVERIFY(pane.rawView()->isHidden()); // until an event is selected
        pane.view()->setCurrentIndex(pane.view()->model()->index(2, 0));
        QVERIFY(pane.rawView()->isVisible());
        QVERIFY2(pane.rawView()->toPlainText().contains(u"\"event\": \"node.down\""_s),
            qPrintable(pane.rawView()->toPlainText()));
        saveScreenshot(&pane, u"event-log"_s);
        pane.view()->setCurrentIndex(pane.view()->model()->index(3, 0));
        QVERIFY(pane.rawView()->toPlainText().contains(u"written by this app"_s));
    }
};

QTEST_MAIN(TestEventLog)
#include "tst_eventlog.moc"
