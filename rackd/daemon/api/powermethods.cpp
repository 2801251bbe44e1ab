// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/powermethods.h"

#include "recovery/recoveryengine.h"

#include <QJsonArray>
#include <QSet>

using namespace Qt::Literals::StringLiterals;
namespace ErrorCode = Protocol::ErrorCode;
using Protocol::EventName;

PowerMethods::PowerMethods(PowerController *power, NodeManager *nodes, RequestAudit *audit, QObject *parent)
    : QObject(parent)
    , m_power(power)
    , m_nodes(nodes)
    , m_audit(audit)
{
    connect(m_power, &PowerController::relayChanged, this, [this](int stack, bool on, const QString &by) {
        QJsonObject data {{u"stack"_s, stack}, {u"relay"_s, relayText(on)}};
        if (!by.isEmpty())
            data.insert(u"by"_s, by);
        Q_EMIT eventRaised({Protocol::name(EventName::RelayChanged), data});
        if (!on)
            m_nodes->stackPoweredOff(stack);
    });
    // Only a bank without relays of its own (the manual backend) asks; the others never emit these.
    RelayBank *bank = m_power->bank();
    connect(
        bank, &RelayBank::operatorActionRequested, this, [this](const RelayBank::OperatorRequest &request) {
            Q_EMIT eventRaised({Protocol::name(EventName::RelayOperator),
                {{u"stack"_s, m_power->stackOfChannel(request.channel)}, {u"relay"_s, relayText(request.on)},
                    {u"instruction"_s, request.instruction}}});
        });
    connect(bank, &RelayBank::operatorActionResolved, this, [this](int channel) {
        Q_EMIT eventRaised(
            {Protocol::name(EventName::RelayOperatorDone), {{u"stack"_s, m_power->stackOfChannel(channel)}}});
    });
}

QString PowerMethods::relayText(std::optional<bool> state)
{
    return state ? (*state ? u"on"_s : u"off"_s) : u"unknown"_s;
}

void PowerMethods::status(const Protocol::Request &request, const ReplyHandler &reply)
{
    const RackStructure &structure = m_power->structure();
    QJsonArray stacks;
    for (const RackStack &stack : structure.stacks) {
        QJsonObject entry {{u"id"_s, stack.id}, {u"row"_s, stack.row}, {u"column"_s, stack.column},
            {u"relay_channel"_s, stack.relayChannel}, {u"pis"_s, stack.piCount},
            {u"relay"_s, relayText(m_power->relayState(stack.id))},
            {u"state"_s,
                stackStateName(
                    stackState(m_power->relayState(stack.id), stack.piCount, m_nodes->upCount(stack.id)))},
            {u"up"_s, m_nodes->upCount(stack.id)}, {u"busy"_s, m_power->isBusy(stack.id)}};
        if (m_recovery) {
            const QJsonObject recovery = m_recovery->stackJson(stack.id);
            for (auto it = recovery.begin(); it != recovery.end(); ++it)
                entry.insert(it.key(), it.value());
        }
        stacks.append(entry);
    }
    QJsonObject rack {{u"rows"_s, structure.rows}, {u"cols"_s, structure.columns},
        {u"pi_stack"_s, structure.pisPerStack},
        {u"relay_backend"_s, relayBackendName(structure.wiring.backend)},
        {u"stagger_delay"_s, double(structure.timing.staggerDelay.count()) / 1000.0}};
    if (m_recovery && !m_recovery->rackMaintenance().isEmpty())
        rack.insert(u"maintenance"_s, m_recovery->rackMaintenance());
    if (m_httpPort != 0)
        rack.insert(u"http"_s,
            QJsonObject {{u"port"_s, m_httpPort}, {u"scheme"_s, m_httpPlain ? u"http"_s : u"https"_s}});
    reply(Protocol::Reply::success(request.id, {{u"rack"_s, rack}, {u"stacks"_s, stacks}}));
}

void PowerMethods::power(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const std::optional<Protocol::PowerAction> asked
        = Protocol::fromName<Protocol::PowerAction>(request.params.value(u"action"_s).toString());
    if (!asked) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::BadRequest,
            u"\"action\" must be %1"_s.arg(
                Protocol::namesForPeople(Protocol::all<Protocol::PowerAction>()))));
        return;
    }
    const bool graceful = *asked == Protocol::PowerAction::GracefulOff;
    const std::optional<PowerController::Action> action = PowerController::fromProtocol(*asked);
    QList<int> stacks;
    const QJsonValue targets = request.params.value(u"stacks"_s);
    const bool all = targets.toString() == u"all";
    if (all) {
        for (const RackStack &stack : m_power->structure().stacks)
            stacks.append(stack.id);
    } else if (targets.isArray() && !targets.toArray().isEmpty() && targets.toArray().size() <= 4096) {
        QSet<int> seen;
        for (const QJsonValue &value : targets.toArray()) {
            const std::optional<qint64> number = Protocol::wholeNumber(value, 1, 1000000);
            const int id = number ? int(*number) : -1;
            if (!number || !m_power->structure().stack(id)) {
                reply(Protocol::Reply::failure(request.id, ErrorCode::NotFound,
                    u"there is no stack %1"_s.arg(value.isDouble() ? QString::number(value.toDouble())
                                                                   : value.toVariant().toString())));
                return;
            }
            if (!seen.contains(id))
                stacks.append(id);
            seen.insert(id);
        }
    } else {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::BadRequest, u"\"stacks\" must be \"all\" or a list of stack ids"_s));
        return;
    }
    if (const QString busy = m_install ? m_install->powerBusyReason() : QString(); !busy.isEmpty()) {
        m_audit->record(caller, request, {}, busy);
        reply(Protocol::Reply::failure(request.id, ErrorCode::Conflict, busy));
        return;
    }
    if (graceful) {
        gracefulOff(caller, request, stacks, reply);
        return;
    }
    const bool staggered
        = request.params.value(u"staggered"_s).toBool(*action == PowerController::Action::On);

    QJsonArray targetList;
    for (int stack : stacks)
        targetList.append(stack);
    m_power->perform(
        *action, stacks, staggered,
        [this, caller, request, reply, targetList](const QList<PowerController::StackOutcome> &outcomes) {
            QJsonArray results;
            QStringList failures;
            for (const auto &outcome : outcomes) {
                QJsonObject entry {
                    {u"id"_s, outcome.stack}, {u"ok"_s, outcome.ok}, {u"relay"_s, relayText(outcome.state)}};
                if (!outcome.ok) {
                    entry.insert(u"error"_s, outcome.error);
                    failures.append(u"stack %1: %2"_s.arg(outcome.stack).arg(outcome.error));
                }
                results.append(entry);
            }
            const QJsonObject result {{u"stacks"_s, results}};
            m_audit->record(
                caller, request, targetList, failures.isEmpty() ? u"ok"_s : failures.join(u"; "_s));
            if (failures.isEmpty())
                reply(Protocol::Reply::success(request.id, result));
            else
                reply(Protocol::Reply::failure(
                    request.id, ErrorCode::RelayFailed, failures.join(u"; "_s), result));
        },
        caller.token.name);
}

void PowerMethods::gracefulOff(const Caller &caller, const Protocol::Request &request,
    const QList<int> &stacks, const ReplyHandler &reply)
{
    const double timeout = request.params.value(u"timeout_s"_s).toDouble(120);
    const double settle = request.params.value(u"settle_s"_s).toDouble(5);
    const bool force = request.params.value(u"force"_s).toBool(false);
    if (!(timeout >= 0.1 && timeout <= 3600) || !(settle >= 0 && settle <= 600)) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::BadRequest,
            u"\"timeout_s\" must be from 0.1 to 3600 and \"settle_s\" from 0 to 600"_s));
        return;
    }
    // Who is asked to shut down: every node of these stacks that is up now.
    QStringList upNodes;
    QHash<QString, int> stackOf;
    QHash<QString, QString> nameOf;
    for (const NodeRecord &node : m_nodes->inventory()->nodes()) {
        if (!node.stack || !stacks.contains(*node.stack))
            continue;
        stackOf.insert(node.mac, *node.stack);
        nameOf.insert(node.mac, node.name.isEmpty() ? node.mac : node.name);
        if (m_nodes->state(node.mac) == NodeManager::State::Up)
            upNodes.append(node.mac);
    }
    QJsonArray targets;
    for (int stack : stacks)
        targets.append(stack);
    m_nodes->fanOut(
        {{u"action"_s, Protocol::name(Protocol::NodeAction::Shutdown)}}, upNodes,
        std::chrono::milliseconds(qint64(timeout * 1000)), [](const NodeManager::ActionResult &) {},
        [](const QList<NodeManager::ActionResult> &) {});
    m_nodes->waitUntilDown(upNodes, std::chrono::milliseconds(qint64(settle * 1000)),
        std::chrono::milliseconds(qint64(timeout * 1000)),
        [this, caller, request, reply, stacks, upNodes, stackOf, nameOf, force, timeout, targets](
            const QStringList &stillUp) {
            QList<int> toCut;
            QJsonObject perStack;
            QStringList reasons;
            for (int stack : stacks) {
                QJsonArray nodes;
                QStringList stuck;
                for (auto it = stackOf.cbegin(); it != stackOf.cend(); ++it) {
                    if (it.value() != stack)
                        continue;
                    const QString outcome = !upNodes.contains(it.key()) ? u"already down"_s
                        : stillUp.contains(it.key())                    ? u"timed out"_s
                                                                        : u"shut down"_s;
                    if (outcome == u"timed out")
                        stuck.append(nameOf.value(it.key()));
                    nodes.append(QJsonObject {
                        {u"mac"_s, it.key()}, {u"name"_s, nameOf.value(it.key())}, {u"outcome"_s, outcome}});
                }
                const bool cut = stuck.isEmpty() || force;
                if (cut)
                    toCut.append(stack);
                else
                    reasons.append(u"stack %1 stays on: %2 did not shut down within %3 s"_s.arg(stack)
                                       .arg(stuck.join(u", "_s))
                                       .arg(timeout));
                perStack.insert(QString::number(stack), QJsonObject {{u"nodes"_s, nodes}, {u"cut"_s, cut}});
            }
            m_power->perform(
                PowerController::Action::Off, toCut, false,
                [this, caller, request, reply, stacks, perStack, reasons, targets](
                    const QList<PowerController::StackOutcome> &outcomes) mutable {
                    QStringList problems = reasons;
                    for (const auto &outcome : outcomes) {
                        if (!outcome.ok)
                            problems.append(u"stack %1: %2"_s.arg(outcome.stack).arg(outcome.error));
                    }
                    QJsonArray result;
                    for (int stack : stacks) {
                        QJsonObject entry = perStack.value(QString::number(stack)).toObject();
                        entry.insert(u"id"_s, stack);
                        entry.insert(u"relay"_s, relayText(m_power->relayState(stack)));
                        result.append(entry);
                    }
                    m_audit->record(
                        caller, request, targets, problems.isEmpty() ? u"ok"_s : problems.join(u"; "_s));
                    const QJsonObject details {{u"stacks"_s, result}};
                    if (problems.isEmpty())
                        reply(Protocol::Reply::success(request.id, details));
                    else
                        reply(Protocol::Reply::failure(
                            request.id, ErrorCode::Incomplete, problems.join(u"; "_s), details));
                },
                caller.token.name);
        });
}

void PowerMethods::confirmRelay(
    const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    RelayBank *bank = m_power->bank();
    const std::optional<RelayBank::OperatorRequest> pending = bank->pendingOperatorRequest();
    if (!pending) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::Conflict,
            bank->needsOperator() ? u"no stack waits for the operator"_s
                                  : u"the relays are not manual: nothing needs confirming"_s));
        return;
    }
    const int stack = m_power->stackOfChannel(pending->channel);
    const QJsonValue asked = request.params.value(u"stack"_s);
    if (!asked.isUndefined() && asked.toInt(-1) != stack) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::Conflict,
            u"stack %1 waits for the operator, not stack %2"_s.arg(stack).arg(asked.toVariant().toString())));
        return;
    }
    const bool doneByOperator = request.params.value(u"done"_s).toBool(true);
    const QString reason = request.params.value(u"reason"_s).toString();
    if (doneByOperator)
        bank->confirmByOperator(pending->channel);
    else
        bank->declineByOperator(pending->channel, reason.isEmpty() ? u"declined by the operator"_s : reason);
    m_audit->record(caller, request, {stack}, doneByOperator ? u"confirmed"_s : u"declined"_s);
    reply(Protocol::Reply::success(request.id,
        {{u"stack"_s, stack}, {u"relay"_s, relayText(pending->on)}, {u"confirmed"_s, doneByOperator}}));
}
