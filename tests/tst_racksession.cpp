// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The desktop's live link to a real rackd on loopback: loading, following events, reconnecting.
#include "rackdfixture.h"
#include "session/racksession.h"
#include "sessiontesthelpers.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Status = RackSession::Status;

class TestRackSession : public QObject
{
    Q_OBJECT

    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;

    bool startRackd()
    {
        QString error;
        m_daemon = m_fixture.start(&error);
        if (!m_daemon)
            qWarning().noquote() << error;
        return m_daemon != nullptr;
    }

    RackClient::Options options(const QString &token = {}) const
    {
        return {u"127.0.0.1"_s, m_daemon->port(), token.isEmpty() ? m_fixture.adminToken : token,
            m_daemon->fingerprint(), u"test"_s};
    }

    static bool waitForStatus(RackSession &session, Status status, int timeoutMs = 15000)
    {
        return waitForSessionStatus(session, status, timeoutMs);
    }

private Q_SLOTS:
    void init()
    {
        // A fixed port, so a restarted rackd is found again where it was.
        QVERIFY(m_fixture.chooseFreePort());
        m_fixture.forgetState();
        QVERIFY(m_fixture.prepare());
        QVERIFY(startRackd());
    }
    void cleanup() { m_daemon.reset(); }

    void loadsTheRackAndFollowsItsEvents()
    {
        RackState state;
        RackSession session(&state);
        QSignalSpy installs(&session, &RackSession::installChanged);
        session.open(options());
        QCOMPARE(session.status(), Status::Connecting);
        QVERIFY(waitForStatus(session, Status::Connected));
        QCOMPARE(state.stacks().size(), 3);
        QCOMPARE(state.stack(1)->relay, std::optional<bool>(false));
        QCOMPARE(state.stack(1)->state(), StackState::Off);
        QCOMPARE(session.install().value(u"outcome"_s).toString(), u"none"_s);
        QCOMPARE(installs.size(), 1);

        // Someone else switches stack 1 on: the state follows from the event alone.
        RackClient other;
        QVERIFY(connectClient(other, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        QSignalSpy stackChanged(&state, &RackState::stackChanged);
        QVERIFY(!call(other, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {1}}})->isError());
        QVERIFY(stackChanged.count() > 0 || stackChanged.wait(10000));
        QCOMPARE(state.stack(1)->relay, std::optional<bool>(true));
        QCOMPARE(state.stack(1)->state(), StackState::Ko); // on, and none of its 2 Pis up

        // An install started elsewhere shows up too.
        const qsizetype before = installs.size();
        QVERIFY(!call(other, u"install.start"_s, {{u"stacks"_s, QJsonArray {2}}})->isError());
        QVERIFY(installs.size() > before || installs.wait(10000));
        QCOMPARE(session.install().value(u"kind"_s).toString(), u"install"_s);
        QVERIFY(!call(other, u"install.abort"_s)->isError());
    }

    void aLostConnectionComesBackByItself()
    {
        RackState state;
        RackSession session(&state);
        session.setMaximumRetryDelay(std::chrono::milliseconds(1000));
        session.open(options());
        QVERIFY(waitForStatus(session, Status::Connected));
        QSignalSpy resets(&state, &RackState::reset);

        m_daemon.reset(); // rackd goes away
        QVERIFY(waitForStatus(session, Status::Reconnecting));
        QVERIFY2(
            session.statusMessage().startsWith(u"connection lost"_s), qPrintable(session.statusMessage()));
        QVERIFY(startRackd());
        QVERIFY(waitForStatus(session, Status::Connected, 30000));
        QCOMPARE(resets.size(), 2); // the rack was loaded again: status, then nodes
        QCOMPARE(state.stacks().size(), 3);
    }

    void aRefusedTokenIsNotRetried()
    {
        RackState state;
        RackSession session(&state);
        session.open(options(u"prt_not-a-token"_s));
        QVERIFY(waitForStatus(session, Status::Disconnected));
        QVERIFY2(session.statusMessage().contains(u"token"_s), qPrintable(session.statusMessage()));
        QSignalSpy again(&session, &RackSession::statusChanged);
        QVERIFY(!again.wait(2500)); // no attempt follows
        QVERIFY(state.stacks().isEmpty());
    }

    void anUnknownRackAsksForTrust()
    {
        RackState state;
        RackSession session(&state);
        QSignalSpy untrusted(&session, &RackSession::untrustedServer);
        RackClient::Options unpinned = options();
        unpinned.pinnedFingerprint.clear();
        session.open(unpinned);
        QVERIFY(untrusted.wait(10000));
        QCOMPARE(untrusted.at(0).at(0).toString(), m_daemon->fingerprint());
        QVERIFY(waitForStatus(session, Status::Disconnected));
        QVERIFY(state.stacks().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRackSession)
#include "tst_racksession.moc"
