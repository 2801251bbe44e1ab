// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/rackstate.h"
#include "session/racksession.h"

/**
 * Maintenance mode and stopping a recovery, apart from any widget: the stack and Pi menus call
 * these, rackd's answer comes back in finished(). What changed then arrives as recovery.* events.
 */
class RecoveryActions : public QObject
{
    Q_OBJECT

public:
    RecoveryActions(RackSession *session, RackState *state, QObject *parent = nullptr);

    void setStackMaintenance(int stack, bool on, const QString &reason = {});
    void setNodeMaintenance(const QString &mac, bool on, const QString &reason = {});
    /// Stops the recovery under way on `stack`; rackd leaves the stack in maintenance.
    void stopRecovery(int stack);

Q_SIGNALS:
    /// `what` in words ("maintenance on for stack 2"), and rackd's answer: ok, or why not.
    void finished(const QString &what, bool ok, const QString &message);

private:
    void send(Protocol::Method method, const QJsonObject &params, const QString &what);

    RackSession *m_session;
    RackState *m_state;
};
