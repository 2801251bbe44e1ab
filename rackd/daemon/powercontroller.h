// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/vocabulary.h"
#include "rackdconfig.h"
#include "relaybank.h"
#include "relaystatestore.h"
#include "structure/rackstructure.h"

#include <QHash>
#include <QObject>
#include <functional>

/**
 * Stack power for rackd, on top of the relay bank. Actions on one stack run one after the
 * other, whoever asked, so two clients never interleave on a stack; every change of a relay is
 * saved at once, so a restarted rackd takes the relays over exactly as they are.
 */
class PowerController : public QObject
{
    Q_OBJECT

public:
    enum class Action { On, Off, Cycle };

    struct StackOutcome
    {
        int stack = 0;
        bool ok = false;
        std::optional<bool> state; ///< The relay state after the action, as far as it is known.
        QString error;
    };
    using Completion = std::function<void(const QList<StackOutcome> &)>;

    PowerController(RelayBank *bank, RackStructure structure, RelayStateStore *store, QString bootId,
        QObject *parent = nullptr);
    ~PowerController() override;

    /**
     * Opens the relay bank and takes the relays over. In the same boot the saved states are
     * re-asserted (no output changes); after a new boot of the master the policy decides; with
     * nothing saved every stack starts off.
     */
    bool start(ColdBootPolicy coldBootPolicy, QString *error);

    /// Replaces timing and layout after a reload; the caller has checked that the wiring is the same.
    void setStructure(const RackStructure &structure);
    const RackStructure &structure() const { return m_structure; }

    /// Runs `action` on each stack; `done` gets one outcome per stack when all have finished.
    /// With `staggered`, stacks that really switch on do so one at a time, stagger_delay apart.
    /// `actor` names who asked (a token's name), for relay.changed.
    void perform(
        Action action, const QList<int> &stacks, bool staggered, Completion done, const QString &actor = {});

    std::optional<bool> relayState(int stack) const;
    bool isBusy(int stack) const;
    /// Since rackd started: how often the stack's relay switched, and how often switching it failed.
    struct Counters
    {
        quint64 switches = 0;
        quint64 failures = 0;
    };
    Counters counters(int stack) const { return m_counters.value(stack); }

    static QString actionName(Action action);
    /// The action a power request names; graceful-off is not one (it shuts the Pis down first).
    static std::optional<Action> fromProtocol(Protocol::PowerAction action);
    /// The stack whose relay is this channel; -1 when none is.
    int stackOfChannel(int channel) const;
    RelayBank *bank() const { return m_bank; }

Q_SIGNALS:
    /// `by`: who asked for the switch, when someone did (empty otherwise).
    void relayChanged(int stack, bool on, const QString &by);
    /// Saving the relay state failed: rackd keeps running, and says so loudly.
    void persistenceFailed(const QString &message);

private:
    struct Batch;
    struct Step
    {
        std::shared_ptr<Batch> batch;
        Action action = Action::On;
        bool secondHalf = false; ///< Cycle: the "on" after the "off".
        std::optional<bool> stateBefore; ///< The relay when the step started.
    };

    void enqueue(int stack, Step step);
    void startNext(int stack);
    void onOperationFinished(const RelayOperationResult &result);
    void finishStep(int stack, const StackOutcome &outcome);
    void advanceStagger(const std::shared_ptr<Batch> &batch);
    void onChannelChanged(int channel, bool on);
    void onTakeoverRead(const RelayOperationResult &result);
    /// False, with `error` (and persistenceFailed), when the file could not be written.
    bool saveStates(QString *error = nullptr);
    int channelOf(int stack) const;

    RelayBank *m_bank;
    RackStructure m_structure;
    RelayStateStore *m_store;
    QString m_bootId;
    QMap<int, bool> m_savedStates;
    QMap<int, bool> m_switching; ///< Stack -> the state it is being switched to, until the relay says.
    quint64 m_takeoverRead = 0; ///< Reading back relays whose switch a crash interrupted.
    QMap<int, bool> m_takeoverIntents; ///< Their stacks -> the state they were being switched to.
    QHash<int, QList<Step>> m_queues; ///< Per stack; the head is running.
    QHash<int, Counters> m_counters;
    QHash<quint64, int> m_operationStacks; ///< Relay operation id -> stack.
    QHash<int, QString> m_switchedBy; ///< Stack -> who asked for the switch under way.
    bool m_takingOver = false;
};
