// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Why this file is longer than the ~600 lines we aim for: it is one state machine, and its
// transitions (start, each stack's discovery and decision, writing, powering on, verifying, abort,
// and resuming after a restart) are kept together so the order of events reads in one place. What
// is not a transition lives beside it: InstallVerifier (the verdicts), InstallPlacement (the
// inventory), DnsmasqReservations::update (dnsmasq's files), InstallRecord and InstallRecordFile
// (install.json).
#include "install/stagedinstall.h"

#include "daemonlogging.h"
#include "install/dnsmasqreservations.h"
#include "install/installrecordfile.h"
#include "protocol/vocabulary.h"

#include <QPointer>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;

namespace {

// A lease reported a moment after its stack went off is that stack's, not a new anomaly.
constexpr qint64 LateEventGraceMs = 5000;

QString seconds(qint64 ms) { return QString::number(double(ms) / 1000.0); }

/// "1 Pi", "3 Pis".
QString pis(qsizetype count) { return count == 1 ? u"1 Pi"_s : u"%1 Pis"_s.arg(count); }

/// "1st", "2nd", "3rd", "11th", "22nd".
QString ordinal(qsizetype n)
{
    const qsizetype lastTwo = n % 100;
    const qsizetype last = n % 10;
    const char *suffix = (lastTwo >= 11 && lastTwo <= 13) ? "th"
        : last == 1                                       ? "st"
        : last == 2                                       ? "nd"
        : last == 3                                       ? "rd"
                                                          : "th";
    return QString::number(n) + QLatin1String(suffix);
}

QString relayWord(std::optional<bool> state) { return state ? (*state ? u"on"_s : u"off"_s) : u"unknown"_s; }

} // namespace

StagedInstall::StagedInstall(Settings settings, PowerController *power, NodeManager *nodes, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_power(power)
    , m_nodes(nodes)
{
    for (QTimer *timer : {&m_stackTimer, &m_settleTimer, &m_verifyDeadline})
        timer->setSingleShot(true);
    connect(&m_stackTimer, &QTimer::timeout, this, [this] {
        if (InstallStack *stack = m_record ? m_record->currentStack() : nullptr)
            stopCollecting(u"its %1 s are over with %2 of %3 found"_s.arg(seconds(m_record->stackTimeoutMs))
                               .arg(stack->macs.size())
                               .arg(pis(stack->expected())));
    });
    connect(
        &m_settleTimer, &QTimer::timeout, this, [this] { stopCollecting(u"every Pi it has was found"_s); });
    m_verifyPoll.setInterval(1000);
    connect(&m_verifyPoll, &QTimer::timeout, this, &StagedInstall::verify);
    connect(&m_verifyDeadline, &QTimer::timeout, this, &StagedInstall::verify);
    connect(m_nodes, &NodeManager::eventRaised, this, [this](const Protocol::Event &event) {
        if (event.name != Protocol::name(Protocol::EventName::NodeUp)
            && event.name != Protocol::name(Protocol::EventName::NodeDown))
            return;
        if (event.name == Protocol::name(Protocol::EventName::NodeUp))
            placeIfPlanned(event.data.value(u"mac"_s).toString());
        if (m_record && m_record->isActive() && m_record->step == InstallRecord::Step::Verifying)
            verify();
    });
    m_lateEcho.invalidate();
}

StagedInstall::~StagedInstall() = default;

QString StagedInstall::decisionName(Decision decision)
{
    switch (decision) {
    case Decision::Retry:
        return u"retry"_s;
    case Decision::Skip:
        return u"skip"_s;
    case Decision::Accept:
        return u"accept"_s;
    }
    return {};
}

std::optional<StagedInstall::Decision> StagedInstall::decisionFromName(const QString &name)
{
    for (Decision decision : {Decision::Retry, Decision::Skip, Decision::Accept}) {
        if (decisionName(decision) == name)
            return decision;
    }
    return std::nullopt;
}

QList<int> StagedInstall::stackIds() const
{
    QList<int> ids;
    for (const InstallStack &stack : m_record->stacks)
        ids.append(stack.id);
    return ids;
}

QString StagedInstall::relayStatement() const
{
    QStringList parts;
    for (int id : stackIds())
        parts.append(u"stack %1 %2"_s.arg(id).arg(relayWord(m_power->relayState(id))));
    return parts.join(u", "_s);
}

// --- persistence and announcements ---

void StagedInstall::load()
{
    QString problem;
    m_record = InstallRecordFile::load(m_settings.recordFile, &problem);
    if (!problem.isEmpty())
        qCCritical(lcDaemon).noquote() << problem;
    if (m_record && m_record->isActive())
        resume();
}

void StagedInstall::announce()
{
    QString error;
    if (!InstallRecordFile::save(m_settings.recordFile, *m_record, &error)) {
        qCCritical(lcDaemon).noquote() << "cannot save the install:" << error;
        const QString warning = u"rackd cannot save the install's progress: "_s + error;
        if (!m_record->warnings.contains(warning))
            m_record->warnings.append(warning);
    }
    QJsonObject data = m_record->toJson();
    data.remove(u"log"_s); // each line went out as an install.step event already
    Q_EMIT eventRaised({Protocol::name(Protocol::EventName::InstallChanged), data});
}

void StagedInstall::note(const QString &message)
{
    qCInfo(lcDaemon).noquote() << "install:" << message;
    m_record->log.append({QDateTime::currentDateTimeUtc(), message});
    while (m_record->log.size() > InstallRecord::LogLimit)
        m_record->log.removeFirst();
    QJsonObject data {{u"message"_s, message}, {u"step"_s, InstallRecord::stepName(m_record->step)}};
    if (const InstallStack *stack = m_record->currentStack())
        data.insert(u"stack"_s, stack->id);
    Q_EMIT eventRaised({Protocol::name(Protocol::EventName::InstallStep), data});
}

void StagedInstall::perform(PowerController::Action action, const QList<int> &stacks, bool staggered,
    std::function<void(const QList<PowerController::StackOutcome> &)> done)
{
    m_power->perform(
        action, stacks, staggered,
        [self = QPointer<StagedInstall>(this), generation = m_generation, done = std::move(done)](
            const QList<PowerController::StackOutcome> &outcomes) {
            if (StagedInstall *alive = self.data())
                alive->deliver(generation, done, outcomes);
        },
        u"the staged install"_s);
}

void StagedInstall::deliver(quint64 generation,
    const std::function<void(const QList<PowerController::StackOutcome> &)> &done,
    const QList<PowerController::StackOutcome> &outcomes)
{
    if (m_generation == generation && isActive())
        done(outcomes);
}

QString StagedInstall::powerBusyReason() const
{
    if (!isActive())
        return {};
    using Step = InstallRecord::Step;
    if (m_record->step != Step::SwitchingOff && m_record->step != Step::Discovery
        && m_record->step != Step::Writing && m_record->step != Step::PoweringOn)
        return {};
    return u"an install is running (%1%2); it switches the relays until it is done: answer it or abort it "
           u"(rackctl install abort)"_s.arg(InstallRecord::stepName(m_record->step),
               m_record->step == Step::Discovery && m_record->current < m_record->stacks.size()
                   ? u" of stack %1"_s.arg(m_record->stacks.at(m_record->current).id)
                   : QString());
}

// --- starting ---

bool StagedInstall::refuseIfActive(Protocol::Error *error) const
{
    if (!isActive())
        return false;
    *error = {Protocol::ErrorCode::Conflict,
        u"an install is already running (started by %1 at %2, %3); abort it first"_s.arg(m_record->startedBy,
            m_record->started.toString(Qt::ISODate), InstallRecord::stepName(m_record->step))};
    return true;
}

bool StagedInstall::start(const StartOptions &options, Protocol::Error *error)
{
    if (refuseIfActive(error))
        return false;
    const RackStructure &structure = m_power->structure();
    QList<int> ids = options.stacks;
    if (ids.isEmpty()) {
        for (const RackStack &stack : structure.stacks)
            ids.append(stack.id);
    }
    InstallRecord record;
    record.kind = InstallRecord::Kind::Install;
    record.stackTimeoutMs = options.stackTimeout.value_or(m_settings.stackTimeout).count();
    for (int id : ids) {
        const RackStack *rackStack = structure.stack(id);
        if (!rackStack) {
            *error = {Protocol::ErrorCode::NotFound, u"there is no stack %1"_s.arg(id)};
            return false;
        }
        if (record.stack(id)) {
            *error = {Protocol::ErrorCode::BadRequest, u"stack %1 is named twice"_s.arg(id)};
            return false;
        }
        InstallStack stack;
        stack.id = id;
        for (int slot = 1; slot <= rackStack->piCount; ++slot)
            stack.slots.append(slot);
        record.stacks.append(stack);
    }
    record.startedBy = options.startedBy;
    return begin(std::move(record), error);
}

bool StagedInstall::replace(int stackId, int slot, const QString &startedBy, Protocol::Error *error)
{
    if (refuseIfActive(error))
        return false;
    const RackStack *rackStack = m_power->structure().stack(stackId);
    if (!rackStack) {
        *error = {Protocol::ErrorCode::NotFound, u"there is no stack %1"_s.arg(stackId)};
        return false;
    }
    if (slot < 1 || slot > rackStack->piCount) {
        *error = {Protocol::ErrorCode::BadRequest,
            u"stack %1 has slots 1 to %2"_s.arg(stackId).arg(rackStack->piCount)};
        return false;
    }
    InstallStack stack;
    stack.id = stackId;
    stack.slots = {slot};
    // Every Pi placed in the stack asks for an address too when it comes on, the failed one as well
    // if it still answers: none of them is the new one.
    for (const NodeRecord &node : m_nodes->inventory()->nodes()) {
        if (node.stack == stackId)
            stack.ignoredMacs.append(node.mac);
    }
    InstallRecord record;
    record.kind = InstallRecord::Kind::Replace;
    record.stackTimeoutMs = m_settings.stackTimeout.count();
    record.stacks = {stack};
    record.startedBy = startedBy;
    return begin(std::move(record), error);
}

bool StagedInstall::begin(InstallRecord record, Protocol::Error *error)
{
    record.started = QDateTime::currentDateTimeUtc();
    record.id = record.started.toString(u"yyyyMMdd-HHmmss-zzz"_s);
    record.settleMs = m_settings.settleTime.count();
    record.verifyTimeoutMs = m_settings.verifyTimeout.count();
    // Nothing starts that could not be saved: a restarted rackd must find the install where it is.
    QString problem;
    if (!InstallRecordFile::save(m_settings.recordFile, record, &problem)) {
        *error = {Protocol::ErrorCode::Internal, u"the install cannot start: "_s + problem};
        return false;
    }
    ++m_generation;
    m_stackTimer.stop();
    m_settleTimer.stop();
    m_verifyPoll.stop();
    m_verifyDeadline.stop();
    m_lateEcho.invalidate();
    m_record = std::move(record);
    if (m_record->kind == InstallRecord::Kind::Replace) {
        const InstallStack &stack = m_record->stacks.constFirst();
        note(u"replacing the Pi in stack %1 slot %2 (started by %3): the stack is cycled and the one new MAC "
             u"gets the slot's name and address"_s.arg(stack.id)
                 .arg(stack.slots.constFirst())
                 .arg(m_record->startedBy));
    } else {
        note(
            u"install of %1 stacks started by %2; each stack gets at most %3 s"_s.arg(m_record->stacks.size())
                .arg(m_record->startedBy, seconds(m_record->stackTimeoutMs)));
    }
    switchAllOff();
    return true;
}

void StagedInstall::resume()
{
    for (int id : stackIds()) {
        if (!m_power->structure().stack(id)) {
            finish(InstallRecord::Outcome::Failed, u"left as they were: "_s + relayStatement(),
                u"the structure file changed while the install was running: stack %1 is gone"_s.arg(id));
            return;
        }
    }
    const QString warning = u"rackd restarted at %1 during the install (step %2) and resumed it"_s.arg(
        QDateTime::currentDateTimeUtc().toString(Qt::ISODate), InstallRecord::stepName(m_record->step));
    m_record->warnings.append(warning);
    note(warning);
    using Step = InstallRecord::Step;
    switch (m_record->step) {
    case Step::SwitchingOff:
        switchAllOff();
        return;
    case Step::Discovery: {
        InstallStack *stack = m_record->currentStack();
        if (!stack) {
            writeReservations();
        } else if (m_record->outcome == InstallRecord::Outcome::WaitingForDecision) {
            announce();
        } else if (stack->isSettled()) {
            nextStack();
        } else {
            // Pis that had their lease will not ask again until they boot: startStack() cycles the stack.
            note(u"stack %1 was being discovered when rackd stopped: discovering it again"_s.arg(stack->id));
            startStack();
        }
        return;
    }
    case Step::Writing:
        writeReservations();
        return;
    case Step::PoweringOn:
        placeNodes();
        powerOn();
        return;
    case Step::Verifying:
        startVerifying();
        return;
    case Step::Finished:
        return;
    }
}

// --- discovery ---

void StagedInstall::switchAllOff()
{
    m_record->step = InstallRecord::Step::SwitchingOff;
    note(u"switching stacks %1 off"_s.arg([this] {
        QStringList ids;
        for (int id : stackIds())
            ids.append(QString::number(id));
        return ids.join(u", "_s);
    }()));
    announce();
    perform(PowerController::Action::Off, stackIds(), false,
        [this](const QList<PowerController::StackOutcome> &outcomes) {
            QStringList failures;
            for (const auto &outcome : outcomes) {
                if (!outcome.ok)
                    failures.append(u"stack %1: %2"_s.arg(outcome.stack).arg(outcome.error));
            }
            if (!failures.isEmpty()) {
                finish(InstallRecord::Outcome::Failed, u"as they are now: "_s + relayStatement(),
                    u"could not switch every stack off: "_s + failures.join(u"; "_s));
                return;
            }
            m_record->step = InstallRecord::Step::Discovery;
            m_record->current = 0;
            startStack();
        });
}

void StagedInstall::startStack()
{
    InstallStack *stack = m_record->currentStack();
    if (!stack) {
        writeReservations();
        return;
    }
    if (stack->isSettled()) {
        nextStack();
        return;
    }
    stack->status = InstallStack::Status::SwitchingOn;
    stack->attempts += 1;
    stack->macs.clear();
    stack->problem.clear();
    m_record->outcome = InstallRecord::Outcome::Running;
    note(u"stack %1: switching it on (attempt %2), expecting %3 Pi%4 to ask for an address"_s.arg(stack->id)
             .arg(stack->attempts)
             .arg(stack->expected())
             .arg(stack->expected() == 1 ? QString() : u"s"_s));
    announce();
    // A cycle, not just "on": a stack still on (its relay did not go off, or rackd restarted during its
    // discovery) must reboot its Pis, or those that have a lease would not ask again.
    perform(PowerController::Action::Cycle, {stack->id}, false,
        [this](const QList<PowerController::StackOutcome> &outcomes) {
            InstallStack *current = m_record->currentStack();
            if (!current)
                return;
            if (outcomes.isEmpty() || !outcomes.constFirst().ok) {
                current->status = InstallStack::Status::NeedsDecision;
                current->problem = u"its relay did not switch on: "_s
                    + (outcomes.isEmpty() ? u"no answer"_s : outcomes.constFirst().error);
                m_record->outcome = InstallRecord::Outcome::WaitingForDecision;
                note(u"stack %1 needs a decision: %2"_s.arg(current->id).arg(current->problem));
                announce();
                return;
            }
            current->status = InstallStack::Status::Collecting;
            m_stackTimer.start(milliseconds(m_record->stackTimeoutMs));
            note(u"stack %1 is on: waiting up to %2 s for its Pis"_s.arg(current->id)
                     .arg(seconds(m_record->stackTimeoutMs)));
            announce();
            checkCount(current);
        });
}

void StagedInstall::checkCount(InstallStack *stack)
{
    if (stack->status != InstallStack::Status::Collecting || stack->macs.size() < stack->expected())
        return;
    stack->status = InstallStack::Status::Settling;
    m_stackTimer.stop();
    if (m_record->settleMs == 0) {
        stopCollecting(u"every Pi it has was found"_s);
        return;
    }
    announce();
    m_settleTimer.start(milliseconds(m_record->settleMs));
}

bool StagedInstall::isLateEcho(const QString &mac) const
{
    if (!m_lateEcho.isValid() || m_lateEcho.elapsed() > LateEventGraceMs)
        return false;
    const InstallStack *closed = m_record->stack(m_lateEchoStack);
    return closed && std::any_of(closed->macs.cbegin(), closed->macs.cend(), [&mac](const InstallMac &found) {
        return found.mac == mac;
    });
}

void StagedInstall::handleDhcpEvent(const DhcpEvent &event)
{
    if (event.kind == DhcpEvent::Kind::Release) {
        m_lastLease.remove(event.mac);
        return;
    }
    if (event.kind != DhcpEvent::Kind::Request && !event.address.isNull())
        m_lastLease.insert(event.mac, event.address);
    if (!isActive())
        return;
    if (m_record->step == InstallRecord::Step::Verifying) {
        verify();
        return;
    }
    // While the rack is being switched off at the start, its running Pis may still renew their leases.
    if (m_record->step != InstallRecord::Step::Discovery)
        return;
    // dnsmasq re-announces leases at its start, on SIGHUP, on renewals and whenever a fresh Pi takes
    // the name "raspberrypi" from another: none of that is a Pi that was just switched on.
    if (!event.showsPiAsking()) {
        qCDebug(lcDaemon).noquote() << "install: not counted:" << event.mac << event.why;
        return;
    }
    if (const std::optional<int> stackOn = poweredOutsideInstall(event.mac)) {
        qCDebug(lcDaemon).noquote() << "install: not counted:" << event.mac << "is placed in stack"
                                    << *stackOn << "which is not part of the install and is on";
        return;
    }
    const QString address = event.address.isNull() ? QString() : event.address.toString();
    InstallStack *stack = m_record->currentStack();
    if (stack && stack->isListening()) {
        takeMac(stack, event.mac, address, false);
        return;
    }
    if (isLateEcho(event.mac) || (stack && stack->ignoredMacs.contains(event.mac)))
        return;
    QString who = event.mac;
    if (const std::optional<NodeRecord> node = m_nodes->inventory()->node(event.mac); node && node->stack)
        who += u" (%1, placed in stack %2)"_s.arg(node->name).arg(*node->stack);
    for (const InstallStack &other : std::as_const(m_record->stacks)) {
        for (const InstallMac &found : other.macs) {
            if (found.mac == event.mac)
                who += u" (found in stack %1 of this install)"_s.arg(other.id);
        }
    }
    flag(InstallAnomaly::Kind::WhileOff, 0, event.mac,
        u"%1 asked for an address%2 while no stack of the install was on: it is powered from somewhere else"_s
            .arg(who, address.isEmpty() ? QString() : u" ("_s + address + u')'));
    announce();
}

std::optional<int> StagedInstall::poweredOutsideInstall(const QString &mac) const
{
    const std::optional<NodeRecord> node = m_nodes->inventory()->node(mac);
    if (!node || !node->stack || m_record->stack(*node->stack))
        return std::nullopt;
    // Its own stack is on (or nobody knows): it is that stack's Pi renewing or rebooting.
    if (m_power->relayState(*node->stack) == false)
        return std::nullopt;
    return node->stack;
}

void StagedInstall::takeMac(InstallStack *stack, const QString &mac, const QString &address, bool manual)
{
    if (stack->ignoredMacs.contains(mac))
        return;
    for (const InstallMac &found : std::as_const(stack->macs)) {
        if (found.mac == mac)
            return; // the same Pi again (a renewal, or a second DHCP source)
    }
    for (const InstallStack &other : std::as_const(m_record->stacks)) {
        if (other.id == stack->id)
            continue;
        for (const InstallMac &found : other.macs) {
            if (found.mac != mac)
                continue;
            if (isLateEcho(mac))
                return;
            flag(InstallAnomaly::Kind::SeenInOtherStack, stack->id, mac,
                u"%1 was found in stack %2 already, and asked again while stack %3 was on: two stacks power "
                u"it, "
                u"or two Pis share a MAC"_s.arg(mac)
                    .arg(other.id)
                    .arg(stack->id));
            announce();
            return;
        }
    }
    const std::optional<NodeRecord> placed = m_nodes->inventory()->node(mac);
    // During a replace the rest of the rack is on: its Pis renew their leases, reboot, and answer a
    // SIGHUP of dnsmasq with "old" events. Only a MAC nobody knows can be the new Pi.
    if (m_record->kind == InstallRecord::Kind::Replace && !manual && placed && placed->stack
        && *placed->stack != stack->id) {
        qCDebug(lcDaemon).noquote() << "replace: ignoring" << mac << "of stack" << *placed->stack;
        return;
    }
    if (const std::optional<NodeRecord> &node = placed; node && node->stack && *node->stack != stack->id) {
        flag(InstallAnomaly::Kind::AssignedElsewhere, stack->id, mac,
            u"%1 is placed in stack %2 slot %3 (%4) but asked for an address while stack %5 was on: the Pi "
            u"was moved, or a power cable is swapped"_s.arg(mac)
                .arg(*node->stack)
                .arg(node->slot.value_or(0))
                .arg(node->name)
                .arg(stack->id));
    }
    stack->macs.append({mac, address, QDateTime::currentDateTimeUtc(), manual, 0});
    const int found = int(stack->macs.size());
    QJsonObject data {{u"stack"_s, stack->id}, {u"mac"_s, mac}, {u"found"_s, found},
        {u"expected"_s, stack->expected()}, {u"manual"_s, manual}};
    if (!address.isEmpty())
        data.insert(u"ip"_s, address);
    Q_EMIT eventRaised({Protocol::name(Protocol::EventName::InstallMac), data});
    note(u"stack %1: %2%3 %4 (%5 of %6)"_s.arg(stack->id)
             .arg(mac, address.isEmpty() ? QString() : u" ("_s + address + u')',
                 manual ? u"added by hand"_s : u"asked for an address"_s)
             .arg(found)
             .arg(stack->expected()));
    if (found > stack->expected()) {
        flag(InstallAnomaly::Kind::TooMany, stack->id, mac,
            u"stack %1 has %2 but %3 is the %4 MAC to ask for an address"_s.arg(stack->id).arg(
                pis(stack->expected()), mac, ordinal(found)));
    }
    announce();
    checkCount(stack);
}

void StagedInstall::flag(InstallAnomaly::Kind kind, int stackId, const QString &mac, const QString &detail)
{
    const InstallStack *stack = m_record->stack(stackId);
    const int attempt = stack ? stack->attempts : 0;
    for (const InstallAnomaly &known : std::as_const(m_record->anomalies)) {
        if (known.kind == kind && known.mac == mac && known.stack == stackId && known.attempt == attempt)
            return;
    }
    const InstallAnomaly anomaly {kind, stackId, attempt, mac, detail, QDateTime::currentDateTimeUtc()};
    m_record->anomalies.append(anomaly);
    Q_EMIT eventRaised({Protocol::name(Protocol::EventName::InstallAnomaly), anomaly.toJson()});
    note(u"anomaly (%1): %2"_s.arg(InstallAnomaly::kindName(kind), detail));
}

void StagedInstall::stopCollecting(const QString &why)
{
    InstallStack *stack = m_record ? m_record->currentStack() : nullptr;
    if (!stack
        || (stack->status != InstallStack::Status::Collecting
            && stack->status != InstallStack::Status::Settling))
        return;
    m_stackTimer.stop();
    m_settleTimer.stop();
    stack->status = InstallStack::Status::SwitchingOff;
    note(u"stack %1: %2; switching it off"_s.arg(stack->id).arg(why));
    announce();
    perform(PowerController::Action::Off, {stack->id}, false,
        [this](const QList<PowerController::StackOutcome> &outcomes) {
            InstallStack *current = m_record->currentStack();
            if (!current)
                return;
            m_lateEcho.start();
            m_lateEchoStack = current->id;
            if (outcomes.isEmpty() || !outcomes.constFirst().ok) {
                current->status = InstallStack::Status::NeedsDecision;
                current->problem = u"its relay did not switch off (%1): its Pis would be taken for the next "
                                   u"stack's; retry, or abort the install"_s.arg(
                                       outcomes.isEmpty() ? u"no answer"_s : outcomes.constFirst().error);
                m_record->outcome = InstallRecord::Outcome::WaitingForDecision;
                note(u"stack %1 needs a decision: %2"_s.arg(current->id).arg(current->problem));
                announce();
                return;
            }
            const QStringList problems = problemsOf(*current);
            if (problems.isEmpty()) {
                settle(current, InstallStack::Status::Found);
                return;
            }
            current->status = InstallStack::Status::NeedsDecision;
            current->problem = problems.join(u"; "_s);
            m_record->outcome = InstallRecord::Outcome::WaitingForDecision;
            note(u"stack %1 needs a decision (retry, skip, accept or add a MAC): %2"_s.arg(current->id)
                     .arg(current->problem));
            announce();
        });
}

QStringList StagedInstall::problemsOf(const InstallStack &stack) const
{
    QStringList problems;
    if (stack.macs.size() < stack.expected())
        problems.append(u"%1 of %2 found"_s.arg(stack.macs.size()).arg(pis(stack.expected())));
    if (stack.macs.size() > stack.expected())
        problems.append(u"%1 MACs where %2 %3 expected"_s.arg(stack.macs.size())
                            .arg(stack.expected())
                            .arg(stack.expected() == 1 ? u"was"_s : u"were"_s));
    for (const InstallAnomaly &anomaly : m_record->anomalies) {
        if (anomaly.stack == stack.id && anomaly.attempt == stack.attempts
            && anomaly.kind != InstallAnomaly::Kind::TooMany)
            problems.append(anomaly.detail);
    }
    return problems;
}

void StagedInstall::assignSlots(InstallStack *stack) const
{
    for (InstallMac &mac : stack->macs)
        mac.slot = 0;
    if (stack->status == InstallStack::Status::Skipped)
        return;
    QList<int> free = stack->slots;
    const qsizetype placed = qMin(stack->macs.size(), stack->slots.size());
    // A Pi that had a slot in this stack keeps it; the others fill the free slots in the order they asked.
    for (qsizetype i = 0; i < placed; ++i) {
        const std::optional<NodeRecord> node = m_nodes->inventory()->node(stack->macs.at(i).mac);
        if (node && node->stack == stack->id && node->slot && free.contains(*node->slot)) {
            stack->macs[i].slot = *node->slot;
            free.removeOne(*node->slot);
        }
    }
    for (qsizetype i = 0; i < placed; ++i) {
        if (stack->macs.at(i).slot == 0)
            stack->macs[i].slot = free.takeFirst();
    }
}

void StagedInstall::settle(InstallStack *stack, InstallStack::Status status)
{
    stack->status = status;
    stack->problem.clear();
    assignSlots(stack);
    QStringList slots;
    for (const InstallMac &mac : std::as_const(stack->macs)) {
        if (mac.slot > 0)
            slots.append(u"%1 -> slot %2"_s.arg(mac.mac).arg(mac.slot));
    }
    note(u"stack %1 %2%3"_s.arg(stack->id).arg(
        InstallStack::statusName(status), slots.isEmpty() ? QString() : u": "_s + slots.join(u", "_s)));
    nextStack();
}

void StagedInstall::nextStack()
{
    m_record->outcome = InstallRecord::Outcome::Running;
    m_record->current += 1;
    if (m_record->current < m_record->stacks.size())
        startStack();
    else
        writeReservations();
}

bool StagedInstall::decide(Decision decision, Protocol::Error *error)
{
    if (!isActive() || m_record->outcome != InstallRecord::Outcome::WaitingForDecision) {
        *error = {Protocol::ErrorCode::Conflict,
            m_record ? u"nothing waits for a decision (the install is %1, %2)"_s.arg(
                InstallRecord::outcomeName(m_record->outcome), InstallRecord::stepName(m_record->step))
                     : u"no install has run"_s};
        return false;
    }
    InstallStack *stack = m_record->currentStack();
    if (decision != Decision::Retry && m_power->relayState(stack->id) != false) {
        *error = {Protocol::ErrorCode::Conflict,
            u"stack %1 is not switched off (its relay is %2): its Pis would be taken for the next stack's. "
            u"Retry it or abort the install"_s.arg(stack->id)
                .arg(relayWord(m_power->relayState(stack->id)))};
        return false;
    }
    note(u"stack %1: the operator chose to %2"_s.arg(stack->id).arg(decisionName(decision)));
    switch (decision) {
    case Decision::Retry:
        startStack();
        break;
    case Decision::Skip:
        settle(stack, InstallStack::Status::Skipped);
        break;
    case Decision::Accept:
        settle(stack, InstallStack::Status::Accepted);
        break;
    }
    return true;
}

bool StagedInstall::addMac(const QString &text, Protocol::Error *error)
{
    if (!isActive() || m_record->outcome != InstallRecord::Outcome::WaitingForDecision) {
        *error = {Protocol::ErrorCode::Conflict,
            u"a MAC can be added while a stack waits for a decision; none does"_s};
        return false;
    }
    const QString mac = DhcpEventParser::normalizedMac(text);
    if (mac.isEmpty()) {
        *error = {Protocol::ErrorCode::BadRequest,
            u"\"%1\" is not a MAC address (six hex pairs, like dc:a6:32:01:02:03)"_s.arg(text)};
        return false;
    }
    InstallStack *stack = m_record->currentStack();
    for (const InstallStack &other : std::as_const(m_record->stacks)) {
        for (const InstallMac &found : other.macs) {
            if (found.mac == mac) {
                *error = {Protocol::ErrorCode::Conflict,
                    other.id == stack->id
                        ? u"%1 is found in stack %2 already"_s.arg(mac).arg(stack->id)
                        : u"%1 belongs to stack %2 of this install"_s.arg(mac).arg(other.id)};
                return false;
            }
        }
    }
    if (stack->macs.size() >= stack->expected()) {
        *error = {Protocol::ErrorCode::Conflict,
            u"stack %1 has %2 Pis and %3 MACs already: retry it or accept it"_s.arg(stack->id)
                .arg(stack->expected())
                .arg(stack->macs.size())};
        return false;
    }
    takeMac(stack, mac, {}, true);
    return true;
}

// --- writing, powering on, verifying ---

void StagedInstall::writeReservations()
{
    m_record->step = InstallRecord::Step::Writing;
    m_record->outcome = InstallRecord::Outcome::Running;
    QList<Reservation> incoming;
    const QList<RackSlot> rackSlots = m_power->structure().slots();
    for (const InstallStack &stack : std::as_const(m_record->stacks)) {
        for (const InstallMac &mac : stack.macs) {
            for (const RackSlot &slot : rackSlots) {
                if (mac.slot > 0 && slot.stackId == stack.id && slot.slot == mac.slot)
                    incoming.append({mac.mac, slot.address, slot.name});
            }
        }
    }
    note(u"writing %1 reservation%2 to %3"_s.arg(incoming.size())
             .arg(incoming.size() == 1 ? QString() : u"s"_s, m_settings.reservations.hosts));
    announce();

    DnsmasqReservations::UpdateReport report;
    QString error;
    if (!DnsmasqReservations::update(
            m_settings.reservations, incoming, DnsmasqReservations::Update::Merge, &report, &error)) {
        finish(InstallRecord::Outcome::Failed, u"every stack of the install is off"_s, error);
        return;
    }
    m_record->warnings.append(report.droppedLines);
    if (report.reloaded) {
        note(u"dnsmasq re-reads its reservations"_s);
    } else if (m_settings.reservations.pidFile.isEmpty()) {
        note(report.notReloaded);
    } else {
        m_record->warnings.append(report.notReloaded);
        note(u"dnsmasq could not be told to re-read its reservations: "_s + report.notReloaded);
    }
    m_record->step = InstallRecord::Step::PoweringOn;
    placeNodes();
    powerOn();
}

void StagedInstall::takeNotes(const InstallPlacement::Report &report)
{
    m_record->warnings += report.warnings;
    for (const QString &line : report.notes)
        note(line);
    if (!report.notes.isEmpty() && isActive())
        announce();
}

void StagedInstall::placeNodes()
{
    takeNotes(InstallPlacement::placeAll(m_nodes->inventory(), m_power->structure(), *m_record));
}

void StagedInstall::placeIfPlanned(const QString &mac)
{
    // Placed once the reservations are written; a Pi that joins later is placed when it first connects.
    if (!m_record || m_record->step < InstallRecord::Step::PoweringOn)
        return;
    takeNotes(InstallPlacement::place(m_nodes->inventory(), m_power->structure(), *m_record, mac));
}

void StagedInstall::powerOn()
{
    m_poweredOnAt = QDateTime::currentDateTimeUtc();
    note(u"switching every stack of the install on, staggered"_s);
    announce();
    perform(PowerController::Action::On, stackIds(), true,
        [this](const QList<PowerController::StackOutcome> &outcomes) {
            for (const auto &outcome : outcomes) {
                if (!outcome.ok)
                    m_record->warnings.append(
                        u"stack %1 did not switch on: %2"_s.arg(outcome.stack).arg(outcome.error));
            }
            startVerifying();
        });
}

void StagedInstall::startVerifying()
{
    m_record->step = InstallRecord::Step::Verifying;
    note(u"waiting up to %1 s for every placed Pi to come back on its fixed address with its agent"_s.arg(
        seconds(m_record->verifyTimeoutMs)));
    announce();
    m_verifyDeadline.start(milliseconds(m_record->verifyTimeoutMs));
    m_verifyPoll.start();
    verify();
}

InstallVerifier::Snapshot StagedInstall::verificationSnapshot() const
{
    InstallVerifier::Snapshot snapshot;
    snapshot.placedNodes = m_nodes->inventory()->nodes();
    snapshot.leases = m_lastLease;
    for (const NodeRecord &node : std::as_const(snapshot.placedNodes)) {
        if (m_nodes->state(node.mac) != NodeManager::State::Up)
            continue;
        const QDateTime connected = m_nodes->connectedAt(node.mac);
        const bool sincePowerOn
            = !m_poweredOnAt.isValid() || (connected.isValid() && connected >= m_poweredOnAt);
        snapshot.agents.insert(node.mac, {sincePowerOn, m_nodes->peerAddress(node.mac)});
    }
    return snapshot;
}

void StagedInstall::verify()
{
    if (!isActive() || m_record->step != InstallRecord::Step::Verifying)
        return;
    const InstallVerifier::Result result
        = InstallVerifier::verify(m_power->structure(), m_record->stacks, verificationSnapshot());
    for (InstallStack &stack : m_record->stacks)
        stack.verdict = result.verdicts.value(stack.id);
    const bool changed = [&] {
        if (result.checks.size() != m_record->checks.size())
            return true;
        for (qsizetype i = 0; i < result.checks.size(); ++i) {
            if (result.checks.at(i).toJson() != m_record->checks.at(i).toJson())
                return true;
        }
        return false;
    }();
    m_record->checks = result.checks;
    if (!result.allOk && m_verifyDeadline.isActive()) {
        if (changed)
            announce();
        return;
    }
    m_verifyPoll.stop();
    m_verifyDeadline.stop();
    m_record->step = InstallRecord::Step::Finished;
    finish(InstallRecord::Outcome::Done, u"every stack of the install is on"_s,
        result.allOk
            ? QString()
            : u"not every placed Pi came back within %1 s"_s.arg(seconds(m_record->verifyTimeoutMs)));
    note(u"verification: "_s + InstallVerifier::summary(m_record->stacks, result.checks).join(u"; "_s));
    announce();
}

void StagedInstall::finish(InstallRecord::Outcome outcome, const QString &relays, const QString &error)
{
    ++m_generation;
    m_stackTimer.stop();
    m_settleTimer.stop();
    m_verifyPoll.stop();
    m_verifyDeadline.stop();
    m_record->outcome = outcome;
    m_record->finished = QDateTime::currentDateTimeUtc();
    m_record->relays = relays;
    m_record->error = error;
    m_record->operatorInstruction.clear();
    note(u"the %1 is %2%3; relays: %4"_s.arg(InstallRecord::kindName(m_record->kind),
        InstallRecord::outcomeName(outcome), error.isEmpty() ? QString() : u" ("_s + error + u')', relays));
    announce();
}

bool StagedInstall::abort(const QString &by, Protocol::Error *error)
{
    if (!isActive()) {
        *error = {Protocol::ErrorCode::Conflict, u"no install is running"_s};
        return false;
    }
    const bool discovering = m_record->step == InstallRecord::Step::SwitchingOff
        || m_record->step == InstallRecord::Step::Discovery;
    note(u"aborted by %1"_s.arg(by));
    if (!discovering) {
        finish(InstallRecord::Outcome::Aborted,
            u"left as they were (the reservations are written): "_s + relayStatement());
        return true;
    }
    // Before anything is written the rack goes back to where the install took it: every stack off.
    finish(InstallRecord::Outcome::Aborted, u"switching every stack of the install off"_s);
    const QString id = m_record->id;
    m_power->perform(PowerController::Action::Off, stackIds(), false,
        [self = QPointer<StagedInstall>(this), id](const QList<PowerController::StackOutcome> &outcomes) {
            if (StagedInstall *alive = self.data())
                alive->abortedStacksOff(id, outcomes);
        });
    return true;
}

void StagedInstall::abortedStacksOff(const QString &id, const QList<PowerController::StackOutcome> &outcomes)
{
    if (!m_record || m_record->id != id || isActive())
        return;
    QStringList failures;
    for (const auto &outcome : outcomes) {
        if (!outcome.ok)
            failures.append(u"stack %1: %2"_s.arg(outcome.stack).arg(outcome.error));
    }
    m_record->relays = failures.isEmpty()
        ? u"every stack of the install is off"_s
        : u"not every stack could be switched off (%1): "_s.arg(failures.join(u"; "_s)) + relayStatement();
    note(u"relays: "_s + m_record->relays);
    announce();
}

void StagedInstall::setOperatorInstruction(const QString &instruction)
{
    if (!isActive() || m_record->operatorInstruction == instruction)
        return;
    m_record->operatorInstruction = instruction;
    if (!instruction.isEmpty())
        note(u"waiting for the operator: "_s + instruction);
    announce();
}
