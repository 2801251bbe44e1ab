// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "messages.h"

#include <QDebug>
#include <QJsonDocument>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Protocol {

namespace {

bool expectType(const QJsonObject &object, const QString &type, QString *problem)
{
    if (typeOf(object) != type) {
        *problem = u"expected a \"%1\" message"_s.arg(type);
        return false;
    }
    return true;
}

std::optional<QString> requiredString(
    const QJsonObject &object, const QString &key, QString *problem, bool allowEmpty = false)
{
    const QJsonValue value = object.value(key);
    if (!value.isString() || (!allowEmpty && value.toString().isEmpty())) {
        *problem = value.isUndefined() ? u"\"%1\" is missing"_s.arg(key)
                                       : u"\"%1\" must be a non-empty string"_s.arg(key);
        return std::nullopt;
    }
    return value.toString();
}

// JSON numbers are doubles; an id must be a whole number that a double holds exactly.
std::optional<qint64> requiredId(const QJsonObject &object, QString *problem)
{
    const QJsonValue value = object.value(u"id"_s);
    if (value.isUndefined()) {
        *problem = u"\"id\" is missing"_s;
        return std::nullopt;
    }
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 1 || number > double(MaximumRequestId)
        || std::floor(number) != number) {
        *problem = u"\"id\" must be a whole number from 1 to %1"_s.arg(MaximumRequestId);
        return std::nullopt;
    }
    return qint64(number);
}

std::optional<QJsonObject> optionalObject(const QJsonObject &object, const QString &key, QString *problem)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return QJsonObject();
    if (!value.isObject()) {
        *problem = u"\"%1\" must be an object"_s.arg(key);
        return std::nullopt;
    }
    return value.toObject();
}

std::optional<int> requiredProtocol(const QJsonObject &object, QString *problem)
{
    const QJsonValue value = object.value(u"protocol"_s);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 1 || number > 1000000 || std::floor(number) != number) {
        *problem = u"\"protocol\" must be a whole number"_s;
        return std::nullopt;
    }
    return int(number);
}

} // namespace

QString typeOf(const QJsonObject &object) { return object.value(u"type"_s).toString(); }

QJsonObject Error::toJson() const
{
    QJsonObject object {{u"code"_s, code}, {u"message"_s, message}};
    if (!details.isEmpty())
        object.insert(u"details"_s, details);
    return object;
}

std::optional<Error> Error::fromJson(const QJsonObject &object, QString *problem)
{
    const auto code = requiredString(object, u"code"_s, problem);
    const auto message = requiredString(object, u"message"_s, problem, true);
    if (!code || !message)
        return std::nullopt;
    return Error {*code, *message, object.value(u"details"_s).toObject()};
}

QJsonObject Hello::toJson() const
{
    QJsonObject object {{u"type"_s, Type::Hello}, {u"protocol"_s, protocol}, {u"software"_s, software}};
    if (!token.isEmpty())
        object.insert(u"token"_s, token);
    if (!joinSecret.isEmpty())
        object.insert(u"join_secret"_s, joinSecret);
    if (!agent.isEmpty())
        object.insert(u"agent"_s, agent);
    return object;
}

std::optional<Hello> Hello::fromJson(const QJsonObject &object, QString *problem)
{
    if (!expectType(object, Type::Hello, problem))
        return std::nullopt;
    const auto protocol = requiredProtocol(object, problem);
    if (!protocol)
        return std::nullopt;
    Hello hello {*protocol, object.value(u"software"_s).toString(), {}};
    const auto agent = optionalObject(object, u"agent"_s, problem);
    if (!agent)
        return std::nullopt;
    hello.agent = *agent;
    if (object.contains(u"join_secret"_s)) {
        const auto secret = requiredString(object, u"join_secret"_s, problem);
        if (!secret)
            return std::nullopt;
        if (hello.agent.value(u"mac"_s).toString().isEmpty()) {
            *problem = u"a join needs \"agent\" with the node's \"mac\""_s;
            return std::nullopt;
        }
        hello.joinSecret = *secret;
        return hello;
    }
    const auto token = requiredString(object, u"token"_s, problem);
    if (!token)
        return std::nullopt;
    hello.token = *token;
    return hello;
}

QJsonObject Welcome::toJson() const
{
    QJsonObject object {{u"type"_s, Type::Welcome}, {u"protocol"_s, protocol}, {u"software"_s, software},
        {u"token_name"_s, tokenName}, {u"role"_s, role}};
    if (!credential.isEmpty())
        object.insert(u"credential"_s, credential);
    return object;
}

std::optional<Welcome> Welcome::fromJson(const QJsonObject &object, QString *problem)
{
    if (!expectType(object, Type::Welcome, problem))
        return std::nullopt;
    const auto protocol = requiredProtocol(object, problem);
    const auto name = protocol ? requiredString(object, u"token_name"_s, problem) : std::nullopt;
    const auto role = name ? requiredString(object, u"role"_s, problem) : std::nullopt;
    if (!role)
        return std::nullopt;
    return Welcome {*protocol, object.value(u"software"_s).toString(), *name, *role,
        object.value(u"credential"_s).toString()};
}

QJsonObject Request::toJson() const
{
    return {{u"type"_s, Type::Request}, {u"id"_s, double(id)}, {u"method"_s, method}, {u"params"_s, params}};
}

std::optional<Request> Request::fromJson(const QJsonObject &object, QString *problem)
{
    if (!expectType(object, Type::Request, problem))
        return std::nullopt;
    const auto id = requiredId(object, problem);
    const auto method = id ? requiredString(object, u"method"_s, problem) : std::nullopt;
    const auto params = method ? optionalObject(object, u"params"_s, problem) : std::nullopt;
    if (!params)
        return std::nullopt;
    return Request {*id, *method, *params};
}

QJsonObject Reply::toJson() const
{
    QJsonObject object {{u"type"_s, Type::Reply}, {u"id"_s, double(id)}};
    if (error)
        object.insert(u"error"_s, error->toJson());
    else
        object.insert(u"result"_s, result);
    return object;
}

std::optional<Reply> Reply::fromJson(const QJsonObject &object, QString *problem)
{
    if (!expectType(object, Type::Reply, problem))
        return std::nullopt;
    const auto id = requiredId(object, problem);
    if (!id)
        return std::nullopt;
    Reply reply;
    reply.id = *id;
    if (object.contains(u"error"_s)) {
        reply.error = Error::fromJson(object.value(u"error"_s).toObject(), problem);
        if (!reply.error)
            return std::nullopt;
        return reply;
    }
    const auto result = optionalObject(object, u"result"_s, problem);
    if (!result)
        return std::nullopt;
    reply.result = *result;
    return reply;
}

Reply Reply::failure(qint64 id, const QString &code, const QString &message, const QJsonObject &details)
{
    Reply reply;
    reply.id = id;
    reply.error = Error {code, message, details};
    return reply;
}

Reply Reply::failure(qint64 id, const Error &error)
{
    Reply reply;
    reply.id = id;
    reply.error = error;
    return reply;
}

Reply Reply::success(qint64 id, const QJsonObject &result)
{
    Reply reply;
    reply.id = id;
    reply.result = result;
    return reply;
}

QJsonObject Event::toJson() const
{
    return {{u"type"_s, Type::Event}, {u"event"_s, name}, {u"data"_s, data}};
}

std::optional<Event> Event::fromJson(const QJsonObject &object, QString *problem)
{
    if (!expectType(object, Type::Event, problem))
        return std::nullopt;
    const auto name = requiredString(object, u"event"_s, problem);
    const auto data = name ? optionalObject(object, u"data"_s, problem) : std::nullopt;
    if (!data)
        return std::nullopt;
    return Event {*name, *data};
}

QJsonObject connectionError(const QString &code, const QString &message)
{
    return {{u"type"_s, Type::Error}, {u"error"_s, Error {code, message, {}}.toJson()}};
}

std::optional<qint64> wholeNumber(const QJsonValue &value, qint64 lowest, qint64 highest)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!(number >= double(lowest) && number <= double(highest)) || number != double(qint64(number)))
        return std::nullopt;
    return qint64(number);
}

} // namespace Protocol

QDebug operator<<(QDebug debug, const Protocol::Request &request)
{
    QDebugStateSaver saver(debug);
    debug.nospace().noquote() << "Request(" << request.id << ", " << request.method << ", "
                              << QJsonDocument(request.params).toJson(QJsonDocument::Compact) << ')';
    return debug;
}

QDebug operator<<(QDebug debug, const Protocol::Reply &reply)
{
    QDebugStateSaver saver(debug);
    debug.nospace().noquote() << "Reply(" << reply.id << ", ";
    if (reply.error)
        debug << "error " << reply.error->code << ": " << reply.error->message;
    else
        debug << QJsonDocument(reply.result).toJson(QJsonDocument::Compact);
    debug << ')';
    return debug;
}

QDebug operator<<(QDebug debug, const Protocol::Event &event)
{
    QDebugStateSaver saver(debug);
    debug.nospace().noquote() << "Event(" << event.name << ", "
                              << QJsonDocument(event.data).toJson(QJsonDocument::Compact) << ')';
    return debug;
}
