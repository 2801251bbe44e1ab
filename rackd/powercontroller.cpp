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
        return u"on"_s;
    case Action::Off:
        return u"off"_s;
    case Action::Cycle:
        return u"cycle"_s;
    }
    return {};
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
    QList<int> stagedLater;
    if (!saved) {
        qCInfo(lcDaemon) << "no saved relay state: every stack starts off";
    } else if (saved->bootId == m_bootId && !m_bootId.isEmpty()) {
        qCInfo(lcDaemon) << "restart in the same boot: re-asserting the saved relay states";
        wanted = saved->stacks;
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
    for (const RackStack &stack : m_structure.stacks) {
        const bool on = wanted.value(stack.id, false);
        initialByChannel.insert(stack.relayChannel, on);
        m_savedStates.insert(stack.id, on);
    }
    // Learning the states while taking over is not a change: no event, no log line per stack.
    m_takingOver = true;
    const bool opened = m_bank->open(initialByChannel);
    m_takingOver = false;
    if (!opened) {
        *error = m_bank->errorString();
        return false;
    }
    // A board that cannot be read on opening (serial) is told its states; relays already there do not move.
    QList<RelayCommand> unknown;
    for (auto it = initialByChannel.cbegin(); it != initialByChannel.cend(); ++it) {
        if (!m_bank->state(it.key()))
            unknown.append({it.key(), it.value()});
    }
    if (!unknown.isEmpty())
        m_bank->switchChannels(unknown);
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

void PowerController::setStructure(const RackStructure &structure) { m_structure = structure; }

std::optional<bool> PowerController::relayState(int stack) const
{
    const int channel = channelOf(stack);
    return channel < 0 ? std::nullopt : m_bank->state(channel);
}

bool PowerController::isBusy(int stack) const { return !m_queues.value(stack).isEmpty(); }

void PowerController::perform(Action action, const QList<int> &stacks, bool staggered, Completion done)
{
    auto batch = std::make_shared<Batch>();
    batch->done = std::move(done);
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
    m_operationStacks.insert(m_bank->switchChannel(channel, on), stack);
}

void PowerController::onOperationFinished(const RelayOperationResult &result)
{
    const auto it = m_operationStacks.find(result.id);
    if (it == m_operationStacks.end())
        return; // an operation of start(), not of a step
    const int stack = it.value();
    m_operationStacks.erase(it);
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
    m_savedStates.insert(stack, on);
    saveStates();
    qCInfo(lcDaemon).noquote() << "stack" << stack << "relay" << (on ? "on" : "off");
    Q_EMIT relayChanged(stack, on);
}

void PowerController::saveStates()
{
    QString error;
    if (!m_store->save({m_savedStates, m_bootId}, &error)) {
        qCCritical(lcDaemon).noquote() << error;
        Q_EMIT persistenceFailed(error);
    }
}
