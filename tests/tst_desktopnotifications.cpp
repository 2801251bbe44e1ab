// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// FreedesktopNotifications against a notification server on a private session bus (the test runs
// under dbus-run-session): the call a desktop's notification daemon receives.
#include "app/desktopnotifications.h"

#include <QDBusAbstractAdaptor>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

// What a notification daemon (GNOME Shell, dunst, mako ...) offers, reduced to the one call used.
class FakeNotificationServer : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")

public:
    struct Call
    {
        QString app;
        uint replaces = 0;
        QString summary;
        QString body;
        QVariantMap hints;
    };
    QList<Call> calls;

public Q_SLOTS:
    uint Notify(const QString &app, uint replaces, const QString &, const QString &summary,
        const QString &body, const QStringList &, const QVariantMap &hints, int)
    {
        calls.append({app, replaces, summary, body, hints});
        Q_EMIT received();
        return uint(calls.size()) + 40;
    }

Q_SIGNALS:
    void received();
};

class TestDesktopNotifications : public QObject
{
    Q_OBJECT

    FakeNotificationServer m_server;

private Q_SLOTS:
    void initTestCase()
    {
        QDBusConnection bus = QDBusConnection::sessionBus();
        if (!bus.isConnected())
            QFAIL("no session bus: run it under dbus-run-session, as CTest does");
        QVERIFY(!FreedesktopNotifications::available()); // nobody offers it yet
        // A connection of its own, as the daemon is another process.
        QDBusConnection server
            = QDBusConnection::connectToBus(QDBusConnection::SessionBus, u"notification-server"_s);
        QVERIFY(server.registerObject(
            u"/org/freedesktop/Notifications"_s, &m_server, QDBusConnection::ExportAllSlots));
        QVERIFY(server.registerService(u"org.freedesktop.Notifications"_s));
    }

    void theDesktopGetsTitleBodyAndUrgency()
    {
        QVERIFY(FreedesktopNotifications::available());
        std::unique_ptr<NotificationSink> sink = desktopNotificationSink();
        QVERIFY(dynamic_cast<FreedesktopNotifications *>(sink.get()));
        QSignalSpy received(&m_server, &FakeNotificationServer::received);
        sink->notify(u"PiRack: lab needs you"_s, u"Stack 1 is ko: <none> of its Pis answers."_s, true);
        QVERIFY(received.wait(5000));
        const FakeNotificationServer::Call first = m_server.calls.at(0);
        QCOMPARE(first.app, u"PiRack"_s);
        QCOMPARE(first.summary, u"PiRack: lab needs you"_s);
        QCOMPARE(first.body, u"Stack 1 is ko: &lt;none&gt; of its Pis answers."_s); // never read as markup
        QCOMPARE(first.hints.value(u"urgency"_s).toInt(), 2);
        QCOMPARE(first.hints.value(u"desktop-entry"_s).toString(), u"org.pirack.pirack"_s);
        QCOMPARE(first.replaces, 0U);
        const auto *freedesktop = dynamic_cast<FreedesktopNotifications *>(sink.get());
        QVERIFY(freedesktop);
        QTRY_COMPARE_WITH_TIMEOUT(
            freedesktop ? freedesktop->lastShown() : 0U, 41U, 5000); // the server's answer
        // The next replaces the last one shown, rather than piling up.
        sink->notify(u"PiRack: lab needs you"_s, u"s2-n1 is lost"_s, false);
        QVERIFY(received.wait(5000));
        QCOMPARE(m_server.calls.at(1).replaces, 41U);
        QCOMPARE(m_server.calls.at(1).hints.value(u"urgency"_s).toInt(), 1);
    }
};

QTEST_MAIN(TestDesktopNotifications)
#include "tst_desktopnotifications.moc"
