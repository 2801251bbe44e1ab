// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "session/attentionnotifier.h"

#include <QObject>
#include <memory>

class QSystemTrayIcon;

/**
 * The desktop's notification service, org.freedesktop.Notifications on the session bus (GNOME,
 * KDE, XFCE, dunst, mako ...): the freedesktop.org Desktop Notifications call `Notify`, with the
 * app's name and icon, urgency critical for what cannot wait.
 */
class FreedesktopNotifications : public NotificationSink
{
public:
    /// Whether a notification service is on the session bus now.
    static bool available();
    void notify(const QString &title, const QString &body, bool critical) override;
    QString name() const override;
    /// The server's id of the last notification shown (0: none yet), which the next one replaces.
    uint lastShown() const { return m_lastId; }

private:
    uint m_lastId = 0; ///< Replaced by the next one, so that a burst does not stack up.
    /// Owns the calls under way: gone with the sink, so a late answer reaches nothing.
    std::unique_ptr<QObject> m_calls = std::make_unique<QObject>();
};

/// Where no notification service runs but a system tray does: a balloon from PiRack's tray icon.
class TrayNotifications : public NotificationSink
{
public:
    TrayNotifications();
    ~TrayNotifications() override;
    static bool available();
    void notify(const QString &title, const QString &body, bool critical) override;
    QString name() const override;

private:
    std::unique_ptr<QSystemTrayIcon> m_icon;
};

/// The best this desktop offers, or nothing (the event log and the window still say everything).
std::unique_ptr<NotificationSink> desktopNotificationSink();
