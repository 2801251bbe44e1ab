// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "install/dhcpevent.h"
#include "install/dnsmasqreservations.h"
#include "install/installplacement.h"
#include "install/installverifier.h"
#include "nodemanager.h"
#include "powercontroller.h"
#include "protocol/installrecord.h"
#include "protocol/messages.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QTimer>
#include <chrono>

/**
 * The guided staged install, inside rackd (docs/install.md). One at a time, started by an admin:
 *
 *   every stack off -> for each stack: relay on, collect the MACs that ask for an address until
 *   the stack's count is reached (then settle) or its timeout, relay off; a stack that is not
 *   clean waits for the operator (retry, skip, accept, add a MAC) -> reservations written and
 *   dnsmasq reloaded, nodes placed -> every stack on, staggered -> each stack ok / warning / ko.
 *
 * Each change is saved to install.json before it is announced, so a client that reconnects sees
 * where it is and a restarted rackd resumes it. The same machine re-discovers one slot to replace
 * a Pi: its stack is cycled, and the one MAC that is new gets the old name and address.
 */
class StagedInstall : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        QString recordFile; ///< install.json in the state directory.
        DnsmasqReservations::Files reservations; ///< Where the install writes what it found.
        std::chrono::milliseconds stackTimeout {90000};
        std::chrono::milliseconds settleTime {2000};
        std::chrono::milliseconds verifyTimeout {300000};
    };
    struct StartOptions
    {
        QList<int> stacks; ///< Empty: every stack, in id order.
        std::optional<std::chrono::milliseconds> stackTimeout;
        QString startedBy;
    };
    enum class Decision { Retry, Skip, Accept };

    StagedInstall(Settings settings, PowerController *power, NodeManager *nodes, QObject *parent = nullptr);
    ~StagedInstall() override;

    /**
     * Reads the saved install. One that was running when rackd stopped is resumed where it was (a
     * stack in discovery is discovered again), or marked failed with the reason when it cannot be.
     * A damaged file is kept aside as install.json.damaged and reported; rackd starts regardless.
     */
    void load();

    /// The current or last install; empty when there never was one.
    std::optional<InstallRecord> record() const { return m_record; }
    bool isActive() const { return m_record && m_record->isActive(); }
    /// Why power requests must wait (the install owns the relays while it discovers); empty: they need not.
    QString powerBusyReason() const;

    bool start(const StartOptions &options, Protocol::Error *error);
    bool replace(int stack, int slot, const QString &startedBy, Protocol::Error *error);
    bool decide(Decision decision, Protocol::Error *error);
    bool addMac(const QString &mac, Protocol::Error *error);
    bool abort(const QString &by, Protocol::Error *error);

    void handleDhcpEvent(const DhcpEvent &event);
    /// The manual relay backend asks the operator to plug or unplug a stack (empty: the request is over).
    void setOperatorInstruction(const QString &instruction);

    static QString decisionName(Decision decision);
    static std::optional<Decision> decisionFromName(const QString &name);

Q_SIGNALS:
    /// install.changed (the whole record), install.step, install.mac and install.anomaly events.
    void eventRaised(const Protocol::Event &event);

private:
    bool refuseIfActive(Protocol::Error *error) const;
    /// False (and why) when the new install could not even be saved: nothing started.
    bool begin(InstallRecord record, Protocol::Error *error);
    void note(const QString &message);
    void announce();
    void resume();

    void switchAllOff();
    void startStack();
    void checkCount(InstallStack *stack);
    /// A MAC of the stack that just went off, reported a moment late: not an anomaly.
    bool isLateEcho(const QString &mac) const;
    /// The stack a MAC is placed in when that stack is not part of the install and is on (or unknown).
    std::optional<int> poweredOutsideInstall(const QString &mac) const;
    void takeMac(InstallStack *stack, const QString &mac, const QString &address, bool manual);
    void flag(InstallAnomaly::Kind kind, int stackId, const QString &mac, const QString &detail);
    void stopCollecting(const QString &why);
    QStringList problemsOf(const InstallStack &stack) const;
    void settle(InstallStack *stack, InstallStack::Status status);
    void assignSlots(InstallStack *stack) const;
    void nextStack();
    void writeReservations();
    void takeNotes(const InstallPlacement::Report &report);
    void placeNodes();
    void placeIfPlanned(const QString &mac);
    void powerOn();
    void startVerifying();
    InstallVerifier::Snapshot verificationSnapshot() const;
    void verify();
    void finish(InstallRecord::Outcome outcome, const QString &relays, const QString &error = {});
    /// Runs `action` on stacks and calls `done` unless the install moved on (abort, retry) meanwhile.
    void perform(PowerController::Action action, const QList<int> &stacks, bool staggered,
        std::function<void(const QList<PowerController::StackOutcome> &)> done);
    void deliver(quint64 generation,
        const std::function<void(const QList<PowerController::StackOutcome> &)> &done,
        const QList<PowerController::StackOutcome> &outcomes);
    void abortedStacksOff(const QString &id, const QList<PowerController::StackOutcome> &outcomes);
    QList<int> stackIds() const;
    QString relayStatement() const;

    Settings m_settings;
    PowerController *m_power;
    NodeManager *m_nodes;
    std::optional<InstallRecord> m_record;
    quint64 m_generation = 0; ///< Bumped whenever pending relay callbacks and timers must be ignored.
    QTimer m_stackTimer;
    QTimer m_settleTimer;
    QTimer m_verifyPoll;
    QTimer m_verifyDeadline;
    QElapsedTimer m_lateEcho; ///< Since the last discovered stack went off.
    int m_lateEchoStack = 0;
    /// The address each MAC was last given or holds, from DHCP events (restatements too).
    QHash<QString, QHostAddress> m_lastLease;
    /// When the rack was switched on after discovery: an agent counts if it connected since (a
    /// connection from a discovery boot may linger a few heartbeats after its power went).
    QDateTime m_poweredOnAt;
};
