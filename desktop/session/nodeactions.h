// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "session/poweractions.h"

/// What one node answered to an action.
struct NodeActionResult
{
    QString mac;
    QString name;
    QString outcome; ///< ok, failed, timeout or down
    QString error;
    std::optional<int> exitCode;
    QString standardOutput;
    QString standardError;
    bool truncated = false;

    bool isOk() const { return outcome == QLatin1String("ok"); }
    QString label() const { return name.isEmpty() ? mac : name; }
};

/**
 * The per-Pi actions (identify, reboot, shutdown, a named command) on one node or many, through
 * rackd's `exec`. Reboot and shutdown ask first, naming the Pis; what each node answered comes back
 * in finished(), to be shown.
 */
class NodeActions : public QObject
{
    Q_OBJECT

public:
    /// The protocol's node actions; the menus offer those a person may ask for (Protocol::isExecAction).
    using Action = Protocol::NodeAction;

    NodeActions(
        RackSession *session, RackState *state, PowerActions::Confirm confirm, QObject *parent = nullptr);

    static QString actionName(Action action);
    static QString actionLabel(Action action);

    /**
     * Confirms when needed, then sends; false when nothing was sent (the operator said no, or there
     * is nothing to act on). `command` and `arguments` are for Run: a name from the nodes' agent.conf,
     * and literal arguments.
     */
    bool request(Action action, const QStringList &macs, const QString &command = {},
        const QStringList &arguments = {});

    /// Reads `exec`'s results; malformed entries are skipped.
    static QList<NodeActionResult> parseResults(const QJsonObject &result);

Q_SIGNALS:
    void finished(NodeActions::Action action, const QList<NodeActionResult> &results, const QString &error);

private:
    RackSession *m_session;
    RackState *m_state;
    PowerActions::Confirm m_confirm;
};
