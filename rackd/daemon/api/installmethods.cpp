// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/installmethods.h"

using namespace Qt::Literals::StringLiterals;
namespace ErrorCode = Protocol::ErrorCode;

InstallMethods::InstallMethods(StagedInstall *install, RequestAudit *audit)
    : m_install(install)
    , m_audit(audit)
{ }

QJsonObject InstallMethods::record() const
{
    const std::optional<InstallRecord> record = m_install->record();
    return record ? record->toJson() : QJsonObject {{u"active"_s, false}, {u"outcome"_s, u"none"_s}};
}

void InstallMethods::answer(const Caller &caller, const Protocol::Request &request, const QJsonArray &targets,
    const std::optional<Protocol::Error> &failure, const ReplyHandler &reply)
{
    m_audit->record(caller, request, targets, failure ? failure->message : u"ok"_s);
    reply(failure ? Protocol::Reply::failure(request.id, *failure)
                  : Protocol::Reply::success(request.id, record()));
}

void InstallMethods::status(const Protocol::Request &request, const ReplyHandler &reply)
{
    reply(Protocol::Reply::success(request.id, record()));
}

void InstallMethods::precheck(const Protocol::Request &request, const ReplyHandler &reply)
{
    const QJsonArray checks = m_precheck ? m_precheck() : QJsonArray();
    const bool ready = std::none_of(checks.begin(), checks.end(),
        [](const QJsonValue &check) { return check[u"status"_s].toString() == u"error"; });
    reply(Protocol::Reply::success(request.id, {{u"checks"_s, checks}, {u"ready"_s, ready}}));
}

void InstallMethods::start(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    StagedInstall::StartOptions options;
    options.startedBy = caller.token.name;
    QJsonArray targets;
    const Protocol::Error badStacks {
        ErrorCode::BadRequest, u"\"stacks\" must be \"all\" or a list of stack ids"_s};
    const QJsonValue stacks = request.params.value(u"stacks"_s);
    if (stacks.isArray()) {
        for (const QJsonValue &value : stacks.toArray()) {
            const std::optional<qint64> id = Protocol::wholeNumber(value, 1, 1000000);
            if (!id)
                return answer(caller, request, targets, badStacks, reply);
            options.stacks.append(int(*id));
            targets.append(int(*id));
        }
    } else if (!stacks.isUndefined() && stacks.toString() != u"all") {
        return answer(caller, request, targets, badStacks, reply);
    }
    const QJsonValue timeout = request.params.value(u"stack_timeout_s"_s);
    if (!timeout.isUndefined()) {
        if (!(timeout.toDouble(-1) >= 1 && timeout.toDouble() <= 3600))
            return answer(caller, request, targets,
                Protocol::Error {ErrorCode::BadRequest, u"\"stack_timeout_s\" must be from 1 to 3600"_s},
                reply);
        options.stackTimeout = std::chrono::milliseconds(qint64(timeout.toDouble() * 1000));
    }
    Protocol::Error error;
    const bool started = m_install->start(options, &error);
    answer(caller, request, targets, started ? std::nullopt : std::optional(error), reply);
}

void InstallMethods::replace(
    const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const std::optional<qint64> stack = Protocol::wholeNumber(request.params.value(u"stack"_s), 1, 1000000);
    const std::optional<qint64> slot = Protocol::wholeNumber(request.params.value(u"slot"_s), 1, 1000000);
    const QJsonArray targets {u"stack %1 slot %2"_s.arg(request.params.value(u"stack"_s).toDouble())
                                  .arg(request.params.value(u"slot"_s).toDouble())};
    if (!stack || !slot)
        return answer(caller, request, targets,
            Protocol::Error {ErrorCode::BadRequest, u"\"stack\" and \"slot\" must be whole numbers"_s},
            reply);
    Protocol::Error error;
    const bool started = m_install->replace(int(*stack), int(*slot), caller.token.name, &error);
    answer(caller, request, targets, started ? std::nullopt : std::optional(error), reply);
}

void InstallMethods::decide(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const std::optional<StagedInstall::Decision> decision
        = StagedInstall::decisionFromName(request.params.value(u"decision"_s).toString());
    if (!decision)
        return answer(caller, request, {},
            Protocol::Error {ErrorCode::BadRequest, u"\"decision\" must be retry, skip or accept"_s}, reply);
    Protocol::Error error;
    const bool decided = m_install->decide(*decision, &error);
    answer(caller, request, {}, decided ? std::nullopt : std::optional(error), reply);
}

void InstallMethods::addMac(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const QString mac = request.params.value(u"mac"_s).toString();
    Protocol::Error error;
    const bool added = m_install->addMac(mac, &error);
    answer(caller, request, {mac}, added ? std::nullopt : std::optional(error), reply);
}

void InstallMethods::abort(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    Protocol::Error error;
    const bool aborted = m_install->abort(caller.token.name, &error);
    answer(caller, request, {}, aborted ? std::nullopt : std::optional(error), reply);
}
