// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackservice.h"

#include "nodereport.h"

#include "daemonlogging.h"
#include "inventoryexport.h"
#include "protocol/joinstring.h"

#include <QJsonArray>
#include <QSet>

using namespace Qt::Literals::StringLiterals;
namespace ErrorCode = Protocol::ErrorCode;

namespace {

QString relayText(std::optional<bool> state) { return state ? (*state ? u"on"_s : u"off"_s) : u"unknown"_s; }

// The role each method needs.
std::optional<Role> requiredRole(const QString &method)
{
    static const QHash<QString, Role> roles {
        {u"status"_s, Role::Viewer},
        {u"server.info"_s, Role::Viewer},
        {u"subscribe"_s, Role::Viewer},
        {u"power"_s, Role::Operator},
        {u"audit"_s, Role::Operator},
        {u"token.create"_s, Role::Admin},
        {u"token.list"_s, Role::Admin},
        {u"token.revoke"_s, Role::Admin},
        {u"nodes"_s, Role::Viewer},
        {u"node.assign"_s, Role::Admin},
        {u"node.rename"_s, Role::Admin},
        {u"exec"_s, Role::Operator},
        {u"join.create"_s, Role::Admin},
        {u"install.status"_s, Role::Viewer},
        {u"install.precheck"_s, Role::Viewer},
        {u"install.start"_s, Role::Admin},
        {u"install.replace"_s, Role::Admin},
        {u"install.decide"_s, Role::Admin},
        {u"install.add_mac"_s, Role::Admin},
        {u"install.abort"_s, Role::Admin},
        {u"relay.confirm"_s, Role::Operator},
        {u"inventory"_s, Role::Viewer},
    };
    const auto it = roles.constFind(method);
    return it == roles.cend() ? std::nullopt : std::optional<Role>(*it);
}

} // namespace

RackService::RackService(TokenStore *tokens, PowerController *power, NodeManager *nodes, AuditLog *audit,
    QString fingerprint, QObject *parent)
    : QObject(parent)
    , m_tokens(tokens)
    , m_power(power)
    , m_nodes(nodes)
    , m_audit(audit)
    , m_fingerprint(std::move(fingerprint))
{
    m_refusalClock.start();
    m_refusalFlush.setInterval(std::chrono::milliseconds(RefusalWindowMs));
    connect(&m_refusalFlush, &QTimer::timeout, this, [this] {
        const qint64 now = m_refusalClock.elapsed();
        for (auto it = m_refusals.begin(); it != m_refusals.end();) {
            if (now - it->startedMs < RefusalWindowMs) {
                ++it;
                continue;
            }
            writeSuppressedRefusals(it.key(), it.value());
            it = m_refusals.erase(it);
        }
    });
    m_refusalFlush.start();
    connect(m_nodes, &NodeManager::eventRaised, this, &RackService::eventRaised);
    connect(m_power, &PowerController::relayChanged, this, [this](int stack, bool on) {
        Q_EMIT eventRaised({u"relay.changed"_s, {{u"stack"_s, stack}, {u"relay"_s, relayText(on)}}});
        if (!on)
            m_nodes->stackPoweredOff(stack);
    });
}

QStringList RackService::eventNames() { return {u"relay"_s, u"node"_s, u"dhcp"_s, u"install"_s}; }

void RackService::setInstall(StagedInstall *install)
{
    m_install = install;
    connect(m_install, &StagedInstall::eventRaised, this, &RackService::eventRaised);
}

void RackService::setManualRelays(ManualRelayBank *bank)
{
    m_manualRelays = bank;
    connect(bank, &ManualRelayBank::operatorActionRequested, this,
        [this](const ManualRelayBank::Request &request) {
            Q_EMIT eventRaised({u"relay.operator"_s,
                {{u"stack"_s, stackOfChannel(request.channel)}, {u"relay"_s, relayText(request.on)},
                    {u"instruction"_s, request.instruction}}});
        });
    connect(bank, &ManualRelayBank::operatorActionResolved, this, [this](int channel) {
        Q_EMIT eventRaised({u"relay.operator_done"_s, {{u"stack"_s, stackOfChannel(channel)}}});
    });
}

int RackService::stackOfChannel(int channel) const
{
    for (const RackStack &stack : m_power->structure().stacks) {
        if (stack.relayChannel == channel)
            return stack.id;
    }
    return 0;
}

void RackService::reportDhcpEvent(const DhcpEvent &event)
{
    QJsonObject data {{u"kind"_s, DhcpEvent::kindName(event.kind)}, {u"mac"_s, event.mac},
        {u"ip"_s, event.address.toString()}, {u"source"_s, DhcpEvent::sourceName(event.source)}};
    if (!event.hostname.isEmpty())
        data.insert(u"hostname"_s, event.hostname);
    if (!event.suppliedHostname.isEmpty())
        data.insert(u"supplied_hostname"_s, event.suppliedHostname);
    if (!event.oldHostname.isEmpty())
        data.insert(u"old_hostname"_s, event.oldHostname);
    if (event.secondsRemaining)
        data.insert(u"remaining_s"_s, double(*event.secondsRemaining));
    if (!event.why.isEmpty())
        data.insert(u"why"_s, event.why);
    data.insert(u"pi_asking"_s, event.showsPiAsking());
    Q_EMIT eventRaised({u"dhcp."_s + DhcpEvent::kindName(event.kind), data});
}

void RackService::setJoinAddress(const QString &host, quint16 port)
{
    m_joinHost = host;
    m_joinPort = port;
}

bool RackService::authenticate(const Protocol::Hello &hello, const QHostAddress &source,
    const QString &sourceText, Caller *caller, Protocol::Error *error)
{
    if (hello.protocol != Protocol::Version) {
        *error = {ErrorCode::ProtocolVersion,
            u"this rackd speaks protocol %1, the client %2"_s.arg(Protocol::Version).arg(hello.protocol), {}};
        return false;
    }
    if (hello.isAgent()) {
        const std::optional<NodeManager::Login> login = m_nodes->authenticate(hello, error);
        if (!login) {
            const int failures = m_throttle.recordFailure(source);
            qCWarning(lcDaemon).noquote() << "agent authentication failed from" << sourceText << "("
                                          << failures << "in a row):" << error->message;
            return false;
        }
        m_throttle.recordSuccess(source);
        *caller
            = {TokenInfo {login->name, Role::Viewer, {}, {}}, sourceText, login->mac, login->newCredential};
        return true;
    }
    const std::optional<TokenInfo> token = m_tokens->authenticate(hello.token);
    if (!token) {
        const int failures = m_throttle.recordFailure(source);
        qCWarning(lcDaemon).noquote()
            << "authentication failed from" << sourceText << "(" << failures << "in a row)";
        *error = {ErrorCode::Unauthenticated, u"the token is not valid (unknown or revoked)"_s, {}};
        return false;
    }
    m_throttle.recordSuccess(source);
    *caller = {*token, sourceText};
    qCInfo(lcDaemon).noquote() << "client" << sourceText << "authenticated as" << token->name
                               << u"(" + roleName(token->role) + u")";
    return true;
}

void RackService::handle(
    const Caller &caller, const Protocol::Request &request, ProgressHandler progress, ReplyHandler reply)
{
    if (caller.isAgent()) {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::Forbidden, u"agents report; they do not send requests"_s));
        return;
    }
    const std::optional<Role> needed = requiredRole(request.method);
    if (!needed) {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::UnknownMethod, u"there is no method \"%1\""_s.arg(request.method)));
        return;
    }
    if (caller.token.role < *needed) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::Forbidden,
            u"%1 needs the %2 role; the token \"%3\" is %4"_s.arg(
                request.method, roleName(*needed), caller.token.name, roleName(caller.token.role))));
        if (*needed >= Role::Operator)
            auditRefusal(caller, request);
        return;
    }
    if (request.method == u"status")
        status(request, reply);
    else if (request.method == u"server.info")
        reply(Protocol::Reply::success(request.id,
            {{u"software"_s, u"rackd " PIRACK_VERSION_STRING ""_s}, {u"protocol"_s, Protocol::Version},
                {u"fingerprint"_s, m_fingerprint}}));
    else if (request.method == u"power")
        power(caller, request, reply);
    else if (request.method == u"token.create")
        tokenCreate(caller, request, reply);
    else if (request.method == u"token.list")
        tokenList(request, reply);
    else if (request.method == u"token.revoke")
        tokenRevoke(caller, request, reply);
    else if (request.method == u"audit")
        auditTail(request, reply);
    else if (request.method == u"nodes")
        nodeList(request, reply);
    else if (request.method == u"node.assign")
        nodeAssign(caller, request, reply);
    else if (request.method == u"node.rename")
        nodeRename(caller, request, reply);
    else if (request.method == u"join.create")
        joinCreate(caller, request, reply);
    else if (request.method == u"exec")
        exec(caller, request, progress, reply);
    else if (request.method.startsWith(u"install."_s))
        installRequest(caller, request, reply);
    else if (request.method == u"relay.confirm")
        relayConfirm(caller, request, reply);
    else if (request.method == u"inventory")
        inventory(request, reply);
    else
        reply(Protocol::Reply::failure(request.id, ErrorCode::Internal, u"method without a handler"_s));
}

void RackService::status(const Protocol::Request &request, const ReplyHandler &reply)
{
    const RackStructure &structure = m_power->structure();
    QJsonArray stacks;
    for (const RackStack &stack : structure.stacks) {
        stacks.append(QJsonObject {{u"id"_s, stack.id}, {u"row"_s, stack.row}, {u"column"_s, stack.column},
            {u"relay_channel"_s, stack.relayChannel}, {u"pis"_s, stack.piCount},
            {u"relay"_s, relayText(m_power->relayState(stack.id))},
            {u"state"_s,
                stackStateName(
                    stackState(m_power->relayState(stack.id), stack.piCount, m_nodes->upCount(stack.id)))},
            {u"up"_s, m_nodes->upCount(stack.id)}, {u"busy"_s, m_power->isBusy(stack.id)}});
    }
    reply(Protocol::Reply::success(request.id,
        {{u"rack"_s,
             QJsonObject {{u"rows"_s, structure.rows}, {u"cols"_s, structure.columns},
                 {u"pi_stack"_s, structure.pisPerStack},
                 {u"relay_backend"_s, relayBackendName(structure.wiring.backend)},
                 {u"stagger_delay"_s, double(structure.timing.staggerDelay.count()) / 1000.0}}},
            {u"stacks"_s, stacks}}));
}

void RackService::power(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const QString actionText = request.params.value(u"action"_s).toString();
    const bool graceful = actionText == u"graceful-off";
    std::optional<PowerController::Action> action;
    for (auto candidate :
        {PowerController::Action::On, PowerController::Action::Off, PowerController::Action::Cycle}) {
        if (PowerController::actionName(candidate) == actionText)
            action = candidate;
    }
    if (!action && !graceful) {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::BadRequest, u"\"action\" must be on, off, cycle or graceful-off"_s));
        return;
    }
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
        audit(caller, request, {}, busy);
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
    m_power->perform(*action, stacks, staggered,
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
            audit(caller, request, targetList, failures.isEmpty() ? u"ok"_s : failures.join(u"; "_s));
            if (failures.isEmpty())
                reply(Protocol::Reply::success(request.id, result));
            else
                reply(Protocol::Reply::failure(
                    request.id, ErrorCode::RelayFailed, failures.join(u"; "_s), result));
        });
}

void RackService::tokenCreate(
    const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const QString name = request.params.value(u"name"_s).toString();
    const std::optional<Role> role = roleFromName(request.params.value(u"role"_s).toString());
    if (!role) {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::BadRequest, u"\"role\" must be viewer, operator or admin"_s));
        return;
    }
    Protocol::Error error;
    const std::optional<QString> token = m_tokens->create(name, *role, &error);
    audit(caller, request, {name}, token ? u"ok"_s : error.message);
    if (!token) {
        reply(Protocol::Reply::failure(request.id, error));
        return;
    }
    reply(Protocol::Reply::success(
        request.id, {{u"name"_s, name}, {u"role"_s, roleName(*role)}, {u"token"_s, *token}}));
}

void RackService::tokenList(const Protocol::Request &request, const ReplyHandler &reply)
{
    QJsonArray tokens;
    for (const TokenInfo &info : m_tokens->tokens()) {
        tokens.append(QJsonObject {{u"name"_s, info.name}, {u"role"_s, roleName(info.role)},
            {u"created"_s, info.created.toString(Qt::ISODate)}});
    }
    reply(Protocol::Reply::success(request.id, {{u"tokens"_s, tokens}}));
}

void RackService::tokenRevoke(
    const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const QString name = request.params.value(u"name"_s).toString();
    Protocol::Error error;
    const bool revoked = m_tokens->revoke(name, &error);
    audit(caller, request, {name}, revoked ? u"ok"_s : error.message);
    if (!revoked) {
        reply(Protocol::Reply::failure(request.id, error));
        return;
    }
    reply(Protocol::Reply::success(request.id, {{u"name"_s, name}}));
}

void RackService::auditTail(const Protocol::Request &request, const ReplyHandler &reply)
{
    const QJsonValue last = request.params.value(u"last"_s);
    const double count = last.isUndefined() ? 20 : last.toDouble(-1);
    if (count < 1 || count > 10000 || count != double(int(count))) {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::BadRequest, u"\"last\" must be a number from 1 to 10000"_s));
        return;
    }
    QJsonArray entries;
    for (const QJsonObject &entry : m_audit->last(int(count)))
        entries.append(entry);
    reply(Protocol::Reply::success(request.id, {{u"entries"_s, entries}}));
}

void RackService::audit(
    const Caller &caller, const Protocol::Request &request, const QJsonArray &targets, const QString &result)
{
    QJsonObject params = request.params;
    params.remove(u"token"_s); // never write a secret into the log
    if (!m_audit->append({{u"token"_s, caller.token.name}, {u"role"_s, roleName(caller.token.role)},
            {u"source"_s, caller.source}, {u"request"_s, request.method},
            {u"params"_s, AuditLog::boundedParameters(params)}, {u"targets"_s, targets},
            {u"result"_s, result}}))
        qCCritical(lcDaemon).noquote() << "cannot write the audit log" << m_audit->path();
}

// A refused call is audited by its method and parameter names only, and a token that keeps trying
// gets a few lines a minute and then one line that counts the rest: refusals cannot push the
// audit trail out of its rotated files.
void RackService::auditRefusal(const Caller &caller, const Protocol::Request &request)
{
    RefusalWindow &window = m_refusals[caller.token.name];
    const qint64 now = m_refusalClock.elapsed();
    if (now - window.startedMs >= RefusalWindowMs) {
        writeSuppressedRefusals(caller.token.name, window);
        window = {now, 0, 0, caller};
    }
    if (window.logged >= MaximumRefusalsAudited) {
        ++window.suppressed;
        window.lastCaller = caller;
        return;
    }
    ++window.logged;
    QStringList keys = request.params.keys();
    keys.removeAll(u"token"_s);
    if (!m_audit->append({{u"token"_s, caller.token.name}, {u"role"_s, roleName(caller.token.role)},
            {u"source"_s, caller.source}, {u"request"_s, request.method.left(64)},
            {u"params"_s, QJsonObject {{u"keys"_s, QJsonArray::fromStringList(keys.mid(0, 32))}}},
            {u"targets"_s, QJsonArray()}, {u"result"_s, u"forbidden"_s}}))
        qCCritical(lcDaemon).noquote() << "cannot write the audit log" << m_audit->path();
}

void RackService::writeSuppressedRefusals(const QString &token, RefusalWindow &window)
{
    if (window.suppressed == 0)
        return;
    if (!m_audit->append({{u"token"_s, token}, {u"role"_s, roleName(window.lastCaller.token.role)},
            {u"source"_s, window.lastCaller.source}, {u"request"_s, u"(refused calls)"_s},
            {u"params"_s, QJsonObject {}}, {u"targets"_s, QJsonArray()},
            {u"result"_s,
                u"forbidden: %1 more refused calls in %2 s, not written one by one"_s.arg(window.suppressed)
                    .arg(RefusalWindowMs / 1000)}}))
        qCCritical(lcDaemon).noquote() << "cannot write the audit log" << m_audit->path();
    window.suppressed = 0;
}

void RackService::nodeList(const Protocol::Request &request, const ReplyHandler &reply)
{
    reply(Protocol::Reply::success(request.id, {{u"nodes"_s, m_nodes->nodesJson()}}));
}

void RackService::nodeAssign(
    const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const QString mac = request.params.value(u"mac"_s).toString().toLower();
    const int stack = request.params.value(u"stack"_s).toInt(-1);
    const int slot = request.params.value(u"slot"_s).toInt(-1);
    Protocol::Error error;
    const bool assigned = m_nodes->inventory()->assign(mac, stack, slot, m_power->structure(), &error);
    audit(caller, request, {mac}, assigned ? u"ok"_s : error.message);
    if (!assigned) {
        reply(Protocol::Reply::failure(request.id, error));
        return;
    }
    reply(Protocol::Reply::success(request.id, m_nodes->inventory()->node(mac)->toJson()));
}

void RackService::nodeRename(
    const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const QString mac = request.params.value(u"mac"_s).toString().toLower();
    const QString name = request.params.value(u"name"_s).toString();
    NodeInventory *inventory = m_nodes->inventory();
    if (Protocol::Error error; !inventory->rename(mac, name, &error)) {
        audit(caller, request, {mac}, error.message);
        reply(Protocol::Reply::failure(request.id, error));
        return;
    }
    // The reservation follows, so dnsmasq's names and the inventory never disagree.
    QString warning;
    QString audited = u"ok"_s;
    DnsmasqReservations::UpdateReport report;
    if (QString error; m_reservationFiles
        && !DnsmasqReservations::update(*m_reservationFiles, {{mac, {}, name}},
            DnsmasqReservations::Update::ExistingLinesOnly, &report, &error)) {
        warning = u"renamed, but the reservation keeps the old name: "_s + error;
        audited = warning;
    } else if (report.changed && !report.reloaded) {
        warning = report.notReloaded;
    }
    audit(caller, request, {mac}, audited);
    const std::optional<NodeRecord> node = inventory->node(mac);
    QJsonObject data {{u"mac"_s, mac}, {u"name"_s, name}};
    if (node && node->stack)
        data.insert(u"stack"_s, *node->stack);
    if (node && node->slot)
        data.insert(u"slot"_s, *node->slot);
    Q_EMIT eventRaised({u"node.renamed"_s, data});
    QJsonObject result = node ? node->toJson() : QJsonObject();
    if (!warning.isEmpty())
        result.insert(u"warning"_s, warning);
    reply(Protocol::Reply::success(request.id, result));
}

void RackService::joinCreate(
    const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const double ttl = request.params.value(u"ttl_s"_s).toDouble(3600);
    const double uses = request.params.value(u"uses"_s).toDouble(1);
    if (ttl < 0 || ttl > 1e9 || uses < 0 || uses > 1e6 || ttl != double(qint64(ttl))
        || uses != double(int(uses))) {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::BadRequest, u"\"ttl_s\" and \"uses\" are whole numbers"_s));
        return;
    }
    const QString replaceMac = request.params.value(u"replace"_s).toString().toLower();
    if (!replaceMac.isEmpty() && !m_nodes->inventory()->node(replaceMac)) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::NotFound,
            u"no node with MAC %1 has joined: a new node needs no --replace"_s.arg(
                NodeReport::printable(replaceMac))));
        return;
    }
    QString error;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const std::optional<QString> secret = m_nodes->joinSecrets()->create(
        std::chrono::seconds(qint64(ttl)), int(uses), caller.token.name, now, &error, replaceMac);
    audit(caller, request, {}, secret ? u"ok"_s : error);
    if (!secret) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::BadRequest, error));
        return;
    }
    const JoinString join {m_joinHost, m_joinPort, m_fingerprint, *secret};
    reply(Protocol::Reply::success(request.id,
        {{u"join_string"_s, join.toString()}, {u"expires"_s, now.addSecs(qint64(ttl)).toString(Qt::ISODate)},
            {u"uses"_s, int(uses)}}));
}

void RackService::exec(const Caller &caller, const Protocol::Request &request,
    const ProgressHandler &progress, const ReplyHandler &reply)
{
    static const QStringList actions {u"ping"_s, u"identify"_s, u"reboot"_s, u"shutdown"_s, u"run"_s};
    const QString action = request.params.value(u"action"_s).toString();
    if (!actions.contains(action)) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::BadRequest,
            u"\"action\" must be ping, identify, reboot, shutdown or run"_s));
        return;
    }
    QJsonObject params {{u"action"_s, action}};
    if (action == u"run") {
        const QString command = request.params.value(u"command"_s).toString();
        if (command.isEmpty()) {
            reply(Protocol::Reply::failure(
                request.id, ErrorCode::BadRequest, u"run needs \"command\": a name from agent.conf"_s));
            return;
        }
        params.insert(u"command"_s, command);
        QJsonArray args;
        for (const QJsonValue &value : request.params.value(u"args"_s).toArray()) {
            if (!value.isString()) {
                reply(Protocol::Reply::failure(
                    request.id, ErrorCode::BadRequest, u"\"args\" must be strings"_s));
                return;
            }
            args.append(value);
        }
        params.insert(u"args"_s, args);
    }
    if (action == u"identify")
        params.insert(u"duration_s"_s, request.params.value(u"duration_s"_s).toDouble(10));
    const double timeout = request.params.value(u"timeout_s"_s).toDouble(30);
    if (!(timeout >= 0.1 && timeout <= 3600)) {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::BadRequest, u"\"timeout_s\" must be from 0.1 to 3600"_s));
        return;
    }
    Protocol::Error error;
    const std::optional<QStringList> resolved
        = m_nodes->resolveTargets(request.params.value(u"targets"_s), m_power->structure(), &error);
    if (!resolved) {
        reply(Protocol::Reply::failure(request.id, error));
        return;
    }
    const QStringList &macs = *resolved;
    QJsonArray targets;
    for (const QString &mac : macs)
        targets.append(mac);
    const qint64 id = request.id;
    // Each result is made JSON once, for its event, and kept for the final reply.
    auto encoded = std::make_shared<QHash<QString, QJsonObject>>();
    encoded->reserve(macs.size());
    m_nodes->fanOut(
        params, macs, std::chrono::milliseconds(qint64(timeout * 1000)),
        [progress, id, encoded](const NodeManager::ActionResult &result) {
            const QJsonObject entry = result.toJson();
            encoded->insert(result.mac, entry);
            QJsonObject data = entry;
            data.insert(u"request"_s, double(id));
            progress({u"exec.result"_s, data});
        },
        [this, caller, request, reply, targets, encoded](const QList<NodeManager::ActionResult> &results) {
            QJsonArray entries;
            int failed = 0;
            for (const auto &result : results) {
                const auto cached = encoded->constFind(result.mac);
                entries.append(cached != encoded->cend() ? *cached : result.toJson());
                failed += result.outcome == u"ok" ? 0 : 1;
            }
            audit(caller, request, targets,
                failed == 0 ? u"ok"_s : u"%1 of %2 nodes failed"_s.arg(failed).arg(results.size()));
            reply(Protocol::Reply::success(request.id, {{u"results"_s, entries}, {u"failed"_s, failed}}));
        });
}

void RackService::gracefulOff(const Caller &caller, const Protocol::Request &request,
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
        {{u"action"_s, u"shutdown"_s}}, upNodes, std::chrono::milliseconds(qint64(timeout * 1000)),
        [](const NodeManager::ActionResult &) {}, [](const QList<NodeManager::ActionResult> &) {});
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
            m_power->perform(PowerController::Action::Off, toCut, false,
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
                    audit(caller, request, targets, problems.isEmpty() ? u"ok"_s : problems.join(u"; "_s));
                    const QJsonObject details {{u"stacks"_s, result}};
                    if (problems.isEmpty())
                        reply(Protocol::Reply::success(request.id, details));
                    else
                        reply(Protocol::Reply::failure(
                            request.id, ErrorCode::Incomplete, problems.join(u"; "_s), details));
                });
        });
}

void RackService::installRequest(
    const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const QString &method = request.method;
    const auto status = [this] {
        const std::optional<InstallRecord> record = m_install ? m_install->record() : std::nullopt;
        return record ? record->toJson() : QJsonObject {{u"active"_s, false}, {u"outcome"_s, u"none"_s}};
    };
    if (method == u"install.status") {
        reply(Protocol::Reply::success(request.id, status()));
        return;
    }
    if (method == u"install.precheck") {
        const QJsonArray checks = m_installPrecheck ? m_installPrecheck() : QJsonArray();
        const bool ready = std::none_of(checks.begin(), checks.end(),
            [](const QJsonValue &check) { return check[u"status"_s].toString() == u"error"; });
        reply(Protocol::Reply::success(request.id, {{u"checks"_s, checks}, {u"ready"_s, ready}}));
        return;
    }
    Protocol::Error error;
    bool done = false;
    QJsonArray targets;
    if (method == u"install.start") {
        StagedInstall::StartOptions options;
        options.startedBy = caller.token.name;
        const QJsonValue stacks = request.params.value(u"stacks"_s);
        if (stacks.isArray()) {
            for (const QJsonValue &value : stacks.toArray()) {
                const std::optional<qint64> id = Protocol::wholeNumber(value, 1, 1000000);
                if (!id) {
                    error = {ErrorCode::BadRequest, u"\"stacks\" must be \"all\" or a list of stack ids"_s};
                    break;
                }
                options.stacks.append(int(*id));
                targets.append(int(*id));
            }
        } else if (!stacks.isUndefined() && stacks.toString() != u"all") {
            error = {ErrorCode::BadRequest, u"\"stacks\" must be \"all\" or a list of stack ids"_s};
        }
        const QJsonValue timeout = request.params.value(u"stack_timeout_s"_s);
        if (!timeout.isUndefined()) {
            if (!(timeout.toDouble(-1) >= 1 && timeout.toDouble() <= 3600))
                error = {ErrorCode::BadRequest, u"\"stack_timeout_s\" must be from 1 to 3600"_s};
            else
                options.stackTimeout = std::chrono::milliseconds(qint64(timeout.toDouble() * 1000));
        }
        done = error.message.isEmpty() && m_install->start(options, &error);
    } else if (method == u"install.replace") {
        const std::optional<qint64> stack
            = Protocol::wholeNumber(request.params.value(u"stack"_s), 1, 1000000);
        const std::optional<qint64> slot = Protocol::wholeNumber(request.params.value(u"slot"_s), 1, 1000000);
        targets = {u"stack %1 slot %2"_s.arg(request.params.value(u"stack"_s).toDouble())
                       .arg(request.params.value(u"slot"_s).toDouble())};
        if (!stack || !slot)
            error = {ErrorCode::BadRequest, u"\"stack\" and \"slot\" must be whole numbers"_s};
        else
            done = m_install->replace(int(*stack), int(*slot), caller.token.name, &error);
    } else if (method == u"install.decide") {
        const std::optional<StagedInstall::Decision> decision
            = StagedInstall::decisionFromName(request.params.value(u"decision"_s).toString());
        if (!decision)
            error = {ErrorCode::BadRequest, u"\"decision\" must be retry, skip or accept"_s};
        else
            done = m_install->decide(*decision, &error);
    } else if (method == u"install.add_mac") {
        targets = {request.params.value(u"mac"_s).toString()};
        done = m_install->addMac(request.params.value(u"mac"_s).toString(), &error);
    } else if (method == u"install.abort") {
        done = m_install->abort(caller.token.name, &error);
    } else {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::UnknownMethod, u"there is no method \"%1\""_s.arg(method)));
        return;
    }
    audit(caller, request, targets, done ? u"ok"_s : error.message);
    if (!done) {
        reply(Protocol::Reply::failure(request.id, error));
        return;
    }
    reply(Protocol::Reply::success(request.id, status()));
}

void RackService::relayConfirm(
    const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const std::optional<ManualRelayBank::Request> pending
        = m_manualRelays ? m_manualRelays->pendingRequest() : std::nullopt;
    if (!pending) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::Conflict,
            m_manualRelays ? u"no stack waits for the operator"_s
                           : u"the relays are not manual: nothing needs confirming"_s));
        return;
    }
    const int stack = stackOfChannel(pending->channel);
    const QJsonValue asked = request.params.value(u"stack"_s);
    if (!asked.isUndefined() && asked.toInt(-1) != stack) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::Conflict,
            u"stack %1 waits for the operator, not stack %2"_s.arg(stack).arg(asked.toVariant().toString())));
        return;
    }
    const bool doneByOperator = request.params.value(u"done"_s).toBool(true);
    const QString reason = request.params.value(u"reason"_s).toString();
    if (doneByOperator)
        m_manualRelays->confirm(pending->channel);
    else
        m_manualRelays->decline(pending->channel, reason.isEmpty() ? u"declined by the operator"_s : reason);
    audit(caller, request, {stack}, doneByOperator ? u"confirmed"_s : u"declined"_s);
    reply(Protocol::Reply::success(request.id,
        {{u"stack"_s, stack}, {u"relay"_s, relayText(pending->on)}, {u"confirmed"_s, doneByOperator}}));
}

void RackService::inventory(const Protocol::Request &request, const ReplyHandler &reply)
{
    const QString name = request.params.value(u"format"_s).toString(u"json"_s);
    const std::optional<InventoryExport::Format> format = InventoryExport::formatFromName(name);
    if (!format) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::BadRequest,
            u"\"format\" must be one of %1"_s.arg(InventoryExport::formatNames().join(u", "_s))));
        return;
    }
    reply(Protocol::Reply::success(request.id,
        {{u"format"_s, name},
            {u"content"_s,
                QString::fromUtf8(InventoryExport::render(*format, m_nodes->inventory()->nodes()))}}));
}
