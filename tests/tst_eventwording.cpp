// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// rackd's events in the operator's words, as rackctl events and the desktop's log show them.
#include "protocol/eventwording.h"
#include "protocol/vocabulary.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using EventWording::Severity;
using Protocol::EventName;

class TestEventWording : public QObject
{
    Q_OBJECT

    static EventWording::Sentence say(EventName name, const QJsonObject &data)
    {
        return EventWording::describe({Protocol::name(name), data});
    }

private Q_SLOTS:
    void eachEventReadsAsASentence_data()
    {
        QTest::addColumn<QString>("event");
        QTest::addColumn<QJsonObject>("data");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("severity");
        const QJsonObject s2n1 {
            {u"mac"_s, u"02:1b:6a:32:da:d0"_s}, {u"name"_s, u"s2-n1"_s}, {u"stack"_s, 2}, {u"slot"_s, 1}};
        QTest::newRow("up") << u"node.up"_s << s2n1 << u"s2-n1 (stack 2, slot 1) is up"_s
                            << int(Severity::Info);
        QTest::newRow("down") << u"node.down"_s << s2n1 << u"s2-n1 (stack 2, slot 1) is down"_s
                              << int(Severity::Warning);
        QTest::newRow("unplaced up") << u"node.up"_s << QJsonObject {{u"mac"_s, u"02:1b:6a:32:da:d0"_s}}
                                     << u"02:1b:6a:32:da:d0 is up"_s << int(Severity::Info);
        QTest::newRow("relay") << u"relay.changed"_s << QJsonObject {{u"stack"_s, 4}, {u"relay"_s, u"off"_s}}
                               << u"Stack 4 switched off"_s << int(Severity::Info);
        QTest::newRow("relay by") << u"relay.changed"_s
                                  << QJsonObject {{u"stack"_s, 4}, {u"relay"_s, u"off"_s},
                                         {u"by"_s, u"alice"_s}}
                                  << u"Stack 4 switched off by alice"_s << int(Severity::Info);
        QTest::newRow("install mac") << u"install.mac"_s
                                     << QJsonObject {{u"stack"_s, 3}, {u"found"_s, 4}, {u"expected"_s, 4}}
                                     << u"Install: stack 3 found 4 of 4 Pis"_s << int(Severity::Info);
        QTest::newRow("operator") << u"relay.operator"_s
                                  << QJsonObject {{u"stack"_s, 2}, {u"instruction"_s, u"plug in stack 2"_s}}
                                  << u"Stack 2 waits for you: plug in stack 2"_s << int(Severity::Warning);
        QJsonObject lost = s2n1;
        lost.insert(u"condition"_s, u"lost"_s);
        lost.insert(u"reason"_s, u"no heartbeat for 31 s"_s);
        lost.insert(u"action"_s, u"power-cycle stack 2 once every Pi of it is lost"_s);
        QTest::newRow("lost")
            << u"recovery.detected"_s << lost
            << u"s2-n1 (stack 2, slot 1) is lost: no heartbeat for 31 s. power-cycle stack 2 "
               u"once every Pi of it is lost"_s
            << int(Severity::Warning);
        QTest::newRow("cycle") << u"recovery.step"_s
                               << QJsonObject {{u"stack"_s, 2}, {u"step"_s, u"cycle"_s}, {u"attempt"_s, 1},
                                      {u"attempts"_s, 3}, {u"nodes"_s, QJsonArray {u"s2-n1"_s}}}
                               << u"Stack 2: power-cycling it for s2-n1 (attempt 1 of 3)"_s
                               << int(Severity::Notice);
        QTest::newRow("given up") << u"recovery.done"_s
                                  << QJsonObject {{u"stack"_s, 2}, {u"outcome"_s, u"given-up"_s},
                                         {u"nodes"_s, QJsonArray {u"s2-n1"_s}},
                                         {u"detail"_s, u"power-cycle it by hand"_s}}
                                  << u"Gave up on s2-n1: power-cycle it by hand"_s << int(Severity::Critical);
        QTest::newRow("maintenance") << u"recovery.maintenance"_s
                                     << QJsonObject {{u"stack"_s, 5}, {u"on"_s, true}, {u"by"_s, u"alice"_s},
                                            {u"reason"_s, u"new PSU"_s}}
                                     << u"Stack 5 in maintenance (by alice): new PSU"_s
                                     << int(Severity::Notice);
    }

    void eachEventReadsAsASentence()
    {
        QFETCH(QString, event);
        QFETCH(QJsonObject, data);
        QFETCH(QString, text);
        QFETCH(int, severity);
        const EventWording::Sentence sentence = EventWording::describe({event, data});
        QCOMPARE(sentence.text, text);
        QCOMPARE(int(sentence.severity), severity);
        QVERIFY(!sentence.routine);
    }

    void everyEventOfTheVocabularyHasWords()
    {
        // A new event without its wording would show as an empty line.
        for (EventName name : Protocol::all<EventName>()) {
            const EventWording::Sentence sentence
                = say(name, {{u"stack"_s, 1}, {u"mac"_s, u"02:00:00:00:00:01"_s}});
            QVERIFY2(!sentence.text.trimmed().isEmpty(), qPrintable(Protocol::name(name)));
        }
        QVERIFY(say(EventName::NodeMetrics, {{u"nodes"_s, QJsonArray {}}}).routine);
        QVERIFY(say(EventName::InstallChanged, {}).routine);
    }

    void anUnknownEventShowsWhatItCarries()
    {
        const EventWording::Sentence sentence = EventWording::describe({u"weather.rain"_s, {{u"mm"_s, 3}}});
        QCOMPARE(sentence.text, u"weather.rain {\"mm\":3}"_s);
    }
};

QTEST_GUILESS_MAIN(TestEventWording)
#include "tst_eventwording.moc"
