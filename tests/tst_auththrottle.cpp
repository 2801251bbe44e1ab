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
};

QTEST_GUILESS_MAIN(TestAuthThrottle)
#include "tst_auththrottle.moc"
