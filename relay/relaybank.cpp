// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "relaybank.h"

#include "relaylogging.h"

#include <QSet>
#include <algorithm>
#include <limits>

using namespace Qt::Literals::StringLiterals;

RelayBank::RelayBank(QList<RelayChannelInfo> channels, RelaySafety safety, QObject *parent)
    : QObject(parent)
    , m_channels(std::move(channels))
    , m_safety(safety)
{
    qRegisterMetaType<RelayOperationResult>();
    m_clock.start();
    m_safetyTimer.setSingleShot(true);
    m_safetyTimer.setTimerType(Qt::PreciseTimer); // a coarse timer may fire early: never before the limit
    connect(&m_safetyTimer, &QTimer::timeout, this, &RelayBank::pump);
}

// Backends close their device in their own destructor; the base only forgets the queue.
RelayBank::~RelayBank() = default;

QList<int> RelayBank::channels() const
{
    QList<int> numbers;
    numbers.reserve(m_channels.size());
    for (const RelayChannelInfo &channel : m_channels)
        numbers.append(channel.number);
    return numbers;
}

bool RelayBank::hasChannel(int channel) const
{
    return std::any_of(m_channels.cbegin(), m_channels.cend(),
        [channel](const RelayChannelInfo &info) { return info.number == channel; });
}

QString RelayBank::channelLabel(int channel) const
{
    const QString name = channelName(channel);
    return name.isEmpty() ? u"channel %1"_s.arg(channel) : u"%1 (channel %2)"_s.arg(name).arg(channel);
}

QString RelayBank::channelName(int channel) const
{
    for (const RelayChannelInfo &info : m_channels) {
        if (info.number == channel)
            return info.label;
    }
    return {};
}

bool RelayBank::open(const QMap<int, bool> &initialStates, const QSet<int> &keepIfReadable)
{
    if (m_open) {
        m_errorString = u"the relay bank on %1 is already open"_s.arg(deviceDescription());
        return false;
    }
    for (auto it = initialStates.cbegin(); it != initialStates.cend(); ++it) {
        if (!hasChannel(it.key())) {
            m_errorString
                = u"cannot take over channel %1: the relay bank on %2 has no such channel"_s.arg(it.key())
                      .arg(deviceDescription());
            return false;
        }
    }
    QString error;
    m_keepIfReadable = keepIfReadable;
    const bool opened = openDevice(initialStates, &error);
    m_keepIfReadable.clear();
    if (!opened) {
        m_errorString = error;
        qCWarning(lcRelay).noquote() << error;
        return false;
    }
    m_open = true;
    m_errorString.clear();
    qCInfo(lcRelay).noquote() << backendName() << "relay bank on" << deviceDescription() << "open with"
                              << m_channels.size() << "channel(s)";
    return true;
}

void RelayBank::close()
{
    if (!m_open)
        return;
    failAllQueued(u"the relay bank was closed"_s);
    closeDevice();
    m_open = false;
    m_states.clear();
}

std::optional<bool> RelayBank::state(int channel) const
{
    const auto it = m_states.constFind(channel);
    if (it == m_states.cend())
        return std::nullopt;
    return *it;
}

QMap<int, bool> RelayBank::knownStates() const
{
    QMap<int, bool> states;
    for (auto it = m_states.cbegin(); it != m_states.cend(); ++it)
        states.insert(it.key(), it.value());
    return states;
}

bool RelayBank::isIdle() const { return m_queue.isEmpty() && !m_running; }

quint64 RelayBank::switchChannels(const QList<RelayCommand> &commands)
{
    return enqueue(RelayOperationResult::Kind::Switch, commands);
}

quint64 RelayBank::switchChannel(int channel, bool on)
{
    return switchChannels({RelayCommand {channel, on}});
}

quint64 RelayBank::readBack(const QList<int> &channelNumbers)
{
    QList<RelayCommand> commands;
    for (int channel : channelNumbers.isEmpty() ? channels() : channelNumbers)
        commands.append({channel, false});
    return enqueue(RelayOperationResult::Kind::ReadBack, commands);
}

std::chrono::milliseconds RelayBank::safetyWait(int channel, bool on) const
{
    const Job job {0, channel, RelayOperationResult::Kind::Switch, on};
    return std::chrono::milliseconds(std::max<qint64>(0, earliestStartMs(job) - nowMs()));
}

quint64 RelayBank::enqueue(RelayOperationResult::Kind kind, const QList<RelayCommand> &commands)
{
    const quint64 id = m_nextOperationId++;
    Operation operation;
    operation.result.id = id;
    operation.result.kind = kind;

    QString rejection;
    QSet<int> seen;
    for (const RelayCommand &command : commands) {
        RelayChannelResult channelResult;
        channelResult.channel = command.channel;
        if (kind == RelayOperationResult::Kind::Switch)
            channelResult.requested = command.on;
        channelResult.state = state(command.channel);
        if (rejection.isEmpty()) {
            if (!m_open)
                rejection = u"the relay bank on %1 is not open"_s.arg(deviceDescription());
            else if (!hasChannel(command.channel))
                rejection = u"there is no channel %1 on %2"_s.arg(command.channel).arg(deviceDescription());
            else if (seen.contains(command.channel))
                rejection = u"channel %1 is named twice in one operation"_s.arg(command.channel);
        }
        seen.insert(command.channel);
        operation.result.channels.append(channelResult);
    }
    if (commands.isEmpty())
        rejection = u"the operation names no channel"_s;

    if (!rejection.isEmpty()) {
        // Nothing runs: every channel fails with the reason, so no caller mistakes it for a partial run.
        operation.result.error = rejection;
        for (RelayChannelResult &channelResult : operation.result.channels) {
            channelResult.outcome = RelayChannelResult::Outcome::Failed;
            channelResult.error = rejection;
        }
        qCWarning(lcRelay).noquote() << "operation" << id << "refused:" << rejection;
        const RelayOperationResult result = operation.result;
        QMetaObject::invokeMethod(
            this, [this, result] { Q_EMIT operationFinished(result); }, Qt::QueuedConnection);
        return id;
    }

    for (const RelayCommand &command : commands)
        m_queue.append(Job {id, command.channel, kind, command.on});
    operation.pendingJobs = int(commands.size());
    m_operations.insert(id, operation);
    schedulePump();
    return id;
}

void RelayBank::schedulePump()
{
    if (m_pumpScheduled)
        return;
    m_pumpScheduled = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_pumpScheduled = false;
            pump();
        },
        Qt::QueuedConnection);
}

qint64 RelayBank::earliestStartMs(const Job &job) const
{
    if (job.kind != RelayOperationResult::Kind::Switch)
        return 0;
    const ChannelHistory history = m_history.value(job.channel);
    qint64 earliest = 0;
    if (history.lastSwitchMs)
        earliest = std::max(earliest, *history.lastSwitchMs + qint64(m_safety.minimumSwitchInterval.count()));
    if (job.on && history.lastOffMs)
        earliest = std::max(earliest, *history.lastOffMs + qint64(m_safety.minimumOffTime.count()));
    return earliest;
}

void RelayBank::pump()
{
    if (m_pumping)
        return;
    m_pumping = true;
    constexpr qint64 NoWake = std::numeric_limits<qint64>::max();
    qint64 nextWakeMs = NoWake;
    while (!m_running) {
        nextWakeMs = NoWake;
        qsizetype runnable = -1;
        for (qsizetype i = 0; i < m_queue.size() && runnable < 0; ++i) {
            const Job &job = m_queue.at(i);
            // Per channel and per operation, commands keep their order.
            const bool blocked
                = std::any_of(m_queue.cbegin(), m_queue.cbegin() + i, [&job](const Job &earlier) {
                      return earlier.channel == job.channel || earlier.operationId == job.operationId;
                  });
            if (blocked)
                continue;
            const qint64 earliest = earliestStartMs(job);
            const bool alreadyThere
                = job.kind == RelayOperationResult::Kind::Switch && state(job.channel) == job.on;
            if (earliest > nowMs() && !alreadyThere) {
                nextWakeMs = std::min(nextWakeMs, earliest);
                continue;
            }
            runnable = i;
        }
        if (runnable < 0)
            break;

        const Job job = m_queue.takeAt(runnable);
        if (job.kind == RelayOperationResult::Kind::Switch && state(job.channel) == job.on) {
            // Already in the wanted state: nothing is switched, so no safety interval is spent.
            completeJob(job, RelayChannelResult::Outcome::Done, job.on, {});
            continue;
        }
        m_running = job;
        if (job.kind == RelayOperationResult::Kind::Switch) {
            qCDebug(lcRelay).noquote() << "switching" << channelLabel(job.channel) << (job.on ? "on" : "off");
            startSwitch(job.channel, job.on);
        } else {
            startRead(job.channel);
        }
    }
    if (!m_running && nextWakeMs != NoWake) {
        const qint64 wait = std::max<qint64>(0, nextWakeMs - nowMs());
        qCDebug(lcRelay) << "waiting" << wait << "ms for the safety interval";
        m_safetyTimer.start(std::chrono::milliseconds(wait));
    }
    m_pumping = false;
}

void RelayBank::finishCommand(std::optional<bool> newState, const QString &error)
{
    if (!m_running) {
        qCWarning(lcRelay) << "a backend finished a command that was not running; ignored";
        return;
    }
    const Job job = *m_running;
    m_running.reset();

    QString failure = error;
    if (job.kind == RelayOperationResult::Kind::Switch) {
        if (failure.isEmpty() && newState && *newState != job.on)
            failure = u"it reads back %1 after being switched %2"_s.arg(
                describeState(newState), describeState(job.on));
        if (failure.isEmpty() && !newState)
            newState = job.on;
        // Even a failed switch may have moved the relay, so the safety clock starts either way.
        ChannelHistory &history = m_history[job.channel];
        history.lastSwitchMs = nowMs();
        if (!job.on || newState == false)
            history.lastOffMs = nowMs();
    }
    setKnownState(job.channel, newState);

    if (failure.isEmpty()) {
        completeJob(job, RelayChannelResult::Outcome::Done, newState, {});
    } else {
        const QString message
            = u"%1 on %2: %3"_s.arg(channelLabel(job.channel), deviceDescription(), failure);
        qCWarning(lcRelay).noquote() << message;
        Q_EMIT errorOccurred(message);
        const quint64 operationId = job.operationId;
        completeJob(job, RelayChannelResult::Outcome::Failed, newState, failure);
        abortOperation(operationId);
    }
    schedulePump();
}

void RelayBank::setKnownState(int channel, std::optional<bool> newState)
{
    const std::optional<bool> previous = state(channel);
    if (!newState) {
        m_states.remove(channel);
        return;
    }
    m_states.insert(channel, *newState);
    if (previous != newState)
        Q_EMIT channelStateChanged(channel, *newState);
}

void RelayBank::reportDeviceFailure(const QString &message)
{
    qCWarning(lcRelay).noquote() << message;
    m_errorString = message;
    Q_EMIT errorOccurred(message);
    failAllQueued(message);
    if (m_open) {
        closeDevice();
        m_open = false;
        m_states.clear();
    }
}

void RelayBank::completeJob(
    const Job &job, RelayChannelResult::Outcome outcome, std::optional<bool> newState, const QString &error)
{
    auto it = m_operations.find(job.operationId);
    if (it == m_operations.end())
        return;
    for (RelayChannelResult &channelResult : it->result.channels) {
        if (channelResult.channel == job.channel) {
            channelResult.outcome = outcome;
            channelResult.state = newState;
            channelResult.error = error;
        }
    }
    --it->pendingJobs;
    finishOperationIfDone(job.operationId);
}

void RelayBank::abortOperation(quint64 operationId)
{
    auto it = m_operations.find(operationId);
    if (it == m_operations.end())
        return;
    const qsizetype removed
        = m_queue.removeIf([operationId](const Job &job) { return job.operationId == operationId; });
    it->pendingJobs -= int(removed);
    finishOperationIfDone(operationId);
}

void RelayBank::failAllQueued(const QString &error)
{
    QList<Job> victims = m_queue;
    m_queue.clear();
    if (m_running) {
        victims.prepend(*m_running);
        m_running.reset();
    }
    m_safetyTimer.stop();
    for (const Job &job : std::as_const(victims))
        completeJob(job, RelayChannelResult::Outcome::Failed, state(job.channel), error);
}

void RelayBank::finishOperationIfDone(quint64 operationId)
{
    auto it = m_operations.find(operationId);
    if (it == m_operations.end() || it->pendingJobs > 0)
        return;
    RelayOperationResult result = it->result;
    m_operations.erase(it);
    for (RelayChannelResult &channelResult : result.channels) {
        if (channelResult.outcome == RelayChannelResult::Outcome::NotAttempted)
            channelResult.state = state(channelResult.channel);
    }
    qCDebug(lcRelay) << result;
    Q_EMIT operationFinished(result);
}

bool RelayBank::confirmByOperator(int) { return false; }

bool RelayBank::declineByOperator(int, const QString &) { return false; }
