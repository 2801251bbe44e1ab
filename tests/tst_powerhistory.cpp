// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// A stack's power history: switches seen live with how long the Pis took, and the audit's older entries.
#include "model/powerhistory.h"
#include "protocol/vocabulary.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Protocol::EventName;

class TestPowerHistory : public QObject
{
    Q_OBJECT

    static QString macOf(int slot) { return u"dc:a6:32:00:02:%1"_s.arg(slot, 2, 10, QLatin1Char('0')); }

    static void load(RackState &state)
    {
        const QJsonObject status {
            {u"rack"_s, QJsonObject {{u"rows"_s, 1}, {u"cols"_s, 2}, {u"relay_backend"_s, u"simulated"_s}}},
            {u"stacks"_s,
                QJsonArray {QJsonObject {{u"id"_s, 1}, {u"row"_s, 1}, {u"column"_s, 1}, {u"pis"_s, 2},
                                {u"relay"_s, u"off"_s}},
                    QJsonObject {{u"id"_s, 2}, {u"row"_s, 1}, {u"column"_s, 2}, {u"pis"_s, 3},
                        {u"relay"_s, u"off"_s}}}}};
        QJsonArray nodes;
        for (int slot = 1; slot <= 3; ++slot)
            nodes.append(QJsonObject {{u"mac"_s, macOf(slot)}, {u"name"_s, u"s2-n%1"_s.arg(slot)},
                {u"stack"_s, 2}, {u"slot"_s, slot}, {u"state"_s, u"down"_s}});
        QString error;
        QVERIFY2(state.applyStatus(status, &error), qPrintable(error));
        QVERIFY2(state.applyNodes({{u"nodes"_s, nodes}}, &error), qPrintable(error));
    }

private Q_SLOTS:
    void aSwitchOnCountsThePisUntilAllAreUp()
    {
        RackState state;
        load(state);
        PowerHistory history(&state);
        const QDateTime on = QDateTime::fromString(u"2026-12-01T23:00:00Z"_s, Qt::ISODate);
        history.applyEvent({Protocol::name(EventName::RelayChanged),
                               {{u"stack"_s, 2}, {u"relay"_s, u"on"_s}, {u"by"_s, u"alice"_s}}},
            on);
        for (int slot = 1; slot <= 2; ++slot)
            history.applyEvent({Protocol::name(EventName::NodeUp),
                                   {{u"mac"_s, macOf(slot)}, {u"stack"_s, 2}, {u"slot"_s, slot}}},
                on.addSecs(20 + slot));
        // A Pi that comes up again (it rebooted) is still one Pi.
        history.applyEvent(
            {Protocol::name(EventName::NodeUp), {{u"mac"_s, macOf(1)}, {u"stack"_s, 2}, {u"slot"_s, 1}}},
            on.addSecs(30));
        PowerSwitch last = history.forStack(2).constFirst();
        QCOMPARE(last.what, u"on"_s);
        QCOMPARE(last.by, u"alice"_s);
        QCOMPARE(last.expected, 3);
        QCOMPARE(last.up, 2);
        QCOMPARE(last.upAfterMs, -1); // not all of them yet
        history.applyEvent(
            {Protocol::name(EventName::NodeUp), {{u"mac"_s, macOf(3)}, {u"stack"_s, 2}, {u"slot"_s, 3}}},
            on.addSecs(47));
        last = history.forStack(2).constFirst();
        QCOMPARE(last.up, 3);
        QCOMPARE(last.upAfterMs, 47000);
        // Another stack's Pis, a Pi after the count is complete, and a switch off change nothing of it.
        history.applyEvent(
            {Protocol::name(EventName::NodeUp), {{u"mac"_s, macOf(1)}, {u"stack"_s, 2}}}, on.addSecs(90));
        QCOMPARE(history.forStack(2).constFirst().upAfterMs, 47000);
        history.applyEvent({Protocol::name(EventName::RelayChanged),
                               {{u"stack"_s, 2}, {u"relay"_s, u"off"_s}, {u"by"_s, u"recovery"_s}}},
            on.addSecs(600));
        QCOMPARE(history.forStack(2).size(), 2);
        QCOMPARE(history.forStack(2).constFirst().by, u"recovery"_s);
        QVERIFY(history.forStack(1).isEmpty());
        history.clear(); // another rack
        QVERIFY(history.forStack(2).isEmpty());
    }

    void theAuditAddsWhatHappenedBefore()
    {
        RackState state;
        load(state);
        PowerHistory history(&state);
        const QJsonArray audit {
            QJsonObject {{u"time"_s, u"2026-12-01T20:00:00.000Z"_s}, {u"token"_s, u"bob"_s},
                {u"request"_s, u"power"_s},
                {u"params"_s, QJsonObject {{u"action"_s, u"cycle"_s}, {u"stacks"_s, QJsonArray {2}}}},
                {u"targets"_s, QJsonArray {2}}, {u"result"_s, u"ok"_s}},
            QJsonObject {{u"time"_s, u"2026-12-01T21:00:00.000Z"_s}, {u"token"_s, u"recovery"_s},
                {u"request"_s, u"recovery.cycle"_s}, {u"params"_s, QJsonObject {{u"stack"_s, 2}}},
                {u"targets"_s, QJsonArray {2}}, {u"result"_s, u"started"_s}},
            QJsonObject {{u"time"_s, u"2026-12-01T21:30:00.000Z"_s}, {u"token"_s, u"carol"_s},
                {u"request"_s, u"power"_s},
                {u"params"_s, QJsonObject {{u"action"_s, u"off"_s}, {u"stacks"_s, QJsonArray {1}}}},
                {u"targets"_s, QJsonArray {1}}, {u"result"_s, u"ok"_s}}, // another stack
            QJsonObject {{u"time"_s, u"2026-12-01T22:00:00.000Z"_s}, {u"token"_s, u"bob"_s},
                {u"request"_s, u"exec"_s}, {u"params"_s, QJsonObject {}}, {u"targets"_s, QJsonArray {2}},
                {u"result"_s, u"ok"_s}}, // not power
        };
        history.applyEvent({Protocol::name(EventName::RelayChanged),
                               {{u"stack"_s, 2}, {u"relay"_s, u"on"_s}, {u"by"_s, u"alice"_s}}},
            QDateTime::fromString(u"2026-12-01T23:00:00Z"_s, Qt::ISODate));
        const QList<PowerSwitch> all = history.forStack(2, audit);
        QCOMPARE(all.size(), 3);
        QVERIFY(all.at(0).live);
        QCOMPARE(all.at(1).what, u"recovery.cycle"_s);
        QCOMPARE(all.at(1).by, u"recovery"_s);
        QCOMPARE(all.at(2).what, u"power cycle"_s);
        QCOMPARE(all.at(2).by, u"bob"_s);
    }
};

QTEST_GUILESS_MAIN(TestPowerHistory)
#include "tst_powerhistory.moc"
