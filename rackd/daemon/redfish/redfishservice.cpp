// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "redfishservice.h"

#include "auththrottle.h"
#include "daemonlogging.h"
#include "nodemanager.h"
#include "powercontroller.h"
#include "protocol/secrets.h"
#include "protocol/vocabulary.h"
#include "rackservice.h"
#include "tokenstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;
using Protocol::Method;
using Protocol::NodeAction;
using Protocol::PowerAction;

namespace {

/// The Base message registry version the MessageIds name.
constexpr char BaseRegistry[] = "Base.1.22.";
const QString Root = u"/redfish/v1"_s;
const QString SessionsPath = u"/redfish/v1/SessionService/Sessions"_s;
const QString AccountsPath = u"/redfish/v1/AccountService/Accounts"_s;
const QString TaskMonitorsPath = u"/redfish/v1/TaskService/TaskMonitors"_s;
const QString SystemResetSuffix = u"/Actions/ComputerSystem.Reset"_s;
const QString ChassisResetSuffix = u"/Actions/Chassis.Reset"_s;
constexpr qint64 FinishedTaskKeptMs = 10 * 60 * 1000;
constexpr int MaximumTasks = 256;

/// The request's path, percent-decoded and without trailing slashes ("/redfish/v1/" is the root).
QString decodedPath(const QByteArray &raw)
{
    QString path = QUrl::fromPercentEncoding(raw);
    while (path.size() > 1 && path.endsWith(u'/'))
        path.chop(1);
    return path;
}

QString roleId(Protocol::Role role)
{
    switch (role) {
    case Protocol::Role::Admin:
        return u"Administrator"_s;
    case Protocol::Role::Operator:
        return u"Operator"_s;
    case Protocol::Role::Viewer:
        return u"ReadOnly"_s;
    }
    return u"ReadOnly"_s;
}

HttpResponse notAllowed(const QString &path, const QByteArray &method, const QByteArray &allow)
{
    HttpResponse response = RedfishService::error(405, u"OperationNotAllowed"_s,
        u"%1 does not take %2; it takes %3"_s.arg(
            path.left(200), QString::fromLatin1(method), QString::fromLatin1(allow)));
    response.headers.emplaceBack("Allow", allow);
    return response;
}

HttpResponse notFound(const QString &path)
{
    return RedfishService::error(404, u"ResourceNotFound"_s,
        u"nothing is at %1 on this rackd"_s.arg(path.left(200)),
        u"Start from /redfish/v1 and follow its links."_s);
}

/// The JSON object of a request's body; or the answer to a body that is not one.
std::optional<HttpResponse> readBody(const HttpRequest &request, QJsonObject *object)
{
    const QByteArray type = request.header("content-type").toLower();
    if (!type.isEmpty() && !type.startsWith("application/json"))
        return RedfishService::error(415, u"GeneralError"_s,
            u"the body must be application/json, not %1"_s.arg(QString::fromLatin1(type.left(100))));
    if (request.body.trimmed().isEmpty()) {
        *object = {};
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return RedfishService::error(400, u"MalformedJSON"_s,
            u"the body is not JSON: %1 at byte %2"_s.arg(parseError.errorString()).arg(parseError.offset));
    if (!document.isObject())
        return RedfishService::error(400, u"MalformedJSON"_s, u"the body must be a JSON object"_s);
    *object = document.object();
    return std::nullopt;
}

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return u"a boolean"_s;
    case QJsonValue::Double:
        return u"a number"_s;
    case QJsonValue::String:
        return u"a string"_s;
    case QJsonValue::Array:
        return u"an array"_s;
    case QJsonValue::Object:
        return u"an object"_s;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return u"null"_s;
}

HttpResponse noContent() { return {204, {{"OData-Version", "4.0"}, {"Cache-Control", "no-cache"}}, {}}; }

/// The failures among an exec reply's per-node results; empty when every node did it.
QStringList execFailures(const Protocol::Reply &reply)
{
    QStringList failures;
    for (const QJsonValue &result : reply.result.value(u"results"_s).toArray()) {
        if (result[u"outcome"_s].toString() != u"ok")
            failures.append(u"%1: %2"_s.arg(
                result[u"name"_s].toString(), result[u"error"_s].toString(result[u"outcome"_s].toString())));
    }
    return failures;
}

} // namespace

RedfishService::RedfishService(RackService *service, TokenStore *tokens, RedfishResources::Sources sources,
    Settings settings, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_tokens(tokens)
    , m_throttle(&service->authenticator()->throttle())
    , m_settings(settings)
    , m_resources([this, &sources] {
        sources.identifying = [this](const QString &mac) { return isIdentifying(mac); };
        return sources;
    }())
    , m_sessions(settings.sessionTimeout)
{
    m_clock.start();
}

bool RedfishService::isRedfishPath(const QByteArray &path)
{
    return path == "/redfish" || path.startsWith("/redfish/");
}

bool RedfishService::isIdentifying(const QString &mac) const
{
    return m_identifyingUntilMs.value(mac, -1) > m_clock.elapsed();
}

HttpResponse RedfishService::error(
    int status, const QString &id, const QString &message, const QString &resolution)
{
    const QString messageId = QString::fromLatin1(BaseRegistry) + id;
    // Both severities: MessageSeverity is the current property, Severity the deprecated one that
    // clients such as sushy 4.x still read.
    QJsonObject info {{u"@odata.type"_s, u"#Message.v1_1_1.Message"_s}, {u"MessageId"_s, messageId},
        {u"Message"_s, message}, {u"MessageSeverity"_s, u"Critical"_s}, {u"Severity"_s, u"Critical"_s}};
    if (!resolution.isEmpty())
        info.insert(u"Resolution"_s, resolution);
    return json(status,
        {{u"error"_s,
            QJsonObject {{u"code"_s, messageId}, {u"message"_s, message},
                {u"@Message.ExtendedInfo"_s, QJsonArray {info}}}}});
}

HttpResponse RedfishService::json(int status, const QJsonObject &body)
{
    return {status,
        {{"Content-Type", "application/json; charset=utf-8"}, {"OData-Version", "4.0"},
            {"Cache-Control", "no-cache"}},
        QJsonDocument(body).toJson(QJsonDocument::Compact)};
}

QString RedfishService::sourceOf(const QHostAddress &peer) { return u"%1 (redfish)"_s.arg(peer.toString()); }

void RedfishService::handle(
    const HttpRequest &request, const QHostAddress &peer, const HttpServer::Respond &respond)
{
    const QString path = decodedPath(request.path);
    const bool read = request.method == "GET" || request.method == "HEAD";
    // HEAD is GET without the body.
    const HttpServer::Respond answer = request.method == "HEAD"
        ? HttpServer::Respond([respond](HttpResponse response) {
              response.headersOnly = true;
              respond(response);
          })
        : respond;

    // DSP0266 §7.3: a query option the service does not support is a 501, not silently ignored.
    for (const auto &[key, value] :
        QUrlQuery(QString::fromUtf8(request.query)).queryItems(QUrl::FullyDecoded)) {
        if (key.startsWith(u'$') || key == u"only" || key == u"excerpt" || key == u"includeoriginofcondition")
            return answer(error(501, u"QueryNotSupported"_s,
                u"this service takes no query options (%1 was given): $expand, $select, $filter and the "
                "rest are not supported"_s.arg(key.left(40))));
    }

    // The service root and the OData documents are open to all (DSP0266 §13.3.1): a client finds
    // out what this is before it logs in.
    if (path == u"/redfish" || path == Root || path == Root + u"/odata"_s || path == Root + u"/$metadata"_s) {
        if (!read)
            return answer(notAllowed(path, request.method, "GET, HEAD"));
        if (path == u"/redfish")
            return answer(json(200, {{u"v1"_s, QString(Root + u'/')}}));
        if (path == Root + u"/$metadata"_s)
            return answer({200,
                {{"Content-Type", "application/xml; charset=utf-8"}, {"OData-Version", "4.0"},
                    {"Cache-Control", "no-cache"}},
                RedfishResources::metadataDocument()});
        return answer(json(200, *m_resources.resource(path)));
    }
    if (path == SessionsPath && request.method == "POST")
        return login(request, peer, answer);

    Who who;
    std::chrono::milliseconds wait {0};
    const Auth outcome = authenticate(request, peer, &who, &wait);
    if (const auto refusal = refuseUnauthenticated(outcome, request, peer, wait))
        return answer(*refusal);
    route(request, path, who, answer);
}

RedfishService::Auth RedfishService::authenticate(
    const HttpRequest &request, const QHostAddress &peer, Who *who, std::chrono::milliseconds *wait)
{
    const QByteArray sessionToken = request.header("x-auth-token");
    const QByteArray authorization = request.header("authorization");
    QString userName;
    QString secret;
    if (!sessionToken.isEmpty()) {
        secret = QString::fromLatin1(sessionToken);
    } else if (authorization.left(6).toLower() == "basic ") {
        const auto decoded = QByteArray::fromBase64Encoding(authorization.mid(6).trimmed());
        const qsizetype colon = decoded.decoded.indexOf(':');
        if (!decoded || colon < 0)
            return Auth::Wrong;
        userName = QString::fromUtf8(decoded.decoded.left(colon));
        secret = QString::fromUtf8(decoded.decoded.mid(colon + 1));
    } else if (authorization.left(7).toLower() == "bearer ") {
        secret = QString::fromLatin1(authorization.mid(7).trimmed());
    } else {
        return Auth::Missing;
    }

    *wait = m_throttle->admit(peer);
    if (wait->count() > 0)
        return Auth::Throttled;
    std::optional<TokenInfo> token;
    if (!sessionToken.isEmpty()) {
        if (const auto session = m_sessions.use(secret)) {
            token = m_tokens->byHash(session->tokenHash);
            if (token)
                who->sessionId = session->id;
            else
                m_sessions.remove(session->id); // its token was revoked
        }
    } else {
        token = m_tokens->authenticate(secret);
        // Basic's user name: "pirack" for any token, or the token's own name.
        if (token && userName != u"pirack" && !userName.isNull() && userName != token->name)
            token.reset();
    }
    if (!token) {
        m_throttle->recordFailure(peer);
        return Auth::Wrong;
    }
    m_throttle->recordSuccess(peer);
    who->caller.token = *token;
    who->caller.source = sourceOf(peer);
    return Auth::Granted;
}

std::optional<HttpResponse> RedfishService::refuseUnauthenticated(
    Auth outcome, const HttpRequest &request, const QHostAddress &peer, std::chrono::milliseconds wait)
{
    const qint64 seconds = (wait.count() + 999) / 1000;
    switch (outcome) {
    case Auth::Granted:
        return std::nullopt;
    case Auth::Throttled: {
        HttpResponse response = error(429, u"ServiceTemporarilyUnavailable"_s,
            u"too many failed logins from this address; try again in %1 s"_s.arg(seconds));
        response.headers.emplaceBack("Retry-After", QByteArray::number(seconds));
        return response;
    }
    case Auth::Missing:
    case Auth::Wrong:
        break;
    }
    qCInfo(lcRedfish).noquote() << "refused" << request.method << decodedPath(request.path).left(200) << "to"
                                << peer.toString()
                                << (outcome == Auth::Missing ? "(no credentials)" : "(wrong credentials)");
    HttpResponse response
        = error(401, outcome == Auth::Missing ? u"NoValidSession"_s : u"ResourceAtUriUnauthorized"_s,
            outcome == Auth::Missing
                ? u"this needs credentials: HTTP Basic (user \"pirack\" or the token's name, "
                  "the rackd token as the password), or the X-Auth-Token of a session"_s
                : u"the credentials are not valid (a revoked token, or a session that "
                  "ended or timed out)"_s,
            u"Log in with POST /redfish/v1/SessionService/Sessions, or send HTTP Basic."_s);
    response.headers.emplaceBack("WWW-Authenticate", "Basic realm=\"pirack\", charset=\"UTF-8\"");
    return response;
}

void RedfishService::route(
    const HttpRequest &request, const QString &path, const Who &who, const HttpServer::Respond &respond)
{
    const QByteArray &method = request.method;
    const bool read = method == "GET" || method == "HEAD";

    if (path.startsWith(TaskMonitorsPath + u'/')) {
        if (!read)
            return respond(notAllowed(path, method, "GET, HEAD"));
        return taskMonitor(path.mid(TaskMonitorsPath.size() + 1), respond);
    }
    if (path == Root + u"/SessionService"_s) {
        if (!read)
            return respond(notAllowed(path, method, "GET, HEAD"));
        return respond(json(200,
            {{u"@odata.type"_s, u"#SessionService.v1_1_8.SessionService"_s}, {u"@odata.id"_s, path},
                {u"Id"_s, u"SessionService"_s}, {u"Name"_s, u"Session Service"_s},
                {u"ServiceEnabled"_s, true}, {u"SessionTimeout"_s, qint64(m_sessions.idleTimeout().count())},
                {u"Sessions"_s, QJsonObject {{u"@odata.id"_s, SessionsPath}}}}));
    }
    if (path == SessionsPath) {
        if (!read)
            return respond(notAllowed(path, method, "GET, HEAD, POST"));
        QJsonArray members;
        for (const RedfishSessions::Session &session : m_sessions.sessions()) {
            if (who.caller.token.role == Protocol::Role::Admin || session.tokenHash == who.caller.token.hash)
                members.append(QJsonObject {{u"@odata.id"_s, QString(SessionsPath + u'/' + session.id)}});
        }
        return respond(json(200,
            {{u"@odata.type"_s, u"#SessionCollection.SessionCollection"_s}, {u"@odata.id"_s, path},
                {u"Name"_s, u"Sessions"_s}, {u"Members@odata.count"_s, members.size()},
                {u"Members"_s, members}}));
    }
    if (path.startsWith(SessionsPath + u'/'))
        return sessionRequest(request, path.mid(SessionsPath.size() + 1), who, respond);
    if (path == Root + u"/AccountService"_s || path.startsWith(Root + u"/AccountService/"_s)) {
        const std::optional<QJsonObject> account = accountResource(path, who);
        if (!account)
            return respond(notFound(path));
        if (!read) {
            HttpResponse response = notAllowed(path, method, "GET, HEAD");
            return respond(response);
        }
        return respond(json(200, *account));
    }

    // Actions.
    const QString systemsPrefix = QString::fromLatin1(RedfishResources::SystemsPath) + u'/';
    const QString chassisPrefix = QString::fromLatin1(RedfishResources::ChassisPath) + u'/';
    const bool systemReset = path.startsWith(systemsPrefix) && path.endsWith(SystemResetSuffix);
    const bool chassisReset = path.startsWith(chassisPrefix) && path.endsWith(ChassisResetSuffix);
    if (systemReset || chassisReset) {
        const QString id = path.mid(systemReset ? systemsPrefix.size() : chassisPrefix.size())
                               .chopped(systemReset ? SystemResetSuffix.size() : ChassisResetSuffix.size());
        const std::optional<NodeRecord> node = systemReset ? m_resources.nodeNamed(id) : std::nullopt;
        const int stack = chassisReset ? m_resources.stackOfChassisId(id) : 0;
        if (!node && stack == 0)
            return respond(notFound(path));
        if (method != "POST")
            return respond(notAllowed(path, method, "POST"));
        if (!mayChange(who, request, u"power"_s, respond))
            return;
        QJsonObject body;
        if (const auto refusal = readBody(request, &body))
            return respond(*refusal);
        const QStringList allowed
            = systemReset ? RedfishResources::systemResetTypes() : RedfishResources::chassisResetTypes();
        for (auto it = body.constBegin(); it != body.constEnd(); ++it) {
            if (it.key() != u"ResetType")
                return respond(error(400, u"ActionParameterUnknown"_s,
                    u"the action has no parameter %1; it takes ResetType"_s.arg(it.key().left(100))));
        }
        if (!body.contains(u"ResetType"_s))
            return respond(error(400, u"ActionParameterMissing"_s,
                u"the action needs ResetType: %1"_s.arg(allowed.join(u", "_s))));
        const QJsonValue resetType = body.value(u"ResetType"_s);
        if (!resetType.isString())
            return respond(error(400, u"ActionParameterValueTypeError"_s,
                u"ResetType must be a string, not %1"_s.arg(jsonTypeName(resetType))));
        if (!allowed.contains(resetType.toString()))
            return respond(error(400, u"ActionParameterValueNotInList"_s,
                u"ResetType %1 is not offered here; it is one of %2"_s.arg(
                    resetType.toString().left(100), allowed.join(u", "_s))));
        if (node)
            return resetSystem(*node, resetType.toString(), who, respond);
        return resetChassis(stack, resetType.toString(), who, respond);
    }

    const std::optional<QJsonObject> resource = m_resources.resource(path);
    if (!resource)
        return respond(notFound(path));
    const std::optional<NodeRecord> node = path.startsWith(systemsPrefix)
        ? m_resources.nodeNamed(path.mid(systemsPrefix.size()))
        : std::nullopt;
    const int stack
        = path.startsWith(chassisPrefix) ? m_resources.stackOfChassisId(path.mid(chassisPrefix.size())) : 0;
    const bool patchable = node || stack != 0;
    const QByteArray allow = patchable ? "GET, HEAD, PATCH" : "GET, HEAD";
    if (read) {
        HttpResponse response = json(200, *resource);
        response.headers.emplaceBack("Allow", allow);
        if (patchable)
            response.headers.emplaceBack("ETag", RedfishResources::etag(*resource));
        return respond(response);
    }
    if (method != "PATCH" || !patchable)
        return respond(notAllowed(path, method, allow));
    if (!mayChange(who, request, u"exec"_s, respond))
        return;
    QStringList macs;
    if (node) {
        macs.append(node->mac);
    } else {
        for (const NodeRecord &record : m_service->nodes()->inventory()->nodes()) {
            if (record.stack == stack && !record.name.isEmpty())
                macs.append(record.mac);
        }
    }
    patchIndicator(request, path, *resource, macs, who, respond);
}

bool RedfishService::mayChange(
    const Who &who, const HttpRequest &request, const QString &method, const HttpServer::Respond &respond)
{
    // Before anything else: a viewer learns nothing of the rack's state from trying, and a change
    // that would do nothing is refused as surely as one that would.
    const Protocol::Role needed = Protocol::requiredRole(*Protocol::fromName<Method>(method));
    if (who.caller.token.role >= needed)
        return true;
    m_service->audit()->refused(who.caller,
        Protocol::Request {
            0, method, QJsonObject {{u"redfish"_s, QString::fromUtf8(request.path.left(200))}}});
    respond(error(403, u"InsufficientPrivilege"_s,
        u"%1 %2 needs the %3 role; the token \"%4\" is %5"_s.arg(QString::fromLatin1(request.method),
            decodedPath(request.path).left(200), Protocol::roleName(needed), who.caller.token.name,
            Protocol::roleName(who.caller.token.role)),
        u"Use a token with the operator role (rackctl token create NAME --role operator)."_s));
    return false;
}

void RedfishService::login(
    const HttpRequest &request, const QHostAddress &peer, const HttpServer::Respond &respond)
{
    QJsonObject body;
    if (const auto refusal = readBody(request, &body))
        return respond(*refusal);
    for (auto it = body.constBegin(); it != body.constEnd(); ++it) {
        if (it.key() != u"UserName" && it.key() != u"Password")
            return respond(error(400, u"PropertyUnknown"_s,
                u"a login has UserName and Password, not %1"_s.arg(it.key().left(100))));
        if (!it.value().isString())
            return respond(error(400, u"PropertyValueTypeError"_s,
                u"%1 must be a string, not %2"_s.arg(it.key(), jsonTypeName(it.value()))));
    }
    if (!body.contains(u"UserName"_s) || !body.contains(u"Password"_s))
        return respond(error(400, u"PropertyMissing"_s,
            u"a login needs UserName (\"pirack\" or the token's name) and Password (the rackd token)"_s));

    const std::chrono::milliseconds wait = m_throttle->admit(peer);
    if (wait.count() > 0)
        return respond(*refuseUnauthenticated(Auth::Throttled, request, peer, wait));
    const QString userName = body.value(u"UserName"_s).toString();
    std::optional<TokenInfo> token = m_tokens->authenticate(body.value(u"Password"_s).toString());
    if (token && userName != u"pirack" && userName != token->name)
        token.reset();
    if (!token) {
        m_throttle->recordFailure(peer);
        qCInfo(lcRedfish).noquote() << "login refused to" << peer.toString() << "as" << userName.left(64);
        HttpResponse refused = error(401, u"ResourceAtUriUnauthorized"_s,
            u"the user name or token is wrong"_s,
            u"UserName is \"pirack\" or the token's name; Password is a token from rackctl token create."_s);
        refused.headers.emplaceBack("WWW-Authenticate", "Basic realm=\"pirack\", charset=\"UTF-8\"");
        return respond(refused);
    }
    m_throttle->recordSuccess(peer);

    QString authToken;
    const RedfishSessions::Session session = m_sessions.create(*token, sourceOf(peer), &authToken);
    Caller caller {*token, sourceOf(peer)};
    m_service->audit()->record(caller,
        Protocol::Request {0, u"redfish.login"_s, QJsonObject {{u"session"_s, session.id}}}, {}, u"ok"_s);
    HttpResponse response = json(201, sessionResource(session));
    response.headers.emplaceBack("X-Auth-Token", authToken.toLatin1());
    response.headers.emplaceBack("Location", (SessionsPath + u'/' + session.id).toLatin1());
    respond(response);
}

QJsonObject RedfishService::sessionResource(const RedfishSessions::Session &session) const
{
    return {{u"@odata.type"_s, u"#Session.v1_6_0.Session"_s},
        {u"@odata.id"_s, QString(SessionsPath + u'/' + session.id)}, {u"Id"_s, session.id},
        {u"Name"_s, u"User Session"_s}, {u"UserName"_s, session.userName},
        {u"CreatedTime"_s, session.created.toString(Qt::ISODate)}, {u"SessionType"_s, u"Redfish"_s}};
}

void RedfishService::sessionRequest(
    const HttpRequest &request, const QString &id, const Who &who, const HttpServer::Respond &respond)
{
    const QString path = SessionsPath + u'/' + id;
    const std::optional<RedfishSessions::Session> session = m_sessions.find(id);
    // Another token's session is not there, for anyone but an admin.
    if (!session
        || (who.caller.token.role != Protocol::Role::Admin && session->tokenHash != who.caller.token.hash))
        return respond(notFound(path));
    if (request.method == "GET" || request.method == "HEAD")
        return respond(json(200, sessionResource(*session)));
    if (request.method != "DELETE")
        return respond(notAllowed(path, request.method, "GET, HEAD, DELETE"));
    m_sessions.remove(id);
    m_service->audit()->record(who.caller,
        Protocol::Request {0, u"redfish.logout"_s, QJsonObject {{u"session"_s, id}}}, {}, u"ok"_s);
    respond(noContent());
}

std::optional<QJsonObject> RedfishService::accountResource(const QString &path, const Who &who) const
{
    const QString servicePath = Root + u"/AccountService"_s;
    if (path == servicePath) {
        return QJsonObject {{u"@odata.type"_s, u"#AccountService.v1_13_0.AccountService"_s},
            {u"@odata.id"_s, path}, {u"Id"_s, u"AccountService"_s}, {u"Name"_s, u"Account Service"_s},
            {u"Description"_s,
                u"rackd's tokens, read-only here: rackctl token create / revoke manages them"_s},
            {u"ServiceEnabled"_s, true}, {u"LocalAccountAuth"_s, u"Enabled"_s},
            {u"Accounts"_s, QJsonObject {{u"@odata.id"_s, AccountsPath}}}};
    }
    // A token that is not an admin sees itself only, as token.list is an admin's.
    QList<TokenInfo> visible;
    for (const TokenInfo &token : m_tokens->tokens()) {
        if (who.caller.token.role == Protocol::Role::Admin || token.name == who.caller.token.name)
            visible.append(token);
    }
    if (path == AccountsPath) {
        QJsonArray members;
        for (const TokenInfo &token : visible)
            members.append(QJsonObject {{u"@odata.id"_s, QString(AccountsPath + u'/' + token.name)}});
        return QJsonObject {{u"@odata.type"_s, u"#ManagerAccountCollection.ManagerAccountCollection"_s},
            {u"@odata.id"_s, path}, {u"Name"_s, u"Accounts"_s}, {u"Members@odata.count"_s, members.size()},
            {u"Members"_s, members}};
    }
    for (const TokenInfo &token : visible) {
        if (path == AccountsPath + u'/' + token.name) {
            return QJsonObject {{u"@odata.type"_s, u"#ManagerAccount.v1_10_0.ManagerAccount"_s},
                {u"@odata.id"_s, path}, {u"Id"_s, token.name}, {u"Name"_s, u"rackd token"_s},
                {u"UserName"_s, token.name}, {u"RoleId"_s, roleId(token.role)}, {u"Enabled"_s, true},
                {u"Locked"_s, false}, {u"Password"_s, QJsonValue::Null}};
        }
    }
    return std::nullopt;
}

void RedfishService::patchIndicator(const HttpRequest &request, const QString &path,
    const QJsonObject &current, const QStringList &macs, const Who &who, const HttpServer::Respond &respond)
{
    const QByteArray ifMatch = request.header("if-match");
    if (!ifMatch.isEmpty() && !RedfishResources::etagMatches(ifMatch, current))
        return respond(error(412, u"PreconditionFailed"_s,
            u"%1 changed since it was read (If-Match %2, now %3)"_s.arg(path,
                QString::fromLatin1(ifMatch.left(60)),
                QString::fromLatin1(RedfishResources::etag(current)))));
    QJsonObject body;
    if (const auto refusal = readBody(request, &body))
        return respond(*refusal);
    std::optional<bool> wanted;
    for (auto it = body.constBegin(); it != body.constEnd(); ++it) {
        const QString &key = it.key();
        const QJsonValue &value = it.value();
        std::optional<bool> asked;
        if (key == u"LocationIndicatorActive") {
            if (!value.isBool())
                return respond(error(400, u"PropertyValueTypeError"_s,
                    u"LocationIndicatorActive must be a boolean, not %1"_s.arg(jsonTypeName(value))));
            asked = value.toBool();
        } else if (key == u"IndicatorLED") {
            if (!value.isString())
                return respond(error(400, u"PropertyValueTypeError"_s,
                    u"IndicatorLED must be a string, not %1"_s.arg(jsonTypeName(value))));
            if (value.toString() != u"Blinking" && value.toString() != u"Off")
                return respond(error(400, u"PropertyValueNotInList"_s,
                    u"IndicatorLED %1 is not offered: a Pi's LED is Blinking or Off"_s.arg(
                        value.toString().left(60))));
            asked = value.toString() == u"Blinking";
        } else if (key.startsWith(u"@odata.")) {
            continue;
        } else if (current.contains(key)) {
            return respond(error(400, u"PropertyNotWritable"_s,
                u"%1 is read-only; LocationIndicatorActive is what a PATCH may change here"_s.arg(key)));
        } else {
            return respond(
                error(400, u"PropertyUnknown"_s, u"%1 has no property %2"_s.arg(path, key.left(100))));
        }
        if (wanted && asked != wanted)
            return respond(error(400, u"GeneralError"_s,
                u"LocationIndicatorActive and IndicatorLED ask for different things"_s));
        wanted = asked;
    }
    if (!wanted)
        return respond(error(400, u"GeneralError"_s,
            u"the PATCH changes nothing: LocationIndicatorActive is the one writable property"_s));

    QStringList targets;
    for (const QString &mac : macs) {
        const bool running = m_service->nodes()->state(mac) == NodeManager::State::Up;
        if (*wanted ? running : isIdentifying(mac))
            targets.append(mac);
    }
    if (targets.isEmpty()) {
        if (!*wanted)
            return respond(json(200, current));
        return respond(error(409, u"ResourceInUse"_s,
            u"no Pi of %1 runs its agent now: an LED blinks only on a running Pi"_s.arg(path)));
    }
    // Off: the agent blinks for a moment more and gives the LED back (asked again, it blinks this long).
    const double seconds = *wanted ? double(m_settings.identifyDuration.count()) : 0.1;
    const QJsonObject params {{u"action"_s, Protocol::name(NodeAction::Identify)}, {u"duration_s"_s, seconds},
        {u"targets"_s, QJsonArray::fromStringList(targets)}};
    const bool on = *wanted;
    run(
        who, Protocol::name(Method::Exec), params,
        [this, path, on](const Protocol::Reply &reply) {
            for (const QJsonValue &result : reply.result.value(u"results"_s).toArray()) {
                const QString mac = result[u"mac"_s].toString();
                if (result[u"outcome"_s].toString() == u"ok" && on)
                    m_identifyingUntilMs.insert(
                        mac, m_clock.elapsed() + m_settings.identifyDuration.count() * 1000);
                else if (!on)
                    m_identifyingUntilMs.remove(mac);
            }
            const QStringList failures = execFailures(reply);
            if (!failures.isEmpty())
                return error(500, u"GeneralError"_s, u"identify failed on %1"_s.arg(failures.join(u"; "_s)));
            const QJsonObject changed = m_resources.resource(path).value_or(QJsonObject {});
            HttpResponse response = json(200, changed);
            response.headers.emplaceBack("ETag", RedfishResources::etag(changed));
            return response;
        },
        respond);
}

QStringList RedfishService::runningPisOfStack(int stack, const QString &exceptMac) const
{
    QStringList running;
    for (const NodeRecord &record : m_service->nodes()->inventory()->nodes()) {
        if (record.stack != stack || record.mac == exceptMac)
            continue;
        const NodeManager::State state = m_service->nodes()->state(record.mac);
        // Unknown is a Pi not heard from since rackd started: it may well run.
        if (state != NodeManager::State::Down)
            running.append(u"%1 (%2)"_s.arg(
                record.name.isEmpty() ? record.mac : record.name, NodeManager::stateName(state)));
    }
    return running;
}

void RedfishService::resetSystem(
    const NodeRecord &node, const QString &resetType, const Who &who, const HttpServer::Respond &respond)
{
    const int stack = *node.stack;
    PowerController *power = m_resources.sources().power;
    const std::optional<bool> relay = power->relayState(stack);
    const NodeManager::State state = m_service->nodes()->state(node.mac);
    const bool running = relay != false && state != NodeManager::State::Down;

    const auto exec = [&](NodeAction action) {
        run(
            who, Protocol::name(Method::Exec),
            {{u"action"_s, Protocol::name(action)}, {u"targets"_s, QJsonArray {node.mac}}},
            [](const Protocol::Reply &reply) {
                const QStringList failures = execFailures(reply);
                return failures.isEmpty() ? noContent()
                                          : error(500, u"GeneralError"_s, failures.join(u"; "_s));
            },
            respond);
    };
    const auto switchStack = [&](PowerAction action) {
        // An unknown relay (a failed command) may well be on: the Pis' agents say more than it does.
        if (relay != false && !m_settings.sharedPowerAllowed) {
            const QStringList others = runningPisOfStack(stack, node.mac);
            if (!others.isEmpty())
                return respond(error(409, u"ResourceInUse"_s,
                    // Ansible and sushy show the Message alone: it says what to do, too.
                    u"%1 of %2 switches the relay of stack %3, which also feeds %4: shut those down "
                    "first, or reset Chassis Stack%3"_s.arg(resetType, node.name)
                        .arg(stack)
                        .arg(others.join(u", "_s)),
                    u"Shut those Pis down first (GracefulShutdown), reset the whole stack through "
                    "/redfish/v1/Chassis/Stack%1, or set redfish_shared_power = allow in rackd.conf."_s.arg(
                        stack)));
        }
        run(
            who, Protocol::name(Method::Power),
            {{u"action"_s, Protocol::name(action)}, {u"stacks"_s, QJsonArray {stack}},
                {u"staggered"_s, false}},
            [](const Protocol::Reply &) { return noContent(); }, respond);
    };

    if (resetType == u"GracefulShutdown") {
        if (!running || state == NodeManager::State::Unknown)
            return running
                ? respond(error(409, u"ResourceInUse"_s,
                    u"%1 has not been heard from since rackd started: it cannot be asked to shut down yet"_s
                        .arg(node.name)))
                : respond(noContent()); // already off
        return exec(NodeAction::Shutdown);
    }
    if (resetType == u"GracefulRestart") {
        if (state != NodeManager::State::Up)
            return respond(error(409, u"ResourceInUse"_s,
                u"%1 is not running (its agent is not connected): use On to start it"_s.arg(node.name)));
        return exec(NodeAction::Reboot);
    }
    if (resetType == u"On") {
        if (relay != true)
            return switchStack(PowerAction::On);
        if (state != NodeManager::State::Down)
            return respond(noContent()); // on already
        // Halted or hung under a live relay: only a power cycle of its stack starts it again.
        return switchStack(PowerAction::Cycle);
    }
    if (resetType == u"ForceOff") {
        if (relay == false)
            return respond(noContent());
        return switchStack(PowerAction::Off);
    }
    // ForceRestart and PowerCycle.
    switchStack(relay == false ? PowerAction::On : PowerAction::Cycle);
}

void RedfishService::resetChassis(
    int stack, const QString &resetType, const Who &who, const HttpServer::Respond &respond)
{
    PowerAction action = PowerAction::On;
    if (resetType == u"ForceOff")
        action = PowerAction::Off;
    else if (resetType == u"PowerCycle")
        action = PowerAction::Cycle;
    else if (resetType == u"GracefulShutdown")
        action = PowerAction::GracefulOff;
    QJsonObject params {{u"action"_s, Protocol::name(action)}, {u"stacks"_s, QJsonArray {stack}}};
    if (action != PowerAction::GracefulOff)
        params.insert(u"staggered"_s, false);
    run(
        who, Protocol::name(Method::Power), params, [](const Protocol::Reply &) { return noContent(); },
        respond);
}

void RedfishService::run(const Who &who, const QString &method, const QJsonObject &params,
    std::function<HttpResponse(const Protocol::Reply &)> success, const HttpServer::Respond &respond)
{
    dropOldTasks();
    if (m_tasks.size() >= MaximumTasks) {
        // As many slow actions under way as the service keeps track of: a client that keeps adding
        // more is told to wait rather than queueing relay switches without end.
        HttpResponse busy = error(503, u"ServiceTemporarilyUnavailable"_s,
            u"%1 slow actions are still running; try again when some have finished"_s.arg(MaximumTasks));
        busy.headers.emplaceBack("Retry-After", "10");
        return respond(busy);
    }
    struct Pending
    {
        bool answered = false;
        QString task; ///< Set once the client got a 202 instead.
        QTimer *timer = nullptr; ///< Until the answer or the 202, whichever is first.
    };
    auto pending = std::make_shared<Pending>();
    auto *timer = new QTimer(this);
    pending->timer = timer;
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, pending, timer, method, respond] {
        timer->deleteLater();
        pending->timer = nullptr;
        dropOldTasks();
        pending->task = QString::number(m_nextTask++) + u'-' + randomSecret().left(12);
        m_tasks.insert(pending->task, {false, {}, method, m_clock.elapsed()});
        const QString monitor = TaskMonitorsPath + u'/' + pending->task;
        HttpResponse accepted = json(202,
            {{u"@odata.type"_s, u"#Task.v1_7_0.Task"_s}, {u"Id"_s, pending->task},
                {u"Name"_s, u"rackd %1"_s.arg(method)}, {u"TaskState"_s, u"Running"_s},
                {u"TaskMonitor"_s, monitor}});
        accepted.headers.emplaceBack("Location", monitor.toLatin1());
        accepted.headers.emplaceBack("Retry-After", "2");
        respond(accepted);
    });
    timer->start(m_settings.actionWait);

    const Protocol::Request request {m_nextRequestId++, method, params};
    QPointer<RedfishService> self(this);
    m_service->handle(
        who.caller, request, [](const Protocol::Event &) {},
        [self, pending, success = std::move(success), respond](const Protocol::Reply &reply) {
            RedfishService *service = self.data();
            if (!service)
                return;
            const HttpResponse response = reply.isError() ? fromError(*reply.error) : success(reply);
            if (pending->task.isEmpty()) {
                pending->answered = true;
                if (QTimer *waiting = std::exchange(pending->timer, nullptr)) {
                    waiting->stop();
                    waiting->deleteLater();
                }
                respond(response);
                return;
            }
            auto task = service->m_tasks.find(pending->task);
            if (task != service->m_tasks.end()) {
                task->done = true;
                task->response = response;
                task->startedMs = service->m_clock.elapsed(); // kept from now on for FinishedTaskKeptMs
            }
        });
}

HttpResponse RedfishService::fromError(const Protocol::Error &failure)
{
    namespace Code = Protocol::ErrorCode;
    if (failure.code == Code::Forbidden)
        return error(403, u"InsufficientPrivilege"_s, failure.message,
            u"Use a token with the operator role (rackctl token create NAME --role operator)."_s);
    if (failure.code == Code::BadRequest)
        return error(400, u"GeneralError"_s, failure.message);
    if (failure.code == Code::NotFound)
        return error(404, u"ResourceNotFound"_s, failure.message);
    if (failure.code == Code::Conflict || failure.code == Code::Incomplete)
        return error(409, u"ResourceInUse"_s, failure.message);
    if (failure.code == Code::TooManyRequests)
        return error(429, u"ServiceTemporarilyUnavailable"_s, failure.message);
    if (failure.code == Code::Unauthenticated)
        return error(401, u"NoValidSession"_s, failure.message);
    return error(500, u"InternalError"_s, failure.message);
}

void RedfishService::taskMonitor(const QString &id, const HttpServer::Respond &respond)
{
    dropOldTasks();
    const auto task = m_tasks.constFind(id);
    if (task == m_tasks.constEnd())
        return respond(notFound(TaskMonitorsPath + u'/' + id));
    if (task->done)
        return respond(task->response);
    HttpResponse running = json(202,
        {{u"@odata.type"_s, u"#Task.v1_7_0.Task"_s}, {u"Id"_s, id},
            {u"Name"_s, u"rackd %1"_s.arg(task->method)}, {u"TaskState"_s, u"Running"_s},
            {u"TaskMonitor"_s, QString(TaskMonitorsPath + u'/' + id)}});
    running.headers.emplaceBack("Location", (TaskMonitorsPath + u'/' + id).toLatin1());
    running.headers.emplaceBack("Retry-After", "2");
    respond(running);
}

void RedfishService::dropOldTasks()
{
    const qint64 now = m_clock.elapsed();
    m_tasks.removeIf([now](const auto &entry) {
        return entry.value().done && now - entry.value().startedMs > FinishedTaskKeptMs;
    });
    // A running task is never dropped: its client is still polling for it. Finished ones make room.
    while (m_tasks.size() >= MaximumTasks) {
        auto oldest = m_tasks.end();
        for (auto it = m_tasks.begin(); it != m_tasks.end(); ++it) {
            if (it->done && (oldest == m_tasks.end() || it->startedMs < oldest->startedMs))
                oldest = it;
        }
        if (oldest == m_tasks.end())
            break;
        m_tasks.erase(oldest);
    }
}
