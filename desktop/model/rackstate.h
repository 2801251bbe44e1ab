// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/messages.h"
#include "structure/stackstate.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <optional>

/// One stack as the desktop shows it.
struct StackView
{
    int id = 0;
    int row = 0; ///< 1-based
    int column = 0; ///< 1-based
    int relayChannel = 0;
    int pis = 0;
    std::optional<bool> relay; ///< Empty: unknown.
    int up = 0;
    bool busy = false;
    QString maintenance; ///< Why the stack is in maintenance ("" when it is not; "-" with no reason given).
    QString recoveryPhase; ///< draining, cycling or returning while rackd recovers the stack; else "".
    int recoveryAttempt = 0;
    int recoveryAttempts = 0;
    QString recoveryReason;

    StackState state() const { return stackState(relay, pis, up); }
};

/// One node as the desktop shows it.
struct NodeView
{
    QString mac;
    QString name; ///< Empty until placed.
    QString address;
    std::optional<int> stack;
    std::optional<int> slot;
    QString state = QStringLiteral("unknown"); ///< up, down or unknown
    QJsonObject identity;
    QJsonObject metrics;
    QDateTime lastSeen;
    QString condition = QStringLiteral("ok"); ///< ok, lost, unhealthy, agent-gone or given-up (recovery)
    QString conditionReason;
    QString maintenance; ///< Why the node is in maintenance ("" when it is not).

    QString label() const { return name.isEmpty() ? mac : name; }
    bool isUp() const { return state == QLatin1String("up"); }
};

/**
 * What the desktop knows of one rack: filled from rackd's `status` and `nodes` answers, then kept
 * up to date by its events alone (relay, node and metrics), never by polling. Everything in it
 * came from the network, so each field is checked and a message that does not fit is dropped with
 * a warning. Changes are announced in batches: one signal for a metrics event of 1000 nodes.
 */
class RackState : public QObject
{
    Q_OBJECT

public:
    explicit RackState(QObject *parent = nullptr);

    /// The result of `status`: the grid and the stacks. False (and nothing changed) when malformed.
    bool applyStatus(const QJsonObject &result, QString *error);
    /// The result of `nodes`: every node, replacing what was known.
    bool applyNodes(const QJsonObject &result, QString *error);
    /// relay.changed, node.up, node.down, node.renamed and node.metrics; others are not about the rack view.
    void applyEvent(const Protocol::Event &event);
    void clear();

    int rows() const { return m_rows; }
    int columns() const { return m_columns; }
    QString relayBackend() const { return m_relayBackend; }
    /// rackd's HTTPS listener (Redfish, /metrics): its port, 0 when it is off; and "https" or "http".
    quint16 httpPort() const { return m_httpPort; }
    QString httpScheme() const { return m_httpScheme; }
    /// Why the whole rack is in maintenance (the staged install runs); empty when it is not.
    QString rackMaintenance() const { return m_rackMaintenance; }
    QList<StackView> stacks() const;
    const StackView *stack(int id) const;
    const StackView *stackAt(int row, int column) const;
    /// Every node, in rack order (placed ones by stack and slot, then the others by MAC).
    QStringList nodeOrder() const { return m_order; }
    const NodeView *node(const QString &mac) const;
    QList<NodeView> nodesOfStack(int stack) const;

Q_SIGNALS:
    /// The grid, the stacks or the set of nodes changed: redraw everything.
    void reset();
    void stackChanged(int stack);
    /// These nodes changed (state or metrics); one signal per message, however many.
    void nodesChanged(const QStringList &macs);

private:
    void updateOrder();
    void recountUp(int stack);
    static std::optional<NodeView> parseNode(const QJsonObject &object, QString *error);

    int m_rows = 0;
    int m_columns = 0;
    QString m_relayBackend;
    quint16 m_httpPort = 0;
    QString m_httpScheme;
    QString m_rackMaintenance;
    QMap<int, StackView> m_stacks;
    QHash<QString, NodeView> m_nodes;
    QStringList m_order;
};
