// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpapi.h"

#include "auththrottle.h"
#include "daemonlogging.h"
#include "metrics/prometheusexposition.h"
#include "protocol/secrets.h"
#include "redfish/redfishservice.h"
#include "tokenstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace {

/// The token of an `Authorization: Bearer ...` header; empty when there is none.
QString bearerToken(const HttpRequest &request)
{
    const QByteArray authorization = request.header("authorization");
    if (!authorization.left(7).toLower().startsWith("bearer "))
        return {};
    return QString::fromLatin1(authorization.mid(7).trimmed());
}

} // namespace

HttpApi::HttpApi(TokenStore *tokens, AuthThrottle *throttle, std::function<RackMetrics()> metrics,
    Settings settings, RedfishService *redfish)
    : m_tokens(tokens)
    , m_throttle(throttle)
    , m_metrics(std::move(metrics))
    , m_settings(std::move(settings))
    , m_redfish(redfish)
{ }

HttpResponse HttpApi::redfishError(
    int status, const QString &id, const QString &message, const QString &resolution)
{
    return RedfishService::error(status, id, message, resolution);
}

HttpResponse HttpApi::refusal(int status, const QString &reason)
{
    switch (status) {
    case 413:
        return redfishError(status, u"PayloadTooLarge"_s, reason);
    case 408:
    case 429:
    case 503:
        return redfishError(status, u"ServiceTemporarilyUnavailable"_s, reason);
    default:
        return redfishError(status, u"GeneralError"_s, reason);
    }
}

void HttpApi::handle(const HttpRequest &request, const QHostAddress &peer, const HttpServer::Respond &respond)
{
    if (request.path == "/metrics") {
        if (request.method != "GET") {
            HttpResponse response = redfishError(405, u"OperationNotAllowed"_s,
                u"/metrics answers GET, not %1"_s.arg(QString::fromLatin1(request.method)));
            response.headers.emplaceBack("Allow", "GET");
            respond(response);
            return;
        }
        serveMetrics(request, peer, respond);
        return;
    }
    if (m_redfish && RedfishService::isRedfishPath(request.path)) {
        m_redfish->handle(request, peer, respond);
        return;
    }
    respond(redfishError(404, u"ResourceNotFound"_s,
        u"nothing is at %1 on this rackd"_s.arg(QString::fromUtf8(request.path.left(200))),
        u"/redfish/v1 is the Redfish service; GET /metrics is for Prometheus"_s));
}

HttpApi::Access HttpApi::metricsAccess(
    const HttpRequest &request, const QHostAddress &peer, std::chrono::milliseconds *wait)
{
    const QString token = bearerToken(request);
    if (token.isEmpty()) {
        if (m_settings.metricsToken.isEmpty() && peer.isLoopback())
            return Access::Granted;
        return Access::Missing;
    }
    *wait = m_throttle->admit(peer);
    if (wait->count() > 0)
        return Access::Throttled;
    const bool valid = m_settings.metricsToken.isEmpty()
        ? m_tokens->authenticate(token).has_value()
        : constantTimeEquals(token.toUtf8(), m_settings.metricsToken.toUtf8());
    if (valid) {
        m_throttle->recordSuccess(peer);
        return Access::Granted;
    }
    m_throttle->recordFailure(peer);
    return Access::Wrong;
}

void HttpApi::serveMetrics(
    const HttpRequest &request, const QHostAddress &peer, const HttpServer::Respond &respond)
{
    std::chrono::milliseconds wait {0};
    switch (metricsAccess(request, peer, &wait)) {
    case Access::Granted:
        break;
    case Access::Throttled: {
        HttpResponse response = redfishError(429, u"ServiceTemporarilyUnavailable"_s,
            u"too many failed logins from this address; try again in %1 s"_s.arg(
                (wait.count() + 999) / 1000));
        response.headers.emplaceBack("Retry-After", QByteArray::number((wait.count() + 999) / 1000));
        respond(response);
        return;
    }
    case Access::Missing:
    case Access::Wrong: {
        qCInfo(lcDaemon).noquote() << "HTTP: /metrics refused to" << peer.toString()
                                   << (bearerToken(request).isEmpty() ? "(no token)" : "(wrong token)");
        HttpResponse response = redfishError(401, u"NoValidSession"_s,
            u"/metrics needs a bearer token here: metrics_token from rackd.conf%1"_s.arg(
                m_settings.metricsToken.isEmpty() ? u", or a rackd token"_s : QString()));
        response.headers.emplaceBack("WWW-Authenticate", "Bearer realm=\"pirack\"");
        respond(response);
        return;
    }
    }
    respond({200, {{"Content-Type", PrometheusExposition::ContentType}}, m_metrics().exposition()});
}
