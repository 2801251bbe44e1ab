// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/nodemethods.h"

#include "install/inventoryexport.h"
#include "nodereport.h"
#include "protocol/joinstring.h"

#include <QJsonArray>

#include "recovery/recoveryengine.h"

using namespace Qt::Literals::StringLiterals;
namespace ErrorCode = Protocol::ErrorCode;

NodeMethods::NodeMethods(
    NodeManager *nodes, PowerController *power, RequestAudit *audit, QString fingerprint, QObject *parent)
    : QObject(parent)
    , m_nodes(nodes)
    , m_power(power)
    , m_audit(audit)
    , m_fingerprint(std::move(fingerprint))
{ }

void NodeMethods::setJoinAddress(const QString &host, quint16 port)
{
    m_joinHost = host;
    m_joinPort = port;
}

void NodeMethods::list(const Protocol::Request &request, const ReplyHandler &reply)
{
    QJsonArray nodes = m_nodes->nodesJson();
    if (m_recovery) {
        for (auto entry = nodes.begin(); entry != nodes.end(); ++entry) {
            QJsonObject node = entry->toObject();
            const QJsonObject recovery = m_recovery->nodeJson(node.value(u"mac"_s).toString());
            for (auto it = recovery.begin(); it != recovery.end(); ++it)
                node.insert(it.key(), it.value());
            *entry = node;
        }
    }
    reply(Protocol::Reply::success(request.id, {{u"nodes"_s, nodes}}));
}

void NodeMethods::assign(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const QString mac = request.params.value(u"mac"_s).toString().toLower();
    const int stack = request.params.value(u"stack"_s).toInt(-1);
    const int slot = request.params.value(u"slot"_s).toInt(-1);
    Protocol::Error error;
    const bool assigned = m_nodes->inventory()->assign(mac, stack, slot, m_power->structure(), &error);
    m_audit->record(caller, request, {mac}, assigned ? u"ok"_s : error.message);
    if (!assigned) {
        reply(Protocol::Reply::failure(request.id, error));
        return;
    }
    reply(Protocol::Reply::success(request.id, m_nodes->inventory()->node(mac)->toJson()));
}

void NodeMethods::rename(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply)
{
    const QString mac = request.params.value(u"mac"_s).toString().toLower();
    const QString name = request.params.value(u"name"_s).toString();
    NodeInventory *inventory = m_nodes->inventory();
    if (Protocol::Error error; !inventory->rename(mac, name, &error)) {
        m_audit->record(caller, request, {mac}, error.message);
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
    m_audit->record(caller, request, {mac}, audited);
    const std::optional<NodeRecord> node = inventory->node(mac);
    QJsonObject data {{u"mac"_s, mac}, {u"name"_s, name}};
    if (node && node->stack)
        data.insert(u"stack"_s, *node->stack);
    if (node && node->slot)
        data.insert(u"slot"_s, *node->slot);
    Q_EMIT eventRaised({Protocol::name(Protocol::EventName::NodeRenamed), data});
    QJsonObject result = node ? node->toJson() : QJsonObject();
    if (!warning.isEmpty())
        result.insert(u"warning"_s, warning);
    reply(Protocol::Reply::success(request.id, result));
}

void NodeMethods::createJoin(
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
    m_audit->record(caller, request, {}, secret ? u"ok"_s : error);
    if (!secret) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::BadRequest, error));
        return;
    }
    const JoinString join {m_joinHost, m_joinPort, m_fingerprint, *secret};
    reply(Protocol::Reply::success(request.id,
        {{u"join_string"_s, join.toString()}, {u"expires"_s, now.addSecs(qint64(ttl)).toString(Qt::ISODate)},
            {u"uses"_s, int(uses)}}));
}

void NodeMethods::exec(const Caller &caller, const Protocol::Request &request,
    const ProgressHandler &progress, const ReplyHandler &reply)
{
    using Protocol::NodeAction;
    QList<NodeAction> offered = Protocol::all<NodeAction>();
    offered.removeIf([](NodeAction action) { return !Protocol::isExecAction(action); });
    const std::optional<NodeAction> action
        = Protocol::fromName<NodeAction>(request.params.value(u"action"_s).toString());
    if (!action || !offered.contains(*action)) {
        reply(Protocol::Reply::failure(request.id, ErrorCode::BadRequest,
            u"\"action\" must be %1"_s.arg(Protocol::namesForPeople(offered))));
        return;
    }
    QJsonObject params {{u"action"_s, Protocol::name(*action)}};
    if (*action == NodeAction::Run) {
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
    if (*action == NodeAction::Identify)
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
            progress({Protocol::name(Protocol::EventName::ExecResult), data});
        },
        [this, caller, request, reply, targets, encoded](const QList<NodeManager::ActionResult> &results) {
            QJsonArray entries;
            int failed = 0;
            for (const auto &result : results) {
                const auto cached = encoded->constFind(result.mac);
                entries.append(cached != encoded->cend() ? *cached : result.toJson());
                failed += result.outcome == u"ok" ? 0 : 1;
            }
            m_audit->record(caller, request, targets,
                failed == 0 ? u"ok"_s : u"%1 of %2 nodes failed"_s.arg(failed).arg(results.size()));
            reply(Protocol::Reply::success(request.id, {{u"results"_s, entries}, {u"failed"_s, failed}}));
        });
}

void NodeMethods::inventory(const Protocol::Request &request, const ReplyHandler &reply)
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
