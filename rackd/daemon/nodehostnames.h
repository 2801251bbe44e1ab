// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>

class NodeManager;

/**
 * Each placed node's Pi answers to its own name, not "raspberrypi": whenever a node's agent
 * connects, and whenever the node is placed or renamed while it is up, rackd asks its agent to take the
 * node's name (the agent action "set-hostname"; agent.conf may turn it off). The agent changes
 * nothing when the name is right already, so asking again is cheap. A node that is down is told
 * when it comes back.
 */
class NodeHostnames : public QObject
{
    Q_OBJECT

public:
    explicit NodeHostnames(NodeManager *nodes, QObject *parent = nullptr);

    /// The node's name changed in the inventory (NodeInventory's name observer).
    void nameChanged(const QString &mac);

private:
    void tell(const QString &mac);

    NodeManager *m_nodes;
};
