// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktopnotifications.h"

#include "desktoplogging.h"

#include <QApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QSystemTrayIcon>

using namespace Qt::Literals::StringLiterals;

namespace {
const QString Service = u"org.freedesktop.Notifications"_s;
const QString Path = u"/org/freedesktop/Notifications"_s;
} // namespace

bool FreedesktopNotifications::available()
{
    const QDBusConnection bus = QDBusConnection::sessionBus();
    return bus.isConnected() && bus.interface() && bus.interface()->isServiceRegistered(Service).value();
}

QString FreedesktopNotifications::name() const
{
    return QApplication::translate("Notifications", "the desktop's notifications");
}

void FreedesktopNotifications::notify(const QString &title, const QString &body, bool critical)
{
    QDBusMessage call = QDBusMessage::createMethodCall(Service, Path, Service, u"Notify"_s);
    const QVariantMap hints {{u"urgency"_s, QVariant::fromValue(uchar(critical ? 2 : 1))},
        {u"desktop-entry"_s, u"org.pirack.pirack"_s}, {u"category"_s, u"device"_s}};
    // app_name, replaces_id, app_icon, summary, body (plain: escaped for servers that read markup),
    // actions, hints, expire_timeout (-1: the server decides; critical ones stay until read).
    QString plain = body;
    plain.replace(u'&', u"&amp;"_s).replace(u'<', u"&lt;"_s).replace(u'>', u"&gt;"_s);
    call << u"PiRack"_s << m_lastId << u"org.pirack.pirack"_s << title << plain << QStringList() << hints
         << -1;
    auto *watcher
        = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(call, 5000), m_calls.get());
    QObject::connect(watcher, &QDBusPendingCallWatcher::finished, watcher, [this, watcher] {
        const QDBusPendingReply<uint> reply = *watcher;
        if (reply.isError())
            qCWarning(lcDesktop).noquote()
                << "the desktop's notification service refused:" << reply.error().message();
        else
            m_lastId = reply.value();
        watcher->deleteLater();
    });
}

TrayNotifications::TrayNotifications()
    : m_icon(std::make_unique<QSystemTrayIcon>(QApplication::windowIcon()))
{
    m_icon->setToolTip(u"PiRack"_s);
    m_icon->show();
}

TrayNotifications::~TrayNotifications() = default;

bool TrayNotifications::available()
{
    return QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages();
}

QString TrayNotifications::name() const
{
    return QApplication::translate("Notifications", "the system tray");
}

void TrayNotifications::notify(const QString &title, const QString &body, bool critical)
{
    m_icon->showMessage(title, body, critical ? QSystemTrayIcon::Critical : QSystemTrayIcon::Warning, 15000);
}

std::unique_ptr<NotificationSink> desktopNotificationSink()
{
    if (FreedesktopNotifications::available())
        return std::make_unique<FreedesktopNotifications>();
    if (TrayNotifications::available())
        return std::make_unique<TrayNotifications>();
    qCInfo(lcDesktop)
        << "no notification service and no system tray: what needs you is shown in the window only";
    return nullptr;
}
