// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "redfish/redfishsessions.h"

#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

/// Redfish login sessions: tokens, idle timeout, the cap, on a clock the test moves.
class TestRedfishSessions : public QObject
{
    Q_OBJECT

    qint64 m_now = 0;
    RedfishSessions makeSessions(std::chrono::seconds timeout = std::chrono::seconds(60))
    {
        return RedfishSessions(timeout, [this] { return m_now; });
    }
    static TokenInfo token(const QString &name)
    {
        return {name, Role::Operator, QDateTime::currentDateTimeUtc(), name.toUtf8() + "-hash"};
    }

private Q_SLOTS:
    void init() { m_now = 1000; }

    void aSessionStandsForItsTokenUntilDeleted()
    {
        RedfishSessions sessions = makeSessions();
        QString authToken;
        const RedfishSessions::Session made
            = sessions.create(token(u"ops"_s), u"127.0.0.1 (redfish)"_s, &authToken);
        QCOMPARE(authToken.size(), 43);
        const auto used = sessions.use(authToken);
        QVERIFY(used);
        QCOMPARE(used->id, made.id);
        QCOMPARE(used->tokenHash, QByteArray("ops-hash"));
        QVERIFY(!sessions.use(authToken + u'x'));
        QVERIFY(!sessions.use(QString()));
        QVERIFY(sessions.find(made.id));
        QVERIFY(sessions.remove(made.id));
        QVERIFY(!sessions.use(authToken));
        QVERIFY(!sessions.remove(made.id));
    }

    void anIdleSessionEndsAndAUsedOneStays()
    {
        RedfishSessions sessions = makeSessions(std::chrono::seconds(60));
        QString idle;
        QString busy;
        const auto idleSession = sessions.create(token(u"a"_s), {}, &idle);
        sessions.create(token(u"b"_s), {}, &busy);
        for (int minute = 0; minute < 3; ++minute) {
            m_now += 40000;
            QVERIFY2(sessions.use(busy), "a session in use does not time out");
        }
        QVERIFY(!sessions.use(idle));
        QVERIFY(!sessions.find(idleSession.id));
        QCOMPARE(sessions.sessions().size(), 1);
        m_now += 60001;
        QVERIFY(!sessions.use(busy));
        QVERIFY(sessions.sessions().isEmpty());
    }

    void oneTokenCannotPushTheOthersOut()
    {
        RedfishSessions sessions = makeSessions(std::chrono::seconds(3600));
        QString admin;
        sessions.create(token(u"admin"_s), {}, &admin);
        QStringList own;
        for (int i = 0; i < 3 * RedfishSessions::MaximumSessionsPerToken; ++i) {
            m_now += 10;
            QString authToken;
            sessions.create(token(u"busy"_s), {}, &authToken);
            own.append(authToken);
        }
        QCOMPARE(sessions.sessions().size(), RedfishSessions::MaximumSessionsPerToken + 1);
        QVERIFY2(sessions.use(admin), "another token's session stays");
        QVERIFY(sessions.use(own.constLast()));
        QVERIFY(!sessions.use(own.constFirst()));
    }

    void aFullServiceMakesRoomFromTheTokensOwnSessionsFirst()
    {
        RedfishSessions sessions = makeSessions(std::chrono::seconds(3600));
        QStringList tokens;
        for (int i = 0; i < RedfishSessions::MaximumSessions; ++i) {
            QString authToken;
            sessions.create(token(u"t%1"_s.arg(i % 8)), {}, &authToken); // 8 tokens, 8 sessions each
            tokens.append(authToken);
            m_now += 10;
        }
        QString again;
        sessions.create(token(u"t7"_s), {}, &again);
        QCOMPARE(sessions.sessions().size(), RedfishSessions::MaximumSessions);
        QVERIFY2(sessions.use(tokens.at(0)), "the oldest session of another token stays");
        QVERIFY2(!sessions.use(tokens.at(7)), "t7's own oldest session made room");
        QVERIFY(sessions.use(again));
    }

    void theLeastRecentlyUsedSessionMakesRoom()
    {
        RedfishSessions sessions = makeSessions(std::chrono::seconds(3600));
        QStringList tokens;
        QSet<QString> ids;
        for (int i = 0; i < RedfishSessions::MaximumSessions; ++i) {
            QString authToken;
            ids.insert(sessions.create(token(u"t%1"_s.arg(i)), {}, &authToken).id); // a token each
            tokens.append(authToken);
            m_now += 10;
        }
        QCOMPARE(ids.size(), RedfishSessions::MaximumSessions);
        QVERIFY(sessions.use(tokens.first())); // the oldest is now the most recently used
        QString extra;
        sessions.create(token(u"extra"_s), {}, &extra);
        QCOMPARE(sessions.sessions().size(), RedfishSessions::MaximumSessions);
        QVERIFY(sessions.use(tokens.first()));
        QVERIFY2(!sessions.use(tokens.at(1)), "the least recently used session is the one that ended");
        QVERIFY(sessions.use(extra));
    }
};

QTEST_GUILESS_MAIN(TestRedfishSessions)
#include "tst_redfishsessions.moc"
