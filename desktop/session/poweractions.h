// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/vocabulary.h"
#include "session/racksession.h"

#include <functional>

/**
 * The power buttons' logic, apart from any widget: what a request cuts, whether the operator must
 * confirm it (only when it cuts power to Pis that are up, which are then named), and the request.
 */
class PowerActions : public QObject
{
    Q_OBJECT

public:
    /// The protocol's power actions: what the buttons offer is what rackd understands.
    using Action = Protocol::PowerAction;

    /// Asks the operator; true to go on. The desktop shows a dialog, a test answers.
    using Confirm
        = std::function<bool(const QString &title, const QString &text, const QStringList &details)>;

    PowerActions(RackSession *session, RackState *state, Confirm confirm, QObject *parent = nullptr);

    static QString actionName(Action action);
    static QString actionLabel(Action action);
    /// The nodes that are up in these stacks (their names), which an Off or Cycle cuts.
    QStringList upNodes(const QList<int> &stacks) const;

    /// Confirms if needed, then sends; false when the operator said no (nothing is sent).
    bool request(Action action, const QList<int> &stacks);

Q_SIGNALS:
    /// rackd's answer, for the status bar and the event log: ok, or what failed.
    void finished(PowerActions::Action action, const QList<int> &stacks, bool ok, const QString &message);

private:
    RackSession *m_session;
    RackState *m_state;
    Confirm m_confirm;
};
