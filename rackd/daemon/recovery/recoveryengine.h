// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/caller.h"
#include "api/requestaudit.h"
#include "install/dhcpevent.h"
#include "maintenancestore.h"
#include "nodemanager.h"
#include "powercontroller.h"
#include "recoverysettings.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QTimer>

class StagedInstall;

/**
 * Heals hung Pis (docs/recovery.md). It watches every placed node: a node down for recovery_after
 * while its stack has power is lost, a node whose heartbeats report under-voltage, throttling or
 * heat is unhealthy, a node whose agent is gone while its DHCP lease renews runs without an agent.
 * Each is an event; with `recover` a stack whose Pis are all lost is power-cycled, and a stack
 * where others still run is left alone (`wait`) or drained first (`drain`), a few attempts per
 * window at most. What is under way is saved in recovery.json, so a restarted rackd carries on
 * where it stopped: it never cycles a stack twice for one attempt and never glitches a relay.
 */
class RecoveryEngine : public QObject
{
    Q_OBJECT

public:
    enum class Condition { None, Lost, Unhealthy, AgentGone, GivenUp };
    enum class Phase { Idle, Draining, Cycling, Returning };

    struct Parts
    {
        PowerController *power = nullptr;
        NodeManager *nodes = nullptr;
        MaintenanceStore *maintenance = nullptr;
        RequestAudit *audit = nullptr;
    };

    RecoveryEngine(RecoverySettings settings, Parts parts, QString stateFile, QObject *parent = nullptr);
    ~RecoveryEngine() override;

    /// Reads what was under way; a damaged file is an error. Before start().
    bool load(QString *error);
    /// Starts watching, and takes over a recovery a previous rackd left under way.
    void start();
    /// While the staged install runs, the whole rack is in maintenance.
    void setInstall(StagedInstall *install) { m_install = install; }
    /// A Pi asked for (or renewed) its address: it runs, whatever its agent does.
    void dhcpEvent(const DhcpEvent &event);

    /// For `status`: the stack's maintenance, recovery mode and the recovery under way, if any.
    QJsonObject stackJson(int stack) const;
    /// For `nodes`: the node's maintenance and condition.
    QJsonObject nodeJson(const QString &mac) const;
    /// Why the whole rack is in maintenance (the staged install runs); empty when it is not.
    QString rackMaintenance() const;
    Phase phase(int stack) const { return m_stacks.value(stack).phase; }
    Condition condition(const QString &mac) const { return m_watch.value(mac).condition; }
    static QString conditionName(Condition condition);
    static QString phaseName(Phase phase);

    /// `stack` (> 0) or `mac`: switches maintenance on or off. Stops a recovery of that stack.
    bool setMaintenance(const Caller &caller, int stack, const QString &mac, bool on, const QString &reason,
        Protocol::Error *error);
    /// Stops the recovery under way on `stack` and puts the stack in maintenance, so it does not start again.
    bool stop(const Caller &caller, int stack, Protocol::Error *error);

Q_SIGNALS:
    void eventRaised(const Protocol::Event &event);

private:
    struct NodeWatch
    {
        Condition condition = Condition::None;
        QString reason;
        qint64 lastDhcpMs = -1; ///< m_clock, when a DHCP request showed the Pi running.
    };
    struct StackRecovery
    {
        Phase phase = Phase::Idle;
        int attempt = 0;
        QStringList nodes; ///< The lost nodes it recovers.
        QStringList drained; ///< The healthy nodes a drain shuts down.
        QString reason;
        qint64 startedAt = 0; ///< Epoch ms.
        qint64 deadline = 0; ///< Epoch ms: Returning, the Pis are back by then.
        qint64 notBefore = 0; ///< Epoch ms: the next attempt waits until then (backoff).
        bool running = false; ///< A drain or cycle of this rackd is under way (not saved).
        quint64 generation = 0; ///< Callbacks of a stopped recovery find it changed and do nothing.
    };

    void evaluate();
    void updateConditions(const RackStack &stack, const QList<NodeRecord> &nodes, const QString &paused);
    std::pair<Condition, QString> classify(const RackStack &stack, const NodeRecord &node) const;
    QString plannedAction(const RackStack &stack, Condition condition) const;
    void maybeStart(const RackStack &stack, const QList<NodeRecord> &nodes);
    void advance(const RackStack &stack, const QList<NodeRecord> &nodes);
    void startCycle(int stack);
    /// Switches the stack's relay, then waits for its Pis; `what` ("... stack %1") names it in a failure.
    void switchThenWait(int stack, PowerController::Action action, const QString &what);
    void runDrain(int stack);
    void enterReturning(int stack);
    void finish(int stack, const QString &outcome, const QString &detail);
    void giveUp(int stack, const QString &mac, int attempts);
    /// Why nothing is done about `stack`: the rack or the stack (or, with includeNodes, one of its Pis) is in
    /// maintenance.
    QString pauseReason(int stack, const QList<NodeRecord> &nodes, bool includeNodes) const;
    QList<NodeRecord> placedNodes(int stack) const;
    QString nameOf(const QString &mac) const;
    QStringList namesOf(const QStringList &macs) const;
    int attemptsInWindow(const QString &mac);
    void raise(Protocol::EventName name, QJsonObject data);
    void audit(const QString &what, int stack, const QJsonObject &params, const QString &result);
    bool save();
    static qint64 now();

    RecoverySettings m_settings;
    Parts m_parts;
    QString m_stateFile;
    StagedInstall *m_install = nullptr;
    QElapsedTimer m_clock;
    QTimer m_tick;
    QMap<QString, NodeWatch> m_watch;
    QMap<int, StackRecovery> m_stacks;
    QMap<int, qint64> m_relayOnSinceMs; ///< m_clock; a stack not in it has had power since rackd started.
    QMap<QString, QList<qint64>> m_attempts; ///< Per node: when each recovery started (epoch ms).
    QSet<QString> m_givenUp;
    Caller m_self; ///< How the engine's own steps appear in the audit log.
};
