// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/rackstate.h"
#include "session/racksession.h"

#include <QHash>
#include <QTimer>

/// Where a notification goes: the desktop's notification service, a tray icon, or a test.
class NotificationSink
{
public:
    virtual ~NotificationSink() = default;
    virtual void notify(const QString &title, const QString &body, bool critical) = 0;
    /// For the log: "the desktop's notifications", "the tray".
    virtual QString name() const = 0;
};

/**
 * Tells the operator, outside the window, what only a person can sort out: a stack that was
 * running goes ko, a Pi is lost (or unhealthy, or given up on) by rackd's recovery, an install
 * waits for a decision or for a relay to be plugged by hand. Nothing routine (a stack someone
 * switched off, a Pi booting). What happens within 2 s goes out as one notification, so a stack of
 * lost Pis does not bury the desktop. Off by the operator's choice (`setEnabled`).
 */
class AttentionNotifier : public QObject
{
    Q_OBJECT

public:
    AttentionNotifier(
        RackSession *session, RackState *state, NotificationSink *sink, QObject *parent = nullptr);

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    void setRackName(const QString &name) { m_rackName = name; }
    /// How long what happens is gathered into one notification.
    void setGatherTime(std::chrono::milliseconds time) { m_gather.setInterval(time); }

Q_SIGNALS:
    /// What was sent (also when the sink is missing: the window can still say it).
    void notified(const QString &title, const QString &body);

private:
    void onEvent(const Protocol::Event &event);
    void onStackChanged(int stack);
    void onInstall(const QJsonObject &install);
    void remember();
    void queue(const QString &line, bool critical);
    void flush();

    RackSession *m_session;
    RackState *m_state;
    NotificationSink *m_sink;
    bool m_enabled = true;
    QString m_rackName;
    QHash<int, StackState> m_stackStates; ///< As last seen: ko matters only after ok or warning.
    QString m_installWait; ///< The decision last notified, so that it is said once.
    QStringList m_pending;
    bool m_pendingCritical = false;
    QTimer m_gather;
};
