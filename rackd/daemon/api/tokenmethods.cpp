// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/tokenmethods.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;
namespace ErrorCode = Protocol::ErrorCode;

TokenMethods::TokenMethods(TokenStore *tokens, RequestAudit *audit)
    : m_tokens(tokens)
    , m_audit(audit)
{ }

void TokenMethods::create(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
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
    m_audit->record(caller, request, {name}, token ? u"ok"_s : error.message);
    if (!token) {
        reply(Protocol::Reply::failure(request.id, error));
        return;
    }
    reply(Protocol::Reply::success(
        request.id, {{u"name"_s, name}, {u"role"_s, roleName(*role)}, {u"token"_s, *token}}));
}

void TokenMethods::list(const Protocol::Request &request, const ReplyHandler &reply)
{
    QJsonArray tokens;
    for (const TokenInfo &info : m_tokens->tokens()) {
        tokens.append(QJsonObject {{u"name"_s, info.name}, {u"role"_s, roleName(info.role)},
            {u"created"_s, info.created.toString(Qt::ISODate)}});
    }
    reply(Protocol::Reply::success(request.id, {{u"tokens"_s, tokens}}));
}

void TokenMethods::revoke(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const QString name = request.params.value(u"name"_s).toString();
    Protocol::Error error;
    const bool revoked = m_tokens->revoke(name, &error);
    m_audit->record(caller, request, {name}, revoked ? u"ok"_s : error.message);
    if (!revoked) {
        reply(Protocol::Reply::failure(request.id, error));
        return;
    }
    reply(Protocol::Reply::success(request.id, {{u"name"_s, name}}));
}

void TokenMethods::auditTail(const Protocol::Request &request, const ReplyHandler &reply)
{
    const QJsonValue last = request.params.value(u"last"_s);
    const double count = last.isUndefined() ? 20 : last.toDouble(-1);
    if (count < 1 || count > 10000 || count != double(int(count))) {
        reply(Protocol::Reply::failure(
            request.id, ErrorCode::BadRequest, u"\"last\" must be a number from 1 to 10000"_s));
        return;
    }
    QJsonArray entries;
    for (const QJsonObject &entry : m_audit->log()->last(int(count)))
        entries.append(entry);
    reply(Protocol::Reply::success(request.id, {{u"entries"_s, entries}}));
}
