// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpserver.h"
#include "metrics/rackmetrics.h"

#include <functional>

class AuthThrottle;
class RedfishService;
class TokenStore;

/**
 * What rackd answers on its HTTPS listener: GET /metrics for Prometheus, /redfish/... by the Redfish
 * service (RedfishService), and every other path with a Redfish error. Requests arrive already read by the
 * strict parser (HttpServer); this class decides who may see what.
 *
 * /metrics: with `metrics_token` set, only `Authorization: Bearer <that token>`; without it, any
 * scrape from a loopback address, and from elsewhere a rackd token of any role (Bearer). Failures
 * count in the same throttle as the control port's logins.
 */
class HttpApi
{
public:
    struct Settings
    {
        QString metricsToken;
    };

    HttpApi(TokenStore *tokens, AuthThrottle *throttle, std::function<RackMetrics()> metrics,
        Settings settings, RedfishService *redfish = nullptr);

    void handle(const HttpRequest &request, const QHostAddress &peer, const HttpServer::Respond &respond);

    /// A Redfish error answer (DSP0266 §9.6): `error` with `code`, `message` and @Message.ExtendedInfo.
    static HttpResponse redfishError(
        int status, const QString &messageId, const QString &message, const QString &resolution = {});
    /// What HttpServer answers for a request it refused (its parser's status and reason).
    static HttpResponse refusal(int status, const QString &reason);

private:
    enum class Access { Granted, Missing, Wrong, Throttled };
    Access metricsAccess(
        const HttpRequest &request, const QHostAddress &peer, std::chrono::milliseconds *wait);
    void serveMetrics(
        const HttpRequest &request, const QHostAddress &peer, const HttpServer::Respond &respond);

    TokenStore *m_tokens;
    AuthThrottle *m_throttle;
    std::function<RackMetrics()> m_metrics;
    Settings m_settings;
    RedfishService *m_redfish;
};
