// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "joinsecretstore.h"
#include "nodeinventory.h"
#include "protocol/messages.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <functional>

/**
 * The nodes as rackd sees them: who may join (one-time secrets), who is who afterwards (each
 * node's own credential, bound to its MAC), and who is up. A node is up while its agent is
 * connected and heartbeating; down once it disconnects or misses three heartbeats; unknown
 * until it has been heard from since rackd started.
 */
class NodeManager : public QObject
{
    Q_OBJECT

public:
    enum class State { Up, Down, Unknown };

    struct Login
    {
        QString mac;
        QString name; ///< The node's name, or its MAC while it is not placed.
        QString newCredential; ///< Only after a join: to be handed to the agent once.
    };

    NodeManager(NodeInventory *inventory, JoinSecretStore *secrets,
        std::chrono::milliseconds heartbeatInterval, QObject *parent = nullptr);
    ~NodeManager() override;

    std::optional<Login> authenticate(const Protocol::Hello &hello, Protocol::Error *error);
    /// `close` ends the session, for when the same node connects again.
    void agentConnected(const QString &mac, QObject *session, std::function<void(const QString &)> close);
    void agentDisconnected(const QString &mac, QObject *session);
    void heartbeat(const QString &mac, const QJsonObject &metrics);

    State state(const QString &mac) const;
    static QString stateName(State state);
    int upCount(int stack) const;
    QJsonArray nodesJson() const;
    NodeInventory *inventory() const { return m_inventory; }
    JoinSecretStore *joinSecrets() const { return m_secrets; }

Q_SIGNALS:
    void eventRaised(const Protocol::Event &event);

private:
    struct Online
    {
        QObject *session = nullptr;
        std::function<void(const QString &)> close;
        qint64 lastHeartbeatMs = 0;
    };
    void markDown(const QString &mac, const QString &why);
    Protocol::Event nodeEvent(const QString &name, const QString &mac) const;
    void checkHeartbeats();

    NodeInventory *m_inventory;
    JoinSecretStore *m_secrets;
    std::chrono::milliseconds m_heartbeatInterval;
    QHash<QString, Online> m_online;
    QHash<QString, State> m_states;
    QElapsedTimer m_clock;
    QTimer m_checkTimer;
};
