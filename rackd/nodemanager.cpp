// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "nodemanager.h"

#include "daemonlogging.h"
#include "protocol/secrets.h"

#include <QCryptographicHash>
#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace {
QByteArray credentialHash(const QString &credential)
{
    return QCryptographicHash::hash(credential.toUtf8(), QCryptographicHash::Sha256);
}
} // namespace

NodeManager::NodeManager(NodeInventory *inventory, JoinSecretStore *secrets,
    std::chrono::milliseconds heartbeatInterval, QObject *parent)
    : QObject(parent)
    , m_inventory(inventory)
    , m_secrets(secrets)
    , m_heartbeatInterval(heartbeatInterval)
{
    m_clock.start();
    m_checkTimer.setInterval(
        std::max<std::chrono::milliseconds>(std::chrono::milliseconds(50), heartbeatInterval / 2));
    connect(&m_checkTimer, &QTimer::timeout, this, &NodeManager::checkHeartbeats);
    m_checkTimer.start();
}

NodeManager::~NodeManager()
{
    QString error;
    if (!m_inventory->save(&error)) // keep the latest heartbeats across a clean stop
        qCWarning(lcDaemon).noquote() << error;
}

QString NodeManager::stateName(State state)
{
    switch (state) {
    case State::Up:
        return u"up"_s;
    case State::Down:
        return u"down"_s;
    case State::Unknown:
        return u"unknown"_s;
    }
    return {};
}

std::optional<NodeManager::Login> NodeManager::authenticate(
    const Protocol::Hello &hello, Protocol::Error *error)
{
    const QString mac = hello.agent.value(u"mac"_s).toString().toLower();
    if (!hello.joinSecret.isEmpty()) {
        QString problem;
        const JoinSecretStore::Outcome outcome
            = m_secrets->consume(hello.joinSecret, QDateTime::currentDateTimeUtc(), &problem);
        if (outcome != JoinSecretStore::Outcome::Accepted) {
            *error = {Protocol::ErrorCode::Unauthenticated,
                problem.isEmpty() ? JoinSecretStore::describe(outcome) : problem, {}};
            return std::nullopt;
        }
        const QString credential = randomSecret();
        QJsonObject identity = hello.agent;
        identity.remove(u"mac"_s);
        if (!m_inventory->registerNode(mac, identity, credentialHash(credential), &problem)) {
            *error = {Protocol::ErrorCode::BadRequest, problem, {}};
            return std::nullopt;
        }
        const auto node = m_inventory->node(mac);
        qCInfo(lcDaemon).noquote() << "node" << mac << "joined"
                                   << (node->isAssigned() ? u"as "_s + node->name : u"(not placed yet)"_s);
        return Login {mac, node->isAssigned() ? node->name : mac, credential};
    }
    const auto node = m_inventory->authenticate(credentialHash(hello.token));
    if (!node) {
        *error = {Protocol::ErrorCode::Unauthenticated,
            u"the node credential is not valid; join the node again"_s, {}};
        return std::nullopt;
    }
    if (!mac.isEmpty() && node->mac != mac) {
        *error = {Protocol::ErrorCode::Unauthenticated,
            u"this credential belongs to %1, but the agent reports %2"_s.arg(node->mac, mac), {}};
        return std::nullopt;
    }
    return Login {node->mac, node->isAssigned() ? node->name : node->mac, {}};
}

Protocol::Event NodeManager::nodeEvent(const QString &name, const QString &mac) const
{
    QJsonObject data {{u"mac"_s, mac}};
    if (const auto node = m_inventory->node(mac)) {
        data.insert(u"name"_s, node->name);
        if (node->stack)
            data.insert(u"stack"_s, *node->stack);
        if (node->slot)
            data.insert(u"slot"_s, *node->slot);
    }
    return {name, data};
}

void NodeManager::agentConnected(
    const QString &mac, QObject *session, std::function<void(const QString &)> close)
{
    const auto previous = m_online.find(mac);
    if (previous != m_online.end() && previous->session != session && previous->close) {
        // The node came back before its old connection was noticed gone: the new one wins.
        const auto oldClose = std::move(previous->close);
        m_online.erase(previous);
        oldClose(u"the node connected again"_s);
    }
    m_online.insert(mac, {session, std::move(close), m_clock.elapsed()});
    if (m_states.value(mac, State::Unknown) != State::Up) {
        m_states.insert(mac, State::Up);
        qCInfo(lcDaemon).noquote() << "node" << mac << "up";
        Q_EMIT eventRaised(nodeEvent(u"node.up"_s, mac));
    }
}

void NodeManager::agentDisconnected(const QString &mac, QObject *session)
{
    const auto online = m_online.constFind(mac);
    if (online == m_online.cend() || online->session != session)
        return; // an older, replaced connection
    m_online.remove(mac);
    markDown(mac, u"its agent disconnected"_s);
}

void NodeManager::markDown(const QString &mac, const QString &why)
{
    if (m_states.value(mac, State::Unknown) == State::Down)
        return;
    m_states.insert(mac, State::Down);
    qCWarning(lcDaemon).noquote() << "node" << mac << "down:" << why;
    Q_EMIT eventRaised(nodeEvent(u"node.down"_s, mac));
}

void NodeManager::heartbeat(const QString &mac, const QJsonObject &metrics)
{
    const auto online = m_online.find(mac);
    if (online == m_online.end())
        return;
    online->lastHeartbeatMs = m_clock.elapsed();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_inventory->recordHeartbeat(mac, metrics, now);
    QString error;
    if (!m_inventory->saveIfDue(now, &error))
        qCWarning(lcDaemon).noquote() << error;
    if (m_states.value(mac) != State::Up) {
        m_states.insert(mac, State::Up);
        Q_EMIT eventRaised(nodeEvent(u"node.up"_s, mac));
    }
}

void NodeManager::checkHeartbeats()
{
    const qint64 limit = 3 * qint64(m_heartbeatInterval.count());
    const qint64 now = m_clock.elapsed();
    for (auto it = m_online.cbegin(); it != m_online.cend(); ++it) {
        if (now - it->lastHeartbeatMs > limit && m_states.value(it.key()) == State::Up)
            markDown(it.key(), u"no heartbeat for %1 ms"_s.arg(now - it->lastHeartbeatMs));
    }
}

NodeManager::State NodeManager::state(const QString &mac) const
{
    return m_states.value(mac.toLower(), State::Unknown);
}

int NodeManager::upCount(int stack) const
{
    int up = 0;
    for (const NodeRecord &node : m_inventory->nodes()) {
        if (node.stack == stack && state(node.mac) == State::Up)
            ++up;
    }
    return up;
}

QJsonArray NodeManager::nodesJson() const
{
    QJsonArray nodes;
    for (const NodeRecord &node : m_inventory->nodes()) {
        QJsonObject entry = node.toJson();
        entry.insert(u"state"_s, stateName(state(node.mac)));
        nodes.append(entry);
    }
    return nodes;
}
