// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "powercontroller.h"

#include "daemonlogging.h"

#include <QTimer>

using namespace Qt::Literals::StringLiterals;

struct PowerController::Batch
{
    QList<StackOutcome> outcomes;
    int pending = 0;
    Completion done;
    QString actor; ///< Who asked, for relay.changed's "by".
    // Staggered power-on: the stacks still to start, in order.
    QList<int> staggerQueue;
    bool staggered = false;
};

PowerController::PowerController(
    RelayBank *bank, RackStructure structure, RelayStateStore *store, QString bootId, QObject *parent)
    : QObject(parent)
    , m_bank(bank)
    , m_structure(std::move(structure))
    , m_store(store)
    , m_bootId(std::move(bootId))
{
    connect(m_bank, &RelayBank::operationFinished, this, &PowerController::onOperationFinished);
    connect(m_bank, &RelayBank::channelStateChanged, this, &PowerController::onChannelChanged);
}

PowerController::~PowerController() = default;

QString PowerController::actionName(Action action)
{
    switch (action) {
    case Action::On:
        return Protocol::name(Protocol::PowerAction::On);
    case Action::Off:
        return Protocol::name(Protocol::PowerAction::Off);
    case Action::Cycle:
        return Protocol::name(Protocol::PowerAction::Cycle);
    }
    return {};
}

std::optional<PowerController::Action> PowerController::fromProtocol(Protocol::PowerAction action)
{
    switch (action) {
    case Protocol::PowerAction::On:
        return Action::On;
    case Protocol::PowerAction::Off:
        return Action::Off;
    case Protocol::PowerAction::Cycle:
        return Action::Cycle;
    case Protocol::PowerAction::GracefulOff:
        return std::nullopt;
    }
    return std::nullopt;
}

int PowerController::channelOf(int stack) const
{
    const RackStack *found = m_structure.stack(stack);
    return found ? found->relayChannel : -1;
}

int PowerController::stackOfChannel(int channel) const
{
    for (const RackStack &stack : m_structure.stacks) {
        if (stack.relayChannel == channel)
            return stack.id;
    }
    return -1;
}

bool PowerController::start(ColdBootPolicy coldBootPolicy, QString *error)
{
    bool damaged = false;
    const std::optional<RelayStateStore::Saved> saved = m_store->load(error, &damaged);
    if (damaged)
        return false;

    QMap<int, bool> wanted; // stack -> on
    QMap<int, bool> interrupted; // stack -> the state a switch was taking it to when rackd stopped
    QList<int> stagedLater;
    if (!saved) {
        qCInfo(lcDaemon) << "no saved relay state: every stack starts off";
    } else if (saved->bootId == m_bootId && !m_bootId.isEmpty()) {
        qCInfo(lcDaemon) << "restart in the same boot: re-asserting the saved relay states";
        wanted = saved->stacks;
        interrupted = saved->switching;
        const bool anyKnown = std::any_of(m_structure.stacks.cbegin(), m_structure.stacks.cend(),
            [&](const RackStack &stack) { return saved->stacks.contains(stack.id); });
        if (!anyKnown) {
            *error
                = u"the relay state %1 names none of the structure's stacks: rackd will not guess what the "
                  u"relays hold. Restore the file, or remove it to start with every stack off"_s.arg(
                      m_store->path());
            return false;
        }
        for (const RackStack &stack : m_structure.stacks) {
            if (!saved->stacks.contains(stack.id))
                qCWarning(lcDaemon).noquote()
                    << "stack" << stack.id
                    << "has no saved relay state (new in the structure?): it starts off";
        }
    } else {
        qCInfo(lcDaemon).noquote()
            << "the master has booted since the relays were last driven; cold-boot policy:"
            << RackdConfig::coldBootPolicyName(coldBootPolicy);
        if (coldBootPolicy == ColdBootPolicy::Restore)
            wanted = saved->stacks;
        else if (coldBootPolicy == ColdBootPolicy::Staged)
            for (auto it = saved->stacks.cbegin(); it != saved->stacks.cend(); ++it)
                if (it.value())
                    stagedLater.append(it.key());
    }

    QMap<int, bool> initialByChannel;
    QSet<int> uncertainChannels;
    for (const RackStack &stack : m_structure.stacks) {
        // A switch that a crash interrupted may or may not have happened: a board that can be read
        // keeps what it holds; one that cannot is driven to where the switch was going (set a moment
        // after that was written down).
        const bool wasSwitching = interrupted.contains(stack.id);
        const bool on = wasSwitching ? interrupted.value(stack.id) : wanted.value(stack.id, false);
        initialByChannel.insert(stack.relayChannel, on);
        m_savedStates.insert(stack.id, on);
        if (wasSwitching)
            uncertainChannels.insert(stack.relayChannel);
    }
    // Learning the states while taking over is not a change: no event, no log line per stack.
    m_takingOver = true;
    const bool opened = m_bank->open(initialByChannel, uncertainChannels);
    m_takingOver = false;
    if (!opened) {
        *error = m_bank->errorString();
        return false;
    }
    if (const QString warning = m_bank->restartWarning(); !warning.isEmpty())
        qCWarning(lcDaemon).noquote() << warning;
    // What the board says wins; a board that cannot be read on opening (serial) is told its states,
    // or first asked, for a relay whose switch was interrupted. Relays already there do not move.
    QList<RelayCommand> unknown;
    QList<int> toRead;
    for (const RackStack &stack : m_structure.stacks) {
        const std::optional<bool> state = m_bank->state(stack.relayChannel);
        const bool wasSwitching = interrupted.contains(stack.id);
        if (state) {
            if (wasSwitching)
                qCInfo(lcDaemon).noquote()
                    << "stack" << stack.id << "was being switched"
                    << (interrupted.value(stack.id) ? "on" : "off") << "when rackd stopped; the relay is"
                    << (*state ? "on" : "off") << "- keeping it";
            m_savedStates.insert(stack.id, *state);
        } else if (wasSwitching) {
            toRead.append(stack.relayChannel);
            m_takeoverIntents.insert(stack.id, interrupted.value(stack.id));
        } else {
            unknown.append({stack.relayChannel, initialByChannel.value(stack.relayChannel)});
        }
    }
    if (!unknown.isEmpty())
        m_bank->switchChannels(unknown);
    if (!toRead.isEmpty())
        m_takeoverRead = m_bank->readBack(toRead);
    saveStates();
    if (!stagedLater.isEmpty())
        perform(Action::On, stagedLater, true, [](const QList<StackOutcome> &outcomes) {
            for (const StackOutcome &outcome : outcomes) {
                if (!outcome.ok)
                    qCWarning(lcDaemon).noquote()
                        << "staged restore of stack" << outcome.stack << "failed:" << outcome.error;
            }
        });
    return true;
}

// A relay whose switch a crash interrupted, read back: kept as it is, or (unreadable) driven to
// where the switch was going.
void PowerController::onTakeoverRead(const RelayOperationResult &result)
{
    m_takeoverRead = 0;
    QList<RelayCommand> unread;
    for (auto it = m_takeoverIntents.cbegin(); it != m_takeoverIntents.cend(); ++it) {
        const int channel = channelOf(it.key());
        std::optional<bool> state;
        for (const RelayChannelResult &channelResult : result.channels) {
            if (channelResult.channel == channel)
                state = channelResult.state;
        }
        if (state) {
            qCInfo(lcDaemon).noquote()
                << "stack" << it.key() << "was being switched when rackd stopped; the relay"
                << "reads" << (*state ? "on" : "off") << "- keeping it";
            m_savedStates.insert(it.key(), *state);
        } else {
            unread.append({channel, it.value()});
        }
    }
    m_takeoverIntents.clear();
    if (!unread.isEmpty())
        m_bank->switchChannels(unread);
    saveStates();
}

void PowerController::setStructure(const RackStructure &structure) { m_structure = structure; }

std::optional<bool> PowerController::relayState(int stack) const
{
    const int channel = channelOf(stack);
    return channel < 0 ? std::nullopt : m_bank->state(channel);
}

bool PowerController::isBusy(int stack) const { return !m_queues.value(stack).isEmpty(); }

void PowerController::perform(
    Action action, const QList<int> &stacks, bool staggered, Completion done, const QString &actor)
{
    auto batch = std::make_shared<Batch>();
    batch->done = std::move(done);
    batch->actor = actor;
    batch->pending = int(stacks.size());
    for (int stack : stacks)
        batch->outcomes.append({stack, false, relayState(stack), {}});
    if (stacks.isEmpty()) {
        QTimer::singleShot(0, this, [batch] { batch->done({}); });
        return;
    }
    if (staggered && action == Action::On) {
        batch->staggered = true;
        batch->staggerQueue = stacks;
        std::sort(batch->staggerQueue.begin(), batch->staggerQueue.end());
        advanceStagger(batch);
        return;
    }
    for (int stack : stacks)
        enqueue(stack, Step {batch, action, false, std::nullopt});
}

void PowerController::advanceStagger(const std::shared_ptr<Batch> &batch)
{
    if (batch->staggerQueue.isEmpty())
        return;
    enqueue(batch->staggerQueue.takeFirst(), Step {batch, Action::On, false, std::nullopt});
}

void PowerController::enqueue(int stack, Step step)
{
    QList<Step> &queue = m_queues[stack];
    queue.append(std::move(step));
    if (queue.size() == 1)
        startNext(stack);
}

void PowerController::startNext(int stack)
{
    const auto queue = m_queues.find(stack);
    if (queue == m_queues.end() || queue->isEmpty())
        return;
    Step &step = queue->first();
    const int channel = channelOf(stack);
    if (channel < 0) {
        finishStep(stack, {stack, false, std::nullopt, u"there is no stack %1"_s.arg(stack)});
        return;
    }
    if (!step.secondHalf)
        step.stateBefore = m_bank->state(channel);
    const bool on = step.action == Action::On || (step.action == Action::Cycle && step.secondHalf);
    // Written down before the relay is told: whenever rackd dies, the file says where it was going.
    if (m_bank->state(channel) != on) {
        m_switching.insert(stack, on);
        QString error;
        if (!saveStates(&error)) {
            m_switching.remove(stack);
            finishStep(
                stack, {stack, false, m_bank->state(channel), error + u"; the relay was not switched"_s});
            return;
        }
    }
    m_switchedBy.insert(stack, step.batch->actor);
    m_operationStacks.insert(m_bank->switchChannel(channel, on), stack);
}

void PowerController::onOperationFinished(const RelayOperationResult &result)
{
    if (result.id == m_takeoverRead && m_takeoverRead != 0) {
        onTakeoverRead(result);
        return;
    }
    const auto it = m_operationStacks.find(result.id);
    if (it == m_operationStacks.end())
        return; // an operation of start(), not of a step
    const int stack = it.value();
    m_operationStacks.erase(it);
    // The switch is over, whatever came of it: the relay is what the bank says, or what it was.
    if (m_switching.remove(stack) > 0) {
        const std::optional<bool> now = m_bank->state(channelOf(stack));
        if (now)
            m_savedStates.insert(stack, *now);
        saveStates();
    }
    QList<Step> &queue = m_queues[stack];
    if (queue.isEmpty())
        return;
    const RelayChannelResult *channelResult
        = result.channels.isEmpty() ? nullptr : &result.channels.constFirst();
    const std::optional<bool> state = channelResult ? channelResult->state : std::nullopt;
    if (!result.succeeded()) {
        const QString error
            = channelResult && !channelResult->error.isEmpty() ? channelResult->error : result.error;
        finishStep(stack, {stack, false, state, error});
        return;
    }
    Step &step = queue.first();
    if (step.action == Action::Cycle && !step.secondHalf) {
        step.secondHalf = true; // the bank holds the "on" back for the minimum off-time
        startNext(stack);
        return;
    }
    finishStep(stack, {stack, true, state, {}});
}

void PowerController::finishStep(int stack, const StackOutcome &outcome)
{
    QList<Step> &queue = m_queues[stack];
    const Step step = queue.takeFirst();
    if (queue.isEmpty())
        m_queues.remove(stack);
    if (!outcome.ok)
        m_counters[stack].failures += 1;
    const std::shared_ptr<Batch> batch = step.batch;
    for (StackOutcome &entry : batch->outcomes) {
        if (entry.stack == stack)
            entry = outcome;
    }
    if (batch->staggered && !batch->staggerQueue.isEmpty()) {
        // Inrush only comes from a stack that really switched on: after one that was on already, go on at
        // once.
        const bool switchedOn = outcome.ok && outcome.state == true && step.stateBefore != true;
        if (switchedOn)
            QTimer::singleShot(
                m_structure.timing.staggerDelay, this, [this, batch] { advanceStagger(batch); });
        else
            advanceStagger(batch);
    }
    // The next step of this stack starts first: a completion that queues more work for the stack (the
    // install does) must find it running, or the queue's head would be started twice.
    startNext(stack);
    if (--batch->pending == 0)
        batch->done(batch->outcomes);
}

void PowerController::onChannelChanged(int channel, bool on)
{
    const int stack = stackOfChannel(channel);
    if (stack < 0 || m_takingOver)
        return;
    if (!m_savedStates.contains(stack) || m_savedStates.value(stack) != on)
        m_counters[stack].switches += 1;
    m_savedStates.insert(stack, on);
    m_switching.remove(stack); // the relay has said where it is: nothing is uncertain any more
    saveStates();
    qCInfo(lcDaemon).noquote() << "stack" << stack << "relay" << (on ? "on" : "off");
    // Who asked for the switch under way; a relay that moved by itself (a board reset) has no one.
    Q_EMIT relayChanged(stack, on, m_switchedBy.take(stack));
}

bool PowerController::saveStates(QString *error)
{
    QString problem;
    if (!m_store->save({m_savedStates, m_bootId, m_switching}, &problem)) {
        qCCritical(lcDaemon).noquote() << problem;
        Q_EMIT persistenceFailed(problem);
        if (error)
            *error = problem;
        return false;
    }
    return true;
}
