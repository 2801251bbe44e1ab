// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "recoveryengine.h"

#include "daemonlogging.h"
#include "install/stagedinstall.h"
#include "storage/jsonfile.h"

#include <QDateTime>
#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;
namespace ErrorCode = Protocol::ErrorCode;

namespace {

constexpr milliseconds TickInterval {500};
/// After a drain's shutdowns: a Pi must stay down this long (one that reboots instead comes back).
constexpr milliseconds DrainSettle {3000};
/// An unhealthy temperature clears only this far below the limit, so a Pi at the limit does not flap.
constexpr double TemperatureHysteresis = 5.0;

QString seconds(qint64 ms) { return QString::number(double(ms) / 1000.0, 'f', ms < 10000 ? 1 : 0); }

QJsonArray toArray(const QStringList &list)
{
    QJsonArray array;
    for (const QString &item : list)
        array.append(item);
    return array;
}

QStringList toStringList(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list.append(item.toString());
    return list;
}

} // namespace

RecoveryEngine::RecoveryEngine(RecoverySettings settings, Parts parts, QString stateFile, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_parts(parts)
    , m_stateFile(std::move(stateFile))
{
    m_clock.start();
    m_self.token.name = u"rackd"_s;
    m_self.token.role = Protocol::Role::Admin;
    m_self.source = u"recovery"_s;
    m_tick.setInterval(TickInterval);
    connect(&m_tick, &QTimer::timeout, this, &RecoveryEngine::evaluate);
    connect(m_parts.power, &PowerController::relayChanged, this, [this](int stack, bool on, const QString &) {
        if (on)
            m_relayOnSinceMs.insert(stack, m_clock.elapsed());
    });
}

RecoveryEngine::~RecoveryEngine() = default;

qint64 RecoveryEngine::now() { return QDateTime::currentMSecsSinceEpoch(); }

QString RecoveryEngine::conditionName(Condition condition)
{
    switch (condition) {
    case Condition::None:
        return u"ok"_s;
    case Condition::Lost:
        return u"lost"_s;
    case Condition::Unhealthy:
        return u"unhealthy"_s;
    case Condition::AgentGone:
        return u"agent-gone"_s;
    case Condition::GivenUp:
        return u"given-up"_s;
    }
    return {};
}

QString RecoveryEngine::phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Idle:
        return u"idle"_s;
    case Phase::Draining:
        return u"draining"_s;
    case Phase::Cycling:
        return u"cycling"_s;
    case Phase::Returning:
        return u"returning"_s;
    }
    return {};
}

bool RecoveryEngine::load(QString *error)
{
    const JsonFile::ReadResult file = JsonFile::read(m_stateFile, 1024 * 1024);
    if (file.status == JsonFile::ReadResult::Status::Missing)
        return true;
    if (file.status != JsonFile::ReadResult::Status::Ok) {
        *error = u"%1: %2"_s.arg(m_stateFile, file.error);
        return false;
    }
    const auto damaged = [&](const QString &what) {
        *error = u"%1: %2 is damaged; move the file away to start without the recoveries it records"_s.arg(
            m_stateFile, what);
        return false;
    };
    const QJsonObject stacks = file.object.value(u"stacks"_s).toObject();
    for (auto it = stacks.begin(); it != stacks.end(); ++it) {
        const QJsonObject saved = it.value().toObject();
        StackRecovery recovery;
        const QString phase = saved.value(u"phase"_s).toString();
        bool number = false;
        const int id = it.key().toInt(&number);
        if (phase == phaseName(Phase::Draining))
            recovery.phase = Phase::Draining;
        else if (phase == phaseName(Phase::Cycling))
            recovery.phase = Phase::Cycling;
        else if (phase == phaseName(Phase::Returning))
            recovery.phase = Phase::Returning;
        else if (phase != phaseName(Phase::Idle))
            return damaged(u"the phase of stack %1"_s.arg(it.key()));
        if (!number || id < 1)
            return damaged(u"the stack \"%1\""_s.arg(it.key()));
        recovery.attempt = saved.value(u"attempt"_s).toInt();
        recovery.nodes = toStringList(saved.value(u"nodes"_s));
        recovery.drained = toStringList(saved.value(u"drained"_s));
        recovery.reason = saved.value(u"reason"_s).toString();
        recovery.startedAt = qint64(saved.value(u"started"_s).toDouble());
        recovery.deadline = qint64(saved.value(u"deadline"_s).toDouble());
        recovery.notBefore = qint64(saved.value(u"not_before"_s).toDouble());
        m_stacks.insert(id, recovery);
    }
    const QJsonObject attempts = file.object.value(u"attempts"_s).toObject();
    for (auto it = attempts.begin(); it != attempts.end(); ++it) {
        QList<qint64> times;
        for (const QJsonValue &time : it.value().toArray()) {
            if (!time.isDouble())
                return damaged(u"the attempts of %1"_s.arg(it.key().left(40)));
            times.append(qint64(time.toDouble()));
        }
        m_attempts.insert(it.key(), times);
    }
    for (const QString &mac : toStringList(file.object.value(u"given_up"_s))) {
        m_givenUp.insert(mac);
        m_watch[mac].condition = Condition::GivenUp;
        m_watch[mac].reason = u"given up before rackd restarted"_s;
    }
    return true;
}

bool RecoveryEngine::save()
{
    QJsonObject stacks;
    for (auto it = m_stacks.cbegin(); it != m_stacks.cend(); ++it) {
        if (it->phase == Phase::Idle && it->notBefore <= now())
            continue;
        stacks.insert(QString::number(it.key()),
            QJsonObject {{u"phase"_s, phaseName(it->phase)}, {u"attempt"_s, it->attempt},
                {u"nodes"_s, toArray(it->nodes)}, {u"drained"_s, toArray(it->drained)},
                {u"reason"_s, it->reason}, {u"started"_s, double(it->startedAt)},
                {u"deadline"_s, double(it->deadline)}, {u"not_before"_s, double(it->notBefore)}});
    }
    QJsonObject attempts;
    for (auto it = m_attempts.cbegin(); it != m_attempts.cend(); ++it) {
        QJsonArray times;
        for (qint64 time : *it)
            times.append(double(time));
        if (!times.isEmpty())
            attempts.insert(it.key(), times);
    }
    QStringList givenUp(m_givenUp.cbegin(), m_givenUp.cend());
    givenUp.sort();
    QString error;
    if (!JsonFile::write(m_stateFile,
            {{u"stacks"_s, stacks}, {u"attempts"_s, attempts}, {u"given_up"_s, toArray(givenUp)}},
            JsonFile::OwnerOnly, &error, 1024 * 1024)) {
        qCCritical(lcRecovery).noquote() << "cannot save the recovery state:" << error;
        return false;
    }
    return true;
}

void RecoveryEngine::start()
{
    // A recovery a previous rackd left under way goes on from where it stopped; it is not started again.
    for (auto it = m_stacks.begin(); it != m_stacks.end(); ++it) {
        const int stack = it.key();
        if (it->phase == Phase::Cycling) {
            const std::optional<bool> relay = m_parts.power->relayState(stack);
            if (relay == true) {
                qCInfo(lcRecovery).noquote() << "stack" << stack
                                             << "was being power-cycled when rackd stopped; its relay is on:"
                                                " waiting for its Pis";
                enterReturning(stack);
            } else if (relay == false) {
                qCInfo(lcRecovery).noquote()
                    << "stack" << stack << "was being power-cycled when rackd stopped; switching it back on";
                it->running = true;
                const quint64 generation = it->generation;
                // The relay may have gone off just before rackd stopped: it stays off its minimum time.
                QTimer::singleShot(
                    m_parts.power->structure().timing.minimumOffTime, this, [this, stack, generation] {
                        if (m_stacks.value(stack).generation != generation)
                            return;
                        switchThenWait(stack, PowerController::Action::On, u"switching stack %1 back on"_s);
                    });
            } else {
                finish(stack, u"failed"_s, u"the relay of stack %1 is in an unknown state"_s.arg(stack));
            }
        }
    }
    m_tick.start();
}

void RecoveryEngine::dhcpEvent(const DhcpEvent &event)
{
    if (event.showsPiAsking() && m_parts.nodes->inventory()->node(event.mac))
        m_watch[event.mac].lastDhcpMs = m_clock.elapsed();
}

QList<NodeRecord> RecoveryEngine::placedNodes(int stack) const
{
    QList<NodeRecord> placed;
    for (const NodeRecord &node : m_parts.nodes->inventory()->nodes()) {
        if (node.stack == stack)
            placed.append(node);
    }
    return placed;
}

QString RecoveryEngine::nameOf(const QString &mac) const
{
    const std::optional<NodeRecord> node = m_parts.nodes->inventory()->node(mac);
    return node && !node->name.isEmpty() ? node->name : mac;
}

QStringList RecoveryEngine::namesOf(const QStringList &macs) const
{
    QStringList names;
    for (const QString &mac : macs)
        names.append(nameOf(mac));
    return names;
}

QString RecoveryEngine::rackMaintenance() const
{
    return m_install && m_install->isActive() ? u"the staged install runs"_s : QString();
}

QString RecoveryEngine::pauseReason(int stack, const QList<NodeRecord> &nodes, bool includeNodes) const
{
    if (const QString rack = rackMaintenance(); !rack.isEmpty())
        return rack;
    if (m_parts.maintenance->stack(stack))
        return u"stack %1 is in maintenance"_s.arg(stack);
    if (includeNodes) {
        for (const NodeRecord &node : nodes) {
            if (m_parts.maintenance->node(node.mac))
                return u"%1 is in maintenance"_s.arg(nameOf(node.mac));
        }
    }
    return {};
}

void RecoveryEngine::raise(Protocol::EventName name, QJsonObject data)
{
    data.insert(u"time"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    Q_EMIT eventRaised({Protocol::name(name), data});
}

void RecoveryEngine::audit(const QString &what, int stack, const QJsonObject &params, const QString &result)
{
    Protocol::Request request;
    request.method = what;
    request.params = params;
    m_parts.audit->record(m_self, request, QJsonArray {stack}, result);
}

int RecoveryEngine::attemptsInWindow(const QString &mac)
{
    const auto found = m_attempts.find(mac);
    if (found == m_attempts.end())
        return 0;
    const qint64 oldest = now() - m_settings.window.count();
    found->removeIf([oldest](qint64 time) { return time < oldest; });
    return int(found->size());
}

void RecoveryEngine::evaluate()
{
    for (const RackStack &stack : m_parts.power->structure().stacks) {
        const QList<NodeRecord> nodes = placedNodes(stack.id);
        const QString paused = pauseReason(stack.id, nodes, false);
        if (m_stacks.value(stack.id).phase != Phase::Idle) {
            // A Pi someone works on is never shut down or cut by surprise.
            if (const QString blocked = pauseReason(stack.id, nodes, true); !blocked.isEmpty())
                finish(stack.id, u"stopped"_s, blocked);
            else
                advance(stack, nodes);
            continue;
        }
        updateConditions(stack, nodes, paused);
        if (pauseReason(stack.id, nodes, true).isEmpty()
            && m_settings.modeFor(stack) == RecoveryMode::Recover)
            maybeStart(stack, nodes);
    }
}

std::pair<RecoveryEngine::Condition, QString> RecoveryEngine::classify(
    const RackStack &stack, const NodeRecord &node) const
{
    const NodeManager::State state = m_parts.nodes->state(node.mac);
    const NodeWatch watch = m_watch.value(node.mac);
    if (state == NodeManager::State::Up) {
        const QJsonObject metrics = node.lastMetrics;
        const QJsonObject throttled = metrics.value(u"throttled"_s).toObject();
        QStringList problems;
        if (throttled.value(u"under_voltage"_s).toBool())
            problems.append(u"under-voltage"_s);
        if (throttled.value(u"throttled"_s).toBool())
            problems.append(u"throttled"_s);
        const QJsonValue temperature = metrics.value(u"temperature_c"_s);
        const double limit = watch.condition == Condition::Unhealthy
            ? m_settings.temperatureLimit - TemperatureHysteresis
            : m_settings.temperatureLimit;
        if (temperature.isDouble() && temperature.toDouble() > limit)
            problems.append(u"%1 °C (limit %2 °C)"_s.arg(temperature.toDouble(), 0, 'f', 1)
                                .arg(m_settings.temperatureLimit));
        if (problems.isEmpty())
            return {Condition::None, {}};
        return {Condition::Unhealthy, problems.join(u", "_s)};
    }
    // A stack without power, or being switched, has its Pis down on purpose.
    if (m_parts.power->relayState(stack.id) != true || m_parts.power->isBusy(stack.id))
        return {Condition::None, {}};
    const qint64 elapsed = m_clock.elapsed();
    const qint64 poweredFor = elapsed - m_relayOnSinceMs.value(stack.id, 0);
    if (poweredFor < m_settings.bootTime.count())
        return {Condition::None, {}}; // still booting
    const qint64 downFor = state == NodeManager::State::Down ? m_parts.nodes->downForMs(node.mac) : elapsed;
    if (downFor < m_settings.lostAfter.count())
        return {Condition::None, {}};
    // Its connection closed rather than fell silent: the Pi's kernel ran then, only the agent stopped.
    if (m_parts.nodes->downCause(node.mac) == NodeManager::DownCause::Disconnected)
        return {Condition::AgentGone,
            u"its agent closed its connection %1 s ago and has not come back; the Pi itself answered then"_s
                .arg(seconds(downFor))};
    if (watch.lastDhcpMs >= 0 && elapsed - watch.lastDhcpMs <= std::min(downFor, poweredFor))
        return {Condition::AgentGone,
            u"no agent for %1 s, but the Pi asked for its address %2 s ago: it runs"_s.arg(
                seconds(downFor), seconds(elapsed - watch.lastDhcpMs))};
    if (state == NodeManager::State::Down)
        return {Condition::Lost, u"no heartbeat for %1 s with its stack powered"_s.arg(seconds(downFor))};
    return {Condition::Lost,
        u"not heard from in the %1 s since rackd started, with its stack powered"_s.arg(seconds(downFor))};
}

QString RecoveryEngine::plannedAction(const RackStack &stack, Condition condition) const
{
    const RecoveryMode mode = m_settings.modeFor(stack);
    switch (condition) {
    case Condition::None:
        return {};
    case Condition::Unhealthy:
        return u"reported only: a power cycle does not cure a weak supply or heat"_s;
    case Condition::AgentGone:
        return u"reported only: the Pi runs, and systemd on it restarts its agent"_s;
    case Condition::GivenUp:
        return u"given up: power-cycle it by hand"_s;
    case Condition::Lost:
        break;
    }
    if (mode != RecoveryMode::Recover)
        return u"reported only (recovery = %1)"_s.arg(recoveryModeName(mode));
    const QList<NodeRecord> nodes = placedNodes(stack.id);
    if (const QString blocked = pauseReason(stack.id, nodes, true); !blocked.isEmpty())
        return u"waiting: %1, so stack %2 keeps its power"_s.arg(blocked).arg(stack.id);
    const int running = int(std::count_if(nodes.cbegin(), nodes.cend(),
        [this](const NodeRecord &node) { return m_parts.nodes->state(node.mac) == NodeManager::State::Up; }));
    if (running == 0)
        return u"power-cycle stack %1 once every Pi of it is lost"_s.arg(stack.id);
    if (m_settings.sharedStackFor(stack) == SharedStackPolicy::Drain)
        return u"drain stack %1: shut down its %2 running Pis, then power-cycle it"_s.arg(stack.id).arg(
            running);
    return u"waiting: %1 other Pis of stack %2 still run (shared_stack = wait)"_s.arg(running).arg(stack.id);
}

void RecoveryEngine::updateConditions(
    const RackStack &stack, const QList<NodeRecord> &nodes, const QString &paused)
{
    const bool watched = m_settings.modeFor(stack) != RecoveryMode::Off;
    for (const NodeRecord &node : nodes) {
        NodeWatch &watch = m_watch[node.mac];
        const bool up = m_parts.nodes->state(node.mac) == NodeManager::State::Up;
        if (m_givenUp.contains(node.mac) && up) {
            m_givenUp.remove(node.mac);
            m_attempts.remove(node.mac);
            save();
        }
        std::pair<Condition, QString> found {Condition::None, {}};
        if (m_givenUp.contains(node.mac))
            found = {Condition::GivenUp, watch.reason};
        else if (watched && paused.isEmpty() && !m_parts.maintenance->node(node.mac))
            found = classify(stack, node);
        const Condition before = watch.condition;
        if (found.first == before)
            continue;
        watch.condition = found.first;
        watch.reason = found.second;
        QJsonObject data {{u"stack"_s, stack.id}, {u"mac"_s, node.mac}, {u"name"_s, nameOf(node.mac)}};
        if (node.slot)
            data.insert(u"slot"_s, *node.slot);
        if (found.first == Condition::None) {
            const QString why = !paused.isEmpty() ? paused
                : up                              ? u"it is up and healthy again"_s
                                                  : u"its stack is off or being switched"_s;
            data.insert(u"was"_s, conditionName(before));
            data.insert(u"reason"_s, why);
            qCInfo(lcRecovery).noquote()
                << "node" << nameOf(node.mac) << "is no longer" << conditionName(before) << "-" << why;
            raise(Protocol::EventName::RecoveryCleared, data);
            continue;
        }
        if (found.first == Condition::GivenUp)
            continue; // giveUp() said so already
        const QString action = plannedAction(stack, found.first);
        data.insert(u"condition"_s, conditionName(found.first));
        data.insert(u"reason"_s, found.second);
        data.insert(u"action"_s, action);
        qCWarning(lcRecovery).noquote() << "node" << nameOf(node.mac) << "of stack" << stack.id << "is"
                                        << conditionName(found.first) << "-" << found.second << "-" << action;
        raise(Protocol::EventName::RecoveryDetected, data);
    }
}

void RecoveryEngine::maybeStart(const RackStack &stack, const QList<NodeRecord> &nodes)
{
    QStringList lost;
    QStringList running;
    for (const NodeRecord &node : nodes) {
        const Condition condition = m_watch.value(node.mac).condition;
        if (condition == Condition::Lost)
            lost.append(node.mac);
        else if (condition == Condition::AgentGone)
            return; // a Pi runs that rackd cannot shut down: the stack keeps its power
        else if (m_parts.nodes->state(node.mac) == NodeManager::State::Up)
            running.append(node.mac);
        else if (condition != Condition::GivenUp)
            return; // not settled yet: booting, or not lost for long enough
    }
    if (lost.isEmpty())
        return;
    int attempt = 1;
    for (const QString &mac : std::as_const(lost)) {
        const int made = attemptsInWindow(mac);
        if (made >= m_settings.attempts) {
            giveUp(stack.id, mac, made);
            continue;
        }
        attempt = std::max(attempt, made + 1);
    }
    lost.removeIf([this](const QString &mac) { return m_givenUp.contains(mac); });
    StackRecovery &recovery = m_stacks[stack.id];
    if (lost.isEmpty() || now() < recovery.notBefore)
        return;
    const bool drain = !running.isEmpty();
    if (drain && m_settings.sharedStackFor(stack) != SharedStackPolicy::Drain)
        return; // shared_stack = wait: reported at detection, nothing switched
    recovery.phase = drain ? Phase::Draining : Phase::Cycling;
    recovery.attempt = attempt;
    recovery.nodes = lost;
    recovery.drained = running;
    recovery.startedAt = now();
    recovery.notBefore = 0;
    recovery.reason
        = u"%1 lost: %2"_s.arg(namesOf(lost).join(u", "_s), m_watch.value(lost.constFirst()).reason);
    for (const QString &mac : std::as_const(lost))
        m_attempts[mac].append(recovery.startedAt);
    save();
    const QJsonObject params {{u"stack"_s, stack.id}, {u"attempt"_s, attempt},
        {u"attempts"_s, m_settings.attempts}, {u"nodes"_s, toArray(namesOf(lost))},
        {u"reason"_s, recovery.reason}};
    if (drain) {
        audit(u"recovery.drain"_s, stack.id, params, u"started"_s);
        qCWarning(lcRecovery).noquote()
            << "recovering stack" << stack.id << "(attempt" << attempt << "of" << m_settings.attempts
            << "):" << recovery.reason << "- shutting down" << namesOf(running).join(u", "_s) << "first";
        QJsonObject data = params;
        data.insert(u"step"_s, u"drain"_s);
        data.insert(u"drained"_s, toArray(namesOf(running)));
        raise(Protocol::EventName::RecoveryStep, data);
        runDrain(stack.id);
        return;
    }
    audit(u"recovery.cycle"_s, stack.id, params, u"started"_s);
    qCWarning(lcRecovery).noquote() << "recovering stack" << stack.id << "(attempt" << attempt << "of"
                                    << m_settings.attempts << "):" << recovery.reason << "- power-cycling it";
    startCycle(stack.id);
}

void RecoveryEngine::runDrain(int stack)
{
    StackRecovery &recovery = m_stacks[stack];
    recovery.running = true;
    const quint64 generation = recovery.generation;
    QStringList up;
    for (const QString &mac : std::as_const(recovery.drained)) {
        if (m_parts.nodes->state(mac) == NodeManager::State::Up)
            up.append(mac);
    }
    m_parts.nodes->fanOut({{u"action"_s, Protocol::name(Protocol::NodeAction::Shutdown)}}, up,
        m_settings.drainTimeout, {}, [](const QList<NodeManager::ActionResult> &) {});
    m_parts.nodes->waitUntilDown(
        up, DrainSettle, m_settings.drainTimeout, [this, stack, generation](const QStringList &stillUp) {
            if (m_stacks.value(stack).generation != generation)
                return;
            if (!stillUp.isEmpty()) {
                finish(stack, u"failed"_s,
                    u"%1 did not shut down within %2 s: stack %3 keeps its power"_s
                        .arg(namesOf(stillUp).join(u", "_s), seconds(m_settings.drainTimeout.count()))
                        .arg(stack));
                return;
            }
            QJsonObject data {{u"stack"_s, stack}, {u"step"_s, u"drained"_s},
                {u"attempt"_s, m_stacks.value(stack).attempt}, {u"attempts"_s, m_settings.attempts}};
            raise(Protocol::EventName::RecoveryStep, data);
            StackRecovery &drained = m_stacks[stack];
            drained.phase = Phase::Cycling;
            save();
            audit(u"recovery.cycle"_s, stack,
                {{u"stack"_s, stack}, {u"attempt"_s, drained.attempt}, {u"attempts"_s, m_settings.attempts},
                    {u"nodes"_s, toArray(namesOf(drained.nodes))},
                    {u"reason"_s, QString(drained.reason + u"; the running Pis were shut down first"_s)}},
                u"started"_s);
            startCycle(stack);
        });
}

void RecoveryEngine::startCycle(int stack)
{
    StackRecovery &recovery = m_stacks[stack];
    recovery.running = true;
    raise(Protocol::EventName::RecoveryStep,
        {{u"stack"_s, stack}, {u"step"_s, u"cycle"_s}, {u"attempt"_s, recovery.attempt},
            {u"attempts"_s, m_settings.attempts}, {u"nodes"_s, toArray(namesOf(recovery.nodes))},
            {u"reason"_s, recovery.reason}});
    switchThenWait(stack, PowerController::Action::Cycle, u"power-cycling stack %1"_s);
}

void RecoveryEngine::switchThenWait(int stack, PowerController::Action action, const QString &what)
{
    const quint64 generation = m_stacks.value(stack).generation;
    m_parts.power->perform(
        action, {stack}, false,
        [this, stack, generation, what](const QList<PowerController::StackOutcome> &outcomes) {
            if (m_stacks.value(stack).generation != generation)
                return; // stopped meanwhile
            if (!outcomes.isEmpty() && outcomes.constFirst().ok)
                enterReturning(stack);
            else
                finish(stack, u"failed"_s,
                    what.arg(stack) + u" failed: "_s
                        + (outcomes.isEmpty() ? QString() : outcomes.constFirst().error));
        },
        u"recovery"_s);
}

void RecoveryEngine::enterReturning(int stack)
{
    StackRecovery &recovery = m_stacks[stack];
    recovery.phase = Phase::Returning;
    recovery.running = false;
    recovery.deadline = now() + m_settings.bootTime.count();
    save();
    QStringList waitingFor = recovery.nodes + recovery.drained;
    raise(Protocol::EventName::RecoveryStep,
        {{u"stack"_s, stack}, {u"step"_s, u"wait"_s}, {u"attempt"_s, recovery.attempt},
            {u"attempts"_s, m_settings.attempts}, {u"nodes"_s, toArray(namesOf(waitingFor))},
            {u"timeout_s"_s, double(m_settings.bootTime.count()) / 1000.0}});
    qCInfo(lcRecovery).noquote() << "stack" << stack << "power-cycled; waiting up to"
                                 << seconds(m_settings.bootTime.count()) << "s for"
                                 << namesOf(waitingFor).join(u", "_s);
}

void RecoveryEngine::advance(const RackStack &stack, const QList<NodeRecord> &nodes)
{
    StackRecovery &recovery = m_stacks[stack.id];
    switch (recovery.phase) {
    case Phase::Idle:
    case Phase::Cycling: // the relay's completion moves it on
        return;
    case Phase::Draining:
        if (!recovery.running) // a drain a previous rackd began: ask the Pis that still run again
            runDrain(stack.id);
        return;
    case Phase::Returning:
        break;
    }
    QStringList missing;
    for (const NodeRecord &node : nodes) {
        if (m_parts.nodes->state(node.mac) != NodeManager::State::Up)
            missing.append(node.mac);
    }
    if (missing.isEmpty()) {
        finish(stack.id, u"recovered"_s, u"every Pi of stack %1 is up again"_s.arg(stack.id));
        return;
    }
    if (now() >= recovery.deadline) {
        const int attempt = recovery.attempt;
        finish(stack.id, u"not-back"_s,
            u"%1 did not come back within %2 s"_s.arg(
                namesOf(missing).join(u", "_s), seconds(m_settings.bootTime.count())));
        m_stacks[stack.id].notBefore = now() + m_settings.backoffBefore(attempt + 1).count();
        save();
    }
}

void RecoveryEngine::finish(int stack, const QString &outcome, const QString &detail)
{
    StackRecovery &recovery = m_stacks[stack];
    const QJsonObject data {{u"stack"_s, stack}, {u"outcome"_s, outcome}, {u"detail"_s, detail},
        {u"attempt"_s, recovery.attempt}, {u"attempts"_s, m_settings.attempts},
        {u"nodes"_s, toArray(namesOf(recovery.nodes))},
        {u"duration_s"_s, recovery.startedAt > 0 ? double(now() - recovery.startedAt) / 1000.0 : 0.0}};
    recovery.phase = Phase::Idle;
    recovery.running = false;
    ++recovery.generation;
    save();
    audit(Protocol::name(Protocol::EventName::RecoveryDone), stack, data,
        outcome == u"recovered" ? u"ok"_s : outcome + u": "_s + detail);
    if (outcome == u"recovered")
        qCInfo(lcRecovery).noquote() << "stack" << stack << "recovered:" << detail;
    else
        qCWarning(lcRecovery).noquote() << "recovery of stack" << stack << outcome << "-" << detail;
    raise(Protocol::EventName::RecoveryDone, data);
}

void RecoveryEngine::giveUp(int stack, const QString &mac, int attempts)
{
    m_givenUp.insert(mac);
    NodeWatch &watch = m_watch[mac];
    watch.condition = Condition::GivenUp;
    watch.reason = u"lost again after %1 recoveries within %2 s"_s.arg(attempts).arg(
        seconds(m_settings.window.count()));
    save();
    const QJsonObject data {{u"stack"_s, stack}, {u"outcome"_s, u"given-up"_s}, {u"mac"_s, mac},
        {u"nodes"_s, QJsonArray {nameOf(mac)}}, {u"attempts"_s, attempts},
        {u"detail"_s,
            u"%1 is %2; rackd stops trying: power-cycle it by hand, or replace it"_s.arg(
                nameOf(mac), watch.reason)}};
    audit(u"recovery.give_up"_s, stack, data, u"given up"_s);
    qCCritical(lcRecovery).noquote() << "GIVING UP on" << nameOf(mac) << "of stack" << stack << "-"
                                     << watch.reason;
    raise(Protocol::EventName::RecoveryDone, data);
}

QJsonObject RecoveryEngine::stackJson(int stack) const
{
    QJsonObject json;
    const RackStack *found = m_parts.power->structure().stack(stack);
    if (found)
        json.insert(u"recovery_mode"_s, recoveryModeName(m_settings.modeFor(*found)));
    if (const auto entry = m_parts.maintenance->stack(stack))
        json.insert(u"maintenance"_s, entry->toJson());
    const StackRecovery recovery = m_stacks.value(stack);
    if (recovery.phase != Phase::Idle) {
        QJsonObject under {{u"phase"_s, phaseName(recovery.phase)}, {u"attempt"_s, recovery.attempt},
            {u"attempts"_s, m_settings.attempts}, {u"nodes"_s, toArray(namesOf(recovery.nodes))},
            {u"reason"_s, recovery.reason},
            {u"started"_s,
                QDateTime::fromMSecsSinceEpoch(recovery.startedAt, Qt::UTC).toString(Qt::ISODate)}};
        if (!recovery.drained.isEmpty())
            under.insert(u"drained"_s, toArray(namesOf(recovery.drained)));
        if (recovery.phase == Phase::Returning)
            under.insert(u"remaining_s"_s, double(std::max<qint64>(0, recovery.deadline - now())) / 1000.0);
        json.insert(u"recovery"_s, under);
    } else if (recovery.notBefore > now()) {
        json.insert(u"next_attempt_s"_s, double(recovery.notBefore - now()) / 1000.0);
    }
    return json;
}

QJsonObject RecoveryEngine::nodeJson(const QString &mac) const
{
    QJsonObject json;
    if (const auto entry = m_parts.maintenance->node(mac))
        json.insert(u"maintenance"_s, entry->toJson());
    const NodeWatch watch = m_watch.value(mac);
    json.insert(u"condition"_s, conditionName(watch.condition));
    if (watch.condition != Condition::None)
        json.insert(u"condition_reason"_s, watch.reason);
    return json;
}

bool RecoveryEngine::setMaintenance(const Caller &caller, int stack, const QString &mac, bool on,
    const QString &reason, Protocol::Error *error)
{
    const std::optional<MaintenanceStore::Entry> entry = on
        ? std::optional<MaintenanceStore::Entry>(
            MaintenanceStore::Entry {reason, caller.token.name, QDateTime::currentDateTimeUtc()})
        : std::nullopt;
    QString problem;
    const bool saved = stack > 0 ? m_parts.maintenance->setStack(stack, entry, &problem)
                                 : m_parts.maintenance->setNode(mac, entry, &problem);
    if (!saved) {
        *error = {ErrorCode::Internal, problem, {}};
        return false;
    }
    const int affected = stack > 0 ? stack : m_parts.nodes->inventory()->node(mac)->stack.value_or(0);
    QJsonObject data {{u"on"_s, on}, {u"by"_s, caller.token.name}, {u"reason"_s, reason}};
    if (stack > 0) {
        data.insert(u"stack"_s, stack);
    } else {
        data.insert(u"mac"_s, mac);
        data.insert(u"name"_s, nameOf(mac));
        if (affected > 0)
            data.insert(u"stack"_s, affected);
    }
    qCInfo(lcRecovery).noquote() << (stack > 0 ? u"stack "_s + QString::number(stack) : nameOf(mac))
                                 << "maintenance" << (on ? "on" : "off") << "by" << caller.token.name
                                 << (reason.isEmpty() ? QString() : u"- "_s + reason);
    raise(Protocol::EventName::RecoveryMaintenance, data);
    if (on && affected > 0 && m_stacks.value(affected).phase != Phase::Idle)
        finish(affected, u"stopped"_s,
            u"%1 put in maintenance by %2"_s.arg(
                stack > 0 ? u"stack %1"_s.arg(stack) : nameOf(mac), caller.token.name));
    evaluate();
    return true;
}

bool RecoveryEngine::stop(const Caller &caller, int stack, Protocol::Error *error)
{
    if (m_stacks.value(stack).phase == Phase::Idle) {
        *error = {ErrorCode::Conflict, u"no recovery runs on stack %1"_s.arg(stack), {}};
        return false;
    }
    return setMaintenance(caller, stack, {}, true, u"recovery stopped by %1"_s.arg(caller.token.name), error);
}
