// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "auththrottle.h"

#include <QTest>

using std::chrono::milliseconds;

class TestAuthThrottle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void freeFailuresThenDoublingUpToTheCap()
    {
        AuthThrottle throttle({5, milliseconds(1000), milliseconds(8000), milliseconds(600000)});
        const QHostAddress attacker(QStringLiteral("192.0.2.7"));
        const QHostAddress other(QStringLiteral("192.0.2.8"));
        for (int i = 0; i < 4; ++i) {
            throttle.recordFailure(attacker);
            QCOMPARE(throttle.delayFor(attacker), milliseconds(0));
        }
        const QList<qint64> expected {1000, 2000, 4000, 8000, 8000};
        for (qint64 delay : expected) {
            throttle.recordFailure(attacker);
            const milliseconds wait = throttle.delayFor(attacker);
            QVERIFY2(wait <= milliseconds(delay) && wait > milliseconds(delay - 500),
                qPrintable(QString::number(wait.count())));
        }
        QCOMPARE(throttle.delayFor(other), milliseconds(0)); // only the failing source is slowed
        throttle.recordSuccess(attacker);
        QCOMPARE(throttle.delayFor(attacker), milliseconds(0));
    }

    void parallelAttemptsAreAdmittedOneAtATime()
    {
        AuthThrottle throttle({1, milliseconds(1000), milliseconds(8000), milliseconds(600000)});
        const QHostAddress source(QStringLiteral("192.0.2.7"));
        // Free attempts go through together.
        QCOMPARE(throttle.admit(source), milliseconds(0));
        throttle.recordFailure(source);
        QVERIFY(throttle.admit(source) > milliseconds(500)); // now held back
        QVERIFY(throttle.admit(source) > milliseconds(500)); // and refusing checks nothing, changes nothing
        QCOMPARE(throttle.delayFor(source) > milliseconds(1000), false);
    }

    void anAdmittedAttemptHoldsBackTheNextUntilItsOutcome()
    {
        AuthThrottle throttle({0, milliseconds(60000), milliseconds(60000), milliseconds(600000)});
        const QHostAddress source(QStringLiteral("192.0.2.7"));
        QCOMPARE(throttle.admit(source), milliseconds(0));
        // A second attempt in parallel, before the first is known, waits as if the first failed.
        QVERIFY(throttle.admit(source) > milliseconds(59000));
        throttle.recordSuccess(source);
        QCOMPARE(throttle.admit(source), milliseconds(0));
    }

    void anIpv6SourceIsItsSlash64()
    {
        const QHostAddress a(QStringLiteral("2001:db8:1:2:aaaa::1"));
        const QHostAddress b(QStringLiteral("2001:db8:1:2:bbbb::2"));
        const QHostAddress other(QStringLiteral("2001:db8:1:3::1"));
        QCOMPARE(AuthThrottle::sourceOf(a), AuthThrottle::sourceOf(b));
        QVERIFY(AuthThrottle::sourceOf(a) != AuthThrottle::sourceOf(other));
        QCOMPARE(AuthThrottle::sourceOf(QHostAddress(QStringLiteral("::ffff:192.0.2.7"))),
            QHostAddress(QStringLiteral("192.0.2.7")));
        AuthThrottle throttle({0, milliseconds(60000), milliseconds(60000), milliseconds(600000)});
        throttle.recordFailure(a);
        QVERIFY(throttle.delayFor(b) > milliseconds(0));
        QCOMPARE(throttle.delayFor(other), milliseconds(0));
    }
};

QTEST_GUILESS_MAIN(TestAuthThrottle)
#include "tst_auththrottle.moc"
