// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackservice.h"

#include "daemonlogging.h"

using namespace Qt::Literals::StringLiterals;
namespace ErrorCode = Protocol::ErrorCode;
using Protocol::Method;

RackService::RackService(TokenStore *tokens, PowerController *power, NodeManager *nodes, AuditLog *audit,
    QString fingerprint, QObject *parent)
    : QObject(parent)
    , m_nodes(nodes)
    , m_fingerprint(std::move(fingerprint))
    , m_authenticator(tokens, nodes)
    , m_audit(audit)
    , m_powerMethods(power, nodes, &m_audit)
    , m_nodeMethods(nodes, power, &m_audit, m_fingerprint)
    , m_tokenMethods(tokens, &m_audit)
{
    connect(m_nodes, &NodeManager::eventRaised, this, &RackService::eventRaised);
    connect(&m_powerMethods, &PowerMethods::eventRaised, this, &RackService::eventRaised);
    connect(&m_nodeMethods, &NodeMethods::eventRaised, this, &RackService::eventRaised);
}

RackService::~RackService() = default;

void RackService::setInstall(StagedInstall *install)
{
    m_powerMethods.setInstall(install);
    m_installMethods = std::make_unique<InstallMethods>(install, &m_audit);
    m_installMethods->setPrecheck(m_installPrecheck);
    connect(install, &StagedInstall::eventRaised, this, &RackService::eventRaised);
}

void RackService::setRecovery(RecoveryEngine *engine)
{
    m_recoveryMethods = std::make_unique<RecoveryMethods>(engine, m_nodes, m_powerMethods.power(), &m_audit);
    m_powerMethods.setRecovery(engine);
    m_nodeMethods.setRecovery(engine);
    connect(engine, &RecoveryEngine::eventRaised, this, &RackService::eventRaised);
}

void RackService::setInstallPrecheck(std::function<QJsonArray()> precheck)
{
    m_installPrecheck = std::move(precheck);
    if (m_installMethods)
        m_installMethods->setPrecheck(m_installPrecheck);
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
    Q_EMIT eventRaised({Protocol::name(DhcpEvent::eventName(event.kind)), data});
}

void RackService::handle(
    const Caller &caller, const Protocol::Request &request, ProgressHandler progress, ReplyHandler reply)
{
    if (caller.isAgent()) {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::Forbidden, u"agents report; they do not send requests"_s));
        return;
    }
    const std::optional<Method> method = Protocol::fromName<Method>(request.method);
    if (!method) {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::UnknownMethod, u"there is no method \"%1\""_s.arg(request.method)));
        return;
    }
    const Role needed = Protocol::requiredRole(*method);
    if (caller.token.role < needed) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::Forbidden,
            u"%1 needs the %2 role; the token \"%3\" is %4"_s.arg(
                request.method, roleName(needed), caller.token.name, roleName(caller.token.role))));
        if (needed >= Role::Operator)
            m_audit.refused(caller, request);
        return;
    }
    dispatch(*method, caller, request, progress, reply);
}

// One case per method and no default: a method added to the vocabulary without a handler here is
// a compiler error (-Wswitch, and warnings are errors).
void RackService::dispatch(Method method, const Caller &caller, const Protocol::Request &request,
    const ProgressHandler &progress, const ReplyHandler &reply)
{
    const bool installMethod = method == Method::InstallStatus || method == Method::InstallPrecheck
        || method == Method::InstallStart || method == Method::InstallReplace
        || method == Method::InstallDecide || method == Method::InstallAddMac
        || method == Method::InstallAbort;
    if (installMethod && !m_installMethods) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::Internal, u"this rackd runs no install"_s));
        return;
    }
    if ((method == Method::Maintenance || method == Method::RecoveryStop) && !m_recoveryMethods) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::Internal, u"this rackd runs no recovery"_s));
        return;
    }
    switch (method) {
    case Method::Status:
        return m_powerMethods.status(request, reply);
    case Method::ServerInfo:
        return serverInfo(request, reply);
    case Method::Subscribe:
        // The session keeps its own subscriptions and answers subscribe before it gets here.
        return reply(
            Protocol::Reply::failure(request.id, ErrorCode::Internal, u"subscribe is the session's"_s));
    case Method::Power:
        return m_powerMethods.power(caller, request, reply);
    case Method::Audit:
        return m_tokenMethods.auditTail(request, reply);
    case Method::TokenCreate:
        return m_tokenMethods.create(caller, request, reply);
    case Method::TokenList:
        return m_tokenMethods.list(request, reply);
    case Method::TokenRevoke:
        return m_tokenMethods.revoke(caller, request, reply);
    case Method::Nodes:
        return m_nodeMethods.list(request, reply);
    case Method::NodeAssign:
        return m_nodeMethods.assign(caller, request, reply);
    case Method::NodeRename:
        return m_nodeMethods.rename(caller, request, reply);
    case Method::Exec:
        return m_nodeMethods.exec(caller, request, progress, reply);
    case Method::JoinCreate:
        return m_nodeMethods.createJoin(caller, request, reply);
    case Method::InstallStatus:
        return m_installMethods->status(request, reply);
    case Method::InstallPrecheck:
        return m_installMethods->precheck(request, reply);
    case Method::InstallStart:
        return m_installMethods->start(caller, request, reply);
    case Method::InstallReplace:
        return m_installMethods->replace(caller, request, reply);
    case Method::InstallDecide:
        return m_installMethods->decide(caller, request, reply);
    case Method::InstallAddMac:
        return m_installMethods->addMac(caller, request, reply);
    case Method::InstallAbort:
        return m_installMethods->abort(caller, request, reply);
    case Method::RelayConfirm:
        return m_powerMethods.confirmRelay(caller, request, reply);
    case Method::Inventory:
        return m_nodeMethods.inventory(request, reply);
    case Method::Maintenance:
        return m_recoveryMethods->maintenance(caller, request, reply);
    case Method::RecoveryStop:
        return m_recoveryMethods->stop(caller, request, reply);
    }
    reply(Protocol::Reply::failure(request.id, ErrorCode::Internal, u"method without a handler"_s));
}

void RackService::serverInfo(const Protocol::Request &request, const ReplyHandler &reply)
{
    reply(Protocol::Reply::success(request.id,
        {{u"software"_s, u"rackd " PIRACK_VERSION_STRING ""_s}, {u"protocol"_s, Protocol::Version},
            {u"fingerprint"_s, m_fingerprint}}));
}
