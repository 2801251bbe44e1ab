// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics/rackmetrics.h"

#include "joinsecretstore.h"
#include "nodeinventory.h"
#include "protocol/messages.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSet>
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
    /// Why a node went down: its connection closed (its kernel ran), it fell silent, or its relay cut it.
    enum class DownCause { Disconnected, Silent, PoweredOff };

    struct Login
    {
        QString mac;
        QString name; ///< The node's name, or its MAC while it is not placed.
        QString newCredential; ///< Only after a join: to be handed to the agent once.
    };

    NodeManager(NodeInventory *inventory, JoinSecretStore *secrets,
        std::chrono::milliseconds heartbeatInterval, QObject *parent = nullptr);

    /// At most one node.metrics event per this interval, holding every node that reported since.
    static constexpr std::chrono::milliseconds MetricsEventInterval {1000};
    /// A connection whose node has sent no heartbeat for this long (or three intervals, if longer) is closed.
    static constexpr std::chrono::milliseconds SilentConnectionTimeout {15000};
    ~NodeManager() override;

    std::optional<Login> authenticate(const Protocol::Hello &hello, Protocol::Error *error);
    /// `close` ends the session, for when the same node connects again.
    using ReplyHandler = std::function<void(const Protocol::Reply &)>;
    /**
     * How rackd asks one agent for something: a request with this id, already encoded as a frame
     * (a fan-out encodes its request once for all nodes). The handler runs exactly once (a failure
     * if the agent goes).
     */
    using AgentSender = std::function<void(qint64 requestId, const QByteArray &frame, ReplyHandler)>;

    void agentConnected(const QString &mac, QObject *session, std::function<void(const QString &)> close,
        AgentSender send, const QHostAddress &peer = {});
    void agentDisconnected(const QString &mac, QObject *session);
    /// False (and why) when the metrics are malformed: nothing of them is kept.
    bool heartbeat(const QString &mac, const QJsonObject &metrics, QString *problem);
    /**
     * The relay of `stack` went off: its placed nodes lost power, so they are down now rather than
     * after three missed heartbeats, and their connections (dead, with nobody left to close them) end.
     */
    void stackPoweredOff(int stack);

    /// One node's answer to a fanned-out action.
    struct ActionResult
    {
        QString mac;
        QString name;
        QString outcome; ///< "ok", "failed", "timeout" or "down".
        QJsonObject result; ///< What the agent answered, when it did.
        QString error;

        QJsonObject toJson() const;
    };
    /// "all", {"stack": N} or a list of MACs; an unknown MAC or stack is an error.
    std::optional<QStringList> resolveTargets(
        const QJsonValue &targets, const RackStructure &structure, Protocol::Error *error) const;
    /**
     * Sends `params` as an "action" request to every target at once. `each` gets every result as it
     * arrives; a node that does not answer within `timeout`, or is not connected, never delays the
     * others (`each` may be empty). `done` gets all results, in target order.
     */
    void fanOut(const QJsonObject &params, const QStringList &macs, std::chrono::milliseconds timeout,
        std::function<void(const ActionResult &)> each,
        std::function<void(const QList<ActionResult> &)> done);

    /**
     * Waits until each node is down and has stayed down for `settle` (a Pi that reboots instead of
     * halting comes back), or until `timeout`. `done` gets the MACs that did not go down for good.
     */
    void waitUntilDown(const QStringList &macs, std::chrono::milliseconds settle,
        std::chrono::milliseconds timeout, std::function<void(const QStringList &stillUp)> done);

    State state(const QString &mac) const;
    /// The address a node's agent connects from, while it is connected.
    QHostAddress peerAddress(const QString &mac) const;
    /// When the node's current connection began (invalid while it is not connected).
    QDateTime connectedAt(const QString &mac) const;
    static QString stateName(State state);
    int upCount(int stack) const;
    QJsonArray nodesJson() const;
    NodeInventory *inventory() const { return m_inventory; }
    /// Joined nodes not placed yet, at most; a new node's join beyond that is refused.
    void setMaximumUnplaced(int maximum) { m_maximumUnplaced = maximum; }
    /// Actions sent to nodes and not finished yet (each ends by its answers or its deadline).
    int fanOutsInFlight() const { return int(m_fanOuts.size()); }
    JoinSecretStore *joinSecrets() const { return m_secrets; }
    /// Fan-out rounds finished since rackd started, and how long they took (for /metrics).
    quint64 fanOutRounds() const { return m_fanOutRounds; }
    const RackMetrics::Durations &fanOutDurations() const { return m_fanOutDurations; }
    /// Since the node's last heartbeat in this run of rackd; empty when it sent none.
    std::optional<double> heartbeatAgeSeconds(const QString &mac) const;
    int connectedAgentCount() const { return int(m_online.size()); }
    /// How long the node has been down (by disconnect, silence or its relay); -1 when it is not down.
    qint64 downForMs(const QString &mac) const;
    /// Why the node is down; empty while it is not.
    std::optional<DownCause> downCause(const QString &mac) const;

Q_SIGNALS:
    void eventRaised(const Protocol::Event &event);
    /**
     * A node's agent connected: each time, also when the node was up already (its new connection
     * replaced an old one nobody saw end, as when a Pi loses power and boots again within seconds).
     */
    void agentSessionStarted(const QString &mac);

private:
    struct Online
    {
        QObject *session = nullptr;
        std::function<void(const QString &)> close;
        AgentSender send;
        qint64 lastHeartbeatMs = 0;
        QHostAddress peer;
        QDateTime connectedAt;
    };
    void markDown(const QString &mac, DownCause cause, const QString &why);
    Protocol::Event nodeEvent(const QString &name, const QString &mac) const;
    void checkHeartbeats();

    NodeInventory *m_inventory;
    JoinSecretStore *m_secrets;
    std::chrono::milliseconds m_heartbeatInterval;
    QHash<QString, Online> m_online;
    int m_maximumUnplaced = 64;
    QHash<qint64, std::shared_ptr<void>> m_fanOuts; ///< Under way, by request id: what keeps each alive.
    QHash<QString, State> m_states;
    QHash<QString, qint64> m_downSinceMs; ///< When each node last went down (m_clock).
    QHash<QString, DownCause> m_downCauses;
    QElapsedTimer m_clock;
    qint64 m_nextActionId = 1;
    QTimer m_checkTimer;
    QTimer m_metricsTimer; ///< Coalesces heartbeats into one node.metrics event per interval.
    quint64 m_fanOutRounds = 0;
    RackMetrics::Durations m_fanOutDurations;
    QSet<QString> m_metricsChanged;
};
