// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/recoverymethods.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;
namespace ErrorCode = Protocol::ErrorCode;

RecoveryMethods::RecoveryMethods(
    RecoveryEngine *engine, NodeManager *nodes, PowerController *power, RequestAudit *audit)
    : m_engine(engine)
    , m_nodes(nodes)
    , m_power(power)
    , m_audit(audit)
{ }

void RecoveryMethods::maintenance(
    const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const QJsonObject &params = request.params;
    const auto fail = [&](const QString &code, const QString &message) {
        m_audit->record(caller, request, {}, message);
        reply(Protocol::Reply::failure(request.id, code, message));
    };
    if (!params.value(u"on"_s).isBool())
        return fail(ErrorCode::BadRequest, u"\"on\" must be true or false"_s);
    const bool on = params.value(u"on"_s).toBool();
    const QString reason = params.value(u"reason"_s).toString();
    const bool printable = std::all_of(reason.cbegin(), reason.cend(), [](QChar c) { return c.isPrint(); });
    if (!params.value(u"reason"_s).isUndefined()
        && (!params.value(u"reason"_s).isString() || !printable
            || reason.size() > MaintenanceStore::MaximumReasonLength))
        return fail(ErrorCode::BadRequest,
            u"\"reason\" must be text of at most %1 printable characters"_s.arg(
                MaintenanceStore::MaximumReasonLength));
    const bool hasStack = params.contains(u"stack"_s);
    const bool hasNode = params.contains(u"node"_s);
    if (hasStack == hasNode)
        return fail(
            ErrorCode::BadRequest, u"name either a \"stack\" (its id) or a \"node\" (its name or MAC)"_s);
    int stack = 0;
    QString mac;
    QJsonArray targets;
    if (hasStack) {
        const std::optional<qint64> id = Protocol::wholeNumber(params.value(u"stack"_s), 1, 1000000);
        if (!id || !m_power->structure().stack(int(*id)))
            return fail(ErrorCode::NotFound,
                u"there is no stack %1"_s.arg(params.value(u"stack"_s).toVariant().toString().left(40)));
        stack = int(*id);
        targets.append(stack);
    } else {
        const QString wanted = params.value(u"node"_s).toString();
        for (const NodeRecord &node : m_nodes->inventory()->nodes()) {
            if (node.mac == wanted.toLower() || (!node.name.isEmpty() && node.name == wanted))
                mac = node.mac;
        }
        if (mac.isEmpty())
            return fail(ErrorCode::NotFound,
                u"there is no node \"%1\" (give its name or MAC)"_s.arg(wanted.left(64)));
        targets.append(mac);
    }
    Protocol::Error error;
    if (!m_engine->setMaintenance(caller, stack, mac, on, reason, &error)) {
        m_audit->record(caller, request, targets, error.message);
        reply(Protocol::Reply::failure(request.id, error));
        return;
    }
    m_audit->record(caller, request, targets, u"ok"_s);
    reply(Protocol::Reply::success(
        request.id, stack > 0 ? m_engine->stackJson(stack) : m_engine->nodeJson(mac)));
}

void RecoveryMethods::stop(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const std::optional<qint64> id = Protocol::wholeNumber(request.params.value(u"stack"_s), 1, 1000000);
    if (!id || !m_power->structure().stack(int(*id))) {
        const QString message = u"\"stack\" must be the id of a stack of the rack"_s;
        m_audit->record(caller, request, {}, message);
        reply(Protocol::Reply::failure(request.id, ErrorCode::NotFound, message));
        return;
    }
    Protocol::Error error;
    const bool stopped = m_engine->stop(caller, int(*id), &error);
    m_audit->record(caller, request, {int(*id)}, stopped ? u"ok"_s : error.message);
    if (!stopped) {
        reply(Protocol::Reply::failure(request.id, error));
        return;
    }
    reply(Protocol::Reply::success(request.id, m_engine->stackJson(int(*id))));
}
