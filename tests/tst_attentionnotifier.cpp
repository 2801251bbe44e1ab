// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// What reaches the desktop's notifications: only what needs a person, gathered, and off by choice.
#include "protocol/installrecord.h"
#include "protocol/vocabulary.h"
#include "session/attentionnotifier.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Protocol::EventName;

namespace {

struct Sent
{
    QString title;
    QString body;
    bool critical = false;
};

class RecordingSink : public NotificationSink
{
public:
    QList<Sent> sent;
    void notify(const QString &title, const QString &body, bool critical) override
    {
        sent.append({title, body, critical});
    }
    QString name() const override { return u"test"_s; }
};

QString macOf(int stack, int slot)
{
    return u"dc:a6:32:00:%1:%2"_s.arg(stack, 2, 10, QLatin1Char('0')).arg(slot, 2, 10, QLatin1Char('0'));
}

QJsonObject status(const QString &relay)
{
    QJsonArray list;
    for (int id = 1; id <= 2; ++id)
        list.append(QJsonObject {{u"id"_s, id}, {u"row"_s, 1}, {u"column"_s, id}, {u"relay_channel"_s, id},
            {u"pis"_s, 2}, {u"relay"_s, relay}, {u"busy"_s, false}});
    return {{u"rack"_s, QJsonObject {{u"rows"_s, 1}, {u"cols"_s, 2}, {u"relay_backend"_s, u"simulated"_s}}},
        {u"stacks"_s, list}};
}

QJsonObject nodes(const QString &state)
{
    QJsonArray list;
    for (int stack = 1; stack <= 2; ++stack) {
        for (int slot = 1; slot <= 2; ++slot)
            list.append(
                QJsonObject {{u"mac"_s, macOf(stack, slot)}, {u"name"_s, u"s%1-n%2"_s.arg(stack).arg(slot)},
                    {u"stack"_s, stack}, {u"slot"_s, slot}, {u"state"_s, state}});
    }
    return {{u"nodes"_s, list}};
}

Protocol::Event rackEvent(EventName name, const QJsonObject &data) { return {Protocol::name(name), data}; }

} // namespace

class TestAttentionNotifier : public QObject
{
    Q_OBJECT

    RackState m_state;
    RackSession m_session {&m_state};
    RecordingSink m_sink;

    void load(const QString &relay, const QString &nodeState)
    {
        QString error;
        QVERIFY(m_state.applyStatus(status(relay), &error));
        QVERIFY2(m_state.applyNodes(nodes(nodeState), &error), qPrintable(error));
    }

private Q_SLOTS:
    void init() { m_sink.sent.clear(); }

    void aRunningStackThatGoesKoIsNotifiedAndABootingOneIsNot()
    {
        AttentionNotifier notifier(&m_session, &m_state, &m_sink);
        notifier.setRackName(u"lab"_s);
        notifier.setGatherTime(std::chrono::milliseconds(50));
        QSignalSpy notified(&notifier, &AttentionNotifier::notified);
        load(u"off"_s, u"down"_s);
        m_state.applyEvent(rackEvent(EventName::RelayChanged, {{u"stack"_s, 1}, {u"relay"_s, u"on"_s}}));
        QCOMPARE(m_state.stack(1)->state(), StackState::Ko); // just switched on: ko while the Pis boot
        m_state.applyEvent(rackEvent(EventName::NodeUp, {{u"mac"_s, macOf(1, 1)}}));
        m_state.applyEvent(rackEvent(EventName::NodeUp, {{u"mac"_s, macOf(1, 2)}}));
        QVERIFY(!notified.wait(300)); // booting is not news
        m_state.applyEvent(rackEvent(EventName::NodeDown, {{u"mac"_s, macOf(1, 1)}}));
        m_state.applyEvent(rackEvent(EventName::NodeDown, {{u"mac"_s, macOf(1, 2)}})); // every Pi gone
        QVERIFY(notified.wait(5000));
        QCOMPARE(m_sink.sent.size(), 1);
        QCOMPARE(m_sink.sent.at(0).title, u"PiRack: lab needs you"_s);
        QCOMPARE(m_sink.sent.at(0).body, u"Stack 1 is ko: none of its Pis answers."_s);
        QVERIFY(m_sink.sent.at(0).critical);
    }

    void lostPisAreGatheredIntoOneNotification()
    {
        AttentionNotifier notifier(&m_session, &m_state, &m_sink);
        notifier.setGatherTime(std::chrono::milliseconds(200));
        QSignalSpy notified(&notifier, &AttentionNotifier::notified);
        load(u"on"_s, u"up"_s);
        for (int slot = 1; slot <= 2; ++slot)
            Q_EMIT m_session.eventReceived(rackEvent(EventName::RecoveryDetected,
                {{u"mac"_s, macOf(2, slot)}, {u"name"_s, u"s2-n%1"_s.arg(slot)}, {u"stack"_s, 2},
                    {u"slot"_s, slot}, {u"condition"_s, u"lost"_s}, {u"reason"_s, u"no heartbeat for 60 s"_s},
                    {u"action"_s, u"Waiting."_s}}));
        Q_EMIT m_session.eventReceived(rackEvent(EventName::RecoveryDetected,
            {{u"mac"_s, macOf(1, 1)}, {u"condition"_s, u"agent-gone"_s},
                {u"reason"_s, u"closed"_s}})); // not alarming
        Q_EMIT m_session.eventReceived(
            rackEvent(EventName::RelayChanged, {{u"stack"_s, 2}, {u"relay"_s, u"off"_s}}));
        QVERIFY(notified.wait(5000));
        QCOMPARE(m_sink.sent.size(), 1);
        QCOMPARE(m_sink.sent.at(0).title, u"PiRack: 2 things on the rack need you"_s);
        QVERIFY2(m_sink.sent.at(0).body.startsWith(u"s2-n1 (stack 2, slot 1) is lost"_s),
            qPrintable(m_sink.sent.at(0).body));
        QCOMPARE(m_sink.sent.at(0).body.count(u'\n'), 1);
    }

    void anInstallWaitingForADecisionIsSaidOnce()
    {
        AttentionNotifier notifier(&m_session, &m_state, &m_sink);
        notifier.setGatherTime(std::chrono::milliseconds(50));
        QSignalSpy notified(&notifier, &AttentionNotifier::notified);
        InstallRecord record;
        record.outcome = InstallRecord::Outcome::WaitingForDecision;
        InstallStack stack;
        stack.id = 3;
        stack.slots = {1, 2, 3, 4};
        stack.status = InstallStack::Status::NeedsDecision;
        stack.attempts = 1;
        stack.problem = u"found 3 of 4 Pis"_s;
        record.stacks = {stack};
        Q_EMIT m_session.installChanged(record.toJson());
        Q_EMIT m_session.installChanged(record.toJson()); // the same wait again: said once
        QVERIFY(notified.wait(5000));
        QVERIFY(!notified.wait(300));
        QCOMPARE(m_sink.sent.size(), 1);
        QCOMPARE(m_sink.sent.at(0).body, u"The install waits for a decision on stack 3: found 3 of 4 Pis"_s);
    }

    void offByChoiceSendsNothing()
    {
        AttentionNotifier notifier(&m_session, &m_state, &m_sink);
        notifier.setGatherTime(std::chrono::milliseconds(50));
        notifier.setEnabled(false);
        QSignalSpy notified(&notifier, &AttentionNotifier::notified);
        Q_EMIT m_session.eventReceived(rackEvent(EventName::RecoveryDone,
            {{u"stack"_s, 1}, {u"outcome"_s, u"given-up"_s}, {u"reason"_s, u"3 attempts"_s}}));
        QVERIFY(!notified.wait(300));
        QVERIFY(m_sink.sent.isEmpty());
        notifier.setEnabled(true);
        Q_EMIT m_session.eventReceived(rackEvent(EventName::RecoveryDone,
            {{u"stack"_s, 1}, {u"outcome"_s, u"given-up"_s}, {u"reason"_s, u"3 attempts"_s}}));
        QVERIFY(notified.wait(5000));
        QVERIFY(m_sink.sent.at(0).critical);
    }
};

QTEST_GUILESS_MAIN(TestAttentionNotifier)
#include "tst_attentionnotifier.moc"
