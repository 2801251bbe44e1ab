// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakenotifysocket.h"
#include "system/servicewatchdog.h"

#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono;

/// READY=1 and the watchdog's pings, against a NOTIFY_SOCKET the test plays systemd on.
class TestServiceWatchdog : public QObject
{
    Q_OBJECT

    FakeNotifySocket m_systemd;
    QByteArrayList m_received;
    std::unique_ptr<QSocketNotifier> m_notifier;

    /// Waits (woken by the socket, with a deadline) until `count` datagrams have come.
    bool waitForDatagrams(int count, int timeoutMs)
    {
        return QTest::qWaitFor([&] { return m_received.size() >= count; }, timeoutMs);
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_systemd.open());
        m_received.clear();
        m_notifier = std::make_unique<QSocketNotifier>(m_systemd.fd(), QSocketNotifier::Read);
        connect(m_notifier.get(), &QSocketNotifier::activated, this, [this] {
            for (QByteArray datagram = m_systemd.receive(); !datagram.isEmpty();
                 datagram = m_systemd.receive())
                m_received.append(datagram);
        });
    }

    void cleanup()
    {
        m_notifier.reset();
        m_systemd.close();
        qunsetenv("WATCHDOG_USEC");
        qunsetenv("WATCHDOG_PID");
    }

    void readyThenPingsAtHalfTheInterval()
    {
        qputenv("WATCHDOG_USEC", "400000");
        qputenv("WATCHDOG_PID", QByteArray::number(qint64(getpid())));
        QCOMPARE(ServiceWatchdog::watchdogInterval(), std::optional<microseconds>(400000));
        ServiceWatchdog watchdog;
        QString error;
        QVERIFY2(watchdog.ready(u"running: 12 stacks\non gpio"_s, &error), qPrintable(error));
        QVERIFY(watchdog.isPinging());
        QCOMPARE(watchdog.pingInterval(), milliseconds(200));
        // READY first, with its status on one line, then a ping at once and one per 200 ms.
        QVERIFY(waitForDatagrams(4, 5000));
        QCOMPARE(m_received.at(0), QByteArray("READY=1\nSTATUS=running: 12 stacks on gpio"));
        for (int i = 1; i < 4; ++i)
            QCOMPARE(m_received.at(i), QByteArray("WATCHDOG=1"));

        watchdog.stopping();
        QVERIFY(!watchdog.isPinging());
        QVERIFY(waitForDatagrams(5, 5000));
        QCOMPARE(m_received.constLast(), QByteArray("STOPPING=1"));
    }

    void noWatchdogMeansReadyAlone()
    {
        ServiceWatchdog watchdog;
        QString error;
        QVERIFY(watchdog.ready(u"up"_s, &error));
        QVERIFY(!watchdog.isPinging());
        QVERIFY(waitForDatagrams(1, 5000));
        QCOMPARE(m_received, QByteArrayList {"READY=1\nSTATUS=up"});
    }

    void aWatchdogForAnotherProcessIsNotOurs()
    {
        qputenv("WATCHDOG_USEC", "400000");
        qputenv("WATCHDOG_PID", QByteArray::number(qint64(getpid()) + 1));
        QVERIFY(!ServiceWatchdog::watchdogInterval());
        qputenv("WATCHDOG_PID", "");
        qputenv("WATCHDOG_USEC", "soon");
        QVERIFY(!ServiceWatchdog::watchdogInterval());
        ServiceWatchdog watchdog;
        QString error;
        QVERIFY(watchdog.ready(u"up"_s, &error));
        QVERIFY(!watchdog.isPinging());
    }

    void notUnderSystemdItDoesNothing()
    {
        m_systemd.close();
        qputenv("WATCHDOG_USEC", "400000");
        ServiceWatchdog watchdog;
        QString error;
        QVERIFY(watchdog.ready(u"up"_s, &error));
        QVERIFY(error.isEmpty());
        QVERIFY(!watchdog.isPinging());
    }

    void aLostSocketIsReportedOnce()
    {
        qputenv("WATCHDOG_USEC", "100000");
        ServiceWatchdog watchdog;
        QSignalSpy failed(&watchdog, &ServiceWatchdog::pingFailed);
        QString error;
        QVERIFY(watchdog.ready(u"up"_s, &error));
        QVERIFY(waitForDatagrams(2, 5000));
        // systemd's socket goes away (the variable stays, as it would): the pings fail, said once.
        m_notifier.reset();
        m_systemd.closeSocketOnly();
        QVERIFY(failed.wait(5000));
        QVERIFY(failed.at(0).at(0).toString().startsWith(u"cannot notify systemd"_s));
        QVERIFY(!failed.wait(300));
        QCOMPARE(failed.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestServiceWatchdog)
#include "tst_servicewatchdog.moc"
