// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/caller.h"
#include "http/httpserver.h"
#include "redfishresources.h"
#include "redfishsessions.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <QObject>
#include <chrono>

class AuthThrottle;
class RackService;
class TokenStore;

/**
 * rackd's Redfish service (DSP0266) on the HTTPS listener: who may ask (HTTP Basic with a rackd
 * token as the password, X-Auth-Token of a session, or a bearer token), the methods each resource
 * takes, and what a PATCH or an action does. Reads come from RedfishResources; everything that
 * changes the rack becomes a request of the control protocol and goes through RackService, so the
 * roles, the per-stack ordering of power actions and the audit log are the control port's own.
 *
 * An action answers when it is done; one that takes longer than `actionWait` (a graceful shutdown
 * of a stack, a relay queue behind a staggered power-on) answers 202 with a task monitor to poll.
 */
class RedfishService : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        bool sharedPowerAllowed = false; ///< redfish_shared_power = allow
        std::chrono::seconds sessionTimeout {1800};
        std::chrono::milliseconds actionWait {5000};
        /// How long LocationIndicatorActive = true blinks a Pi's LED unless set false earlier.
        std::chrono::seconds identifyDuration {300};
    };

    RedfishService(RackService *service, TokenStore *tokens, RedfishResources::Sources sources,
        Settings settings, QObject *parent = nullptr);

    static bool isRedfishPath(const QByteArray &path);
    void handle(const HttpRequest &request, const QHostAddress &peer, const HttpServer::Respond &respond);

    RedfishResources *resources() { return &m_resources; }
    RedfishSessions *sessions() { return &m_sessions; }
    bool isIdentifying(const QString &mac) const;

    /// A Redfish error body (DSP0266 §9.6) with one Base registry message.
    static HttpResponse error(
        int status, const QString &messageId, const QString &message, const QString &resolution = {});
    static HttpResponse json(int status, const QJsonObject &body);

private:
    struct Who
    {
        Caller caller;
        QString sessionId; ///< When the request came with X-Auth-Token.
    };
    struct Task
    {
        bool done = false;
        HttpResponse response;
        QString method;
        qint64 startedMs = 0;
    };

    enum class Auth { Granted, Missing, Wrong, Throttled };
    Auth authenticate(
        const HttpRequest &request, const QHostAddress &peer, Who *who, std::chrono::milliseconds *wait);
    std::optional<HttpResponse> refuseUnauthenticated(
        Auth outcome, const HttpRequest &request, const QHostAddress &peer, std::chrono::milliseconds wait);
    static QString sourceOf(const QHostAddress &peer);
    /// Whether `who` may ask for `method` (an action or PATCH becomes one); if not, answers 403 and audits
    /// it.
    bool mayChange(const Who &who, const HttpRequest &request, const QString &method,
        const HttpServer::Respond &respond);

    void route(
        const HttpRequest &request, const QString &path, const Who &who, const HttpServer::Respond &respond);
    void login(const HttpRequest &request, const QHostAddress &peer, const HttpServer::Respond &respond);
    void sessionRequest(
        const HttpRequest &request, const QString &id, const Who &who, const HttpServer::Respond &respond);
    std::optional<QJsonObject> accountResource(const QString &path, const Who &who) const;
    QJsonObject sessionResource(const RedfishSessions::Session &session) const;

    void patchIndicator(const HttpRequest &request, const QString &path, const QJsonObject &current,
        const QStringList &macs, const Who &who, const HttpServer::Respond &respond);
    void resetSystem(
        const NodeRecord &node, const QString &resetType, const Who &who, const HttpServer::Respond &respond);
    void resetChassis(
        int stack, const QString &resetType, const Who &who, const HttpServer::Respond &respond);
    /// The placed Pis of `stack`, other than `exceptMac`, that a cut of its relay would take down.
    QStringList runningPisOfStack(int stack, const QString &exceptMac) const;

    /**
     * Runs a control-protocol request as `who`; answers `success` (or the error the reply carries)
     * within actionWait, else 202 and a task monitor that holds the answer once it comes.
     */
    void run(const Who &who, const QString &method, const QJsonObject &params,
        std::function<HttpResponse(const Protocol::Reply &)> success, const HttpServer::Respond &respond);
    static HttpResponse fromError(const Protocol::Error &error);
    void taskMonitor(const QString &id, const HttpServer::Respond &respond);
    void dropOldTasks();

    RackService *m_service;
    TokenStore *m_tokens;
    AuthThrottle *m_throttle;
    Settings m_settings;
    RedfishResources m_resources;
    RedfishSessions m_sessions;
    QHash<QString, qint64> m_identifyingUntilMs; ///< MAC -> end of the blinking it started.
    QMap<QString, Task> m_tasks;
    quint64 m_nextTask = 1;
    qint64 m_nextRequestId = 1;
    QElapsedTimer m_clock;
};
