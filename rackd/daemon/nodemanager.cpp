// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "nodemanager.h"

#include "nodereport.h"

#include "daemonlogging.h"
#include "protocol/framing.h"
#include "protocol/secrets.h"
#include "protocol/vocabulary.h"

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
    m_metricsTimer.setInterval(MetricsEventInterval);
    connect(&m_metricsTimer, &QTimer::timeout, this, [this] {
        if (m_metricsChanged.isEmpty())
            return;
        QJsonArray nodes;
        for (const QString &mac : std::as_const(m_metricsChanged)) {
            if (const auto node = m_inventory->node(mac))
                nodes.append(QJsonObject {
                    {u"mac"_s, mac}, {u"name"_s, node->name}, {u"metrics"_s, node->lastMetrics}});
        }
        m_metricsChanged.clear();
        Q_EMIT eventRaised({Protocol::name(Protocol::EventName::NodeMetrics), {{u"nodes"_s, nodes}}});
    });
    m_metricsTimer.start();
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
    // Every node names its MAC, and a credential is bound to it: without it nothing is checked.
    if (!NodeReport::isMac(mac)) {
        *error = {Protocol::ErrorCode::BadRequest,
            u"the agent must report its MAC address (\"%1\" is not one)"_s.arg(NodeReport::printable(mac)),
            {}};
        return std::nullopt;
    }
    QString problem;
    const std::optional<QJsonObject> identity = NodeReport::identity(hello.agent, &problem);
    if (!identity) {
        *error = {Protocol::ErrorCode::BadRequest, problem, {}};
        return std::nullopt;
    }
    if (!hello.joinSecret.isEmpty()) {
        const bool known = m_inventory->node(mac).has_value();
        const QList<NodeRecord> nodes = m_inventory->nodes();
        const auto unplaced
            = std::count_if(nodes.cbegin(), nodes.cend(), [](const NodeRecord &n) { return !n.stack; });
        if (!known && unplaced >= m_maximumUnplaced) {
            *error = {Protocol::ErrorCode::Conflict,
                u"%1 joined nodes wait to be placed already (at most %2): place them (the staged install, or "
                u"node.assign) before more join"_s.arg(unplaced)
                    .arg(m_maximumUnplaced),
                {}};
            return std::nullopt;
        }
        const JoinSecretStore::Outcome outcome
            = m_secrets->consume(hello.joinSecret, QDateTime::currentDateTimeUtc(), &problem, mac, known);
        if (outcome == JoinSecretStore::Outcome::AlreadyJoined
            || outcome == JoinSecretStore::Outcome::OtherNode) {
            qCWarning(lcDaemon).noquote()
                << "refused a join as" << mac << "-" << JoinSecretStore::describe(outcome);
            *error = {Protocol::ErrorCode::Conflict, JoinSecretStore::describe(outcome), {}};
            return std::nullopt;
        }
        if (outcome != JoinSecretStore::Outcome::Accepted) {
            *error = {Protocol::ErrorCode::Unauthenticated,
                problem.isEmpty() ? JoinSecretStore::describe(outcome) : problem, {}};
            return std::nullopt;
        }
        const QString credential = randomSecret();
        if (!m_inventory->registerNode(mac, *identity, credentialHash(credential), &problem)) {
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
    if (node->mac != mac) {
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

void NodeManager::agentConnected(const QString &mac, QObject *session,
    std::function<void(const QString &)> close, AgentSender send, const QHostAddress &peer)
{
    const auto previous = m_online.find(mac);
    if (previous != m_online.end() && previous->session != session && previous->close) {
        // The node came back before its old connection was noticed gone: the new one wins.
        const auto oldClose = std::move(previous->close);
        m_online.erase(previous);
        oldClose(u"the node connected again"_s);
    }
    m_online.insert(mac,
        {session, std::move(close), std::move(send), m_clock.elapsed(), peer,
            QDateTime::currentDateTimeUtc()});
    if (m_states.value(mac, State::Unknown) != State::Up) {
        m_states.insert(mac, State::Up);
        qCInfo(lcDaemon).noquote() << "node" << mac << "up";
        Q_EMIT eventRaised(nodeEvent(Protocol::name(Protocol::EventName::NodeUp), mac));
    }
    Q_EMIT agentSessionStarted(mac);
}

void NodeManager::agentDisconnected(const QString &mac, QObject *session)
{
    const auto online = m_online.constFind(mac);
    if (online == m_online.cend() || online->session != session)
        return; // an older, replaced connection
    m_online.remove(mac);
    markDown(mac, DownCause::Disconnected, u"its agent disconnected"_s);
}

void NodeManager::stackPoweredOff(int stack)
{
    for (const NodeRecord &node : m_inventory->nodes()) {
        if (node.stack != stack)
            continue;
        const auto online = m_online.find(node.mac);
        if (online != m_online.end()) {
            const auto close = std::move(online->close);
            m_online.erase(online); // first: closing reports the disconnect, which must find nothing
            if (close)
                close(u"the relay of stack %1 went off"_s.arg(stack));
        }
        markDown(node.mac, DownCause::PoweredOff, u"the relay of stack %1 went off"_s.arg(stack));
    }
}

void NodeManager::markDown(const QString &mac, DownCause cause, const QString &why)
{
    if (m_states.value(mac, State::Unknown) == State::Down)
        return;
    m_states.insert(mac, State::Down);
    m_downCauses.insert(mac, cause);
    m_downSinceMs.insert(mac, m_clock.elapsed());
    qCWarning(lcDaemon).noquote() << "node" << mac << "down:" << why;
    Q_EMIT eventRaised(nodeEvent(Protocol::name(Protocol::EventName::NodeDown), mac));
}

bool NodeManager::heartbeat(const QString &mac, const QJsonObject &reported, QString *problem)
{
    const std::optional<QJsonObject> metrics = NodeReport::metrics(reported, problem);
    if (!metrics)
        return false;
    const auto online = m_online.find(mac);
    if (online == m_online.end())
        return true;
    online->lastHeartbeatMs = m_clock.elapsed();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_inventory->recordHeartbeat(mac, *metrics, now);
    m_metricsChanged.insert(mac);
    QString error;
    if (!m_inventory->saveIfDue(now, &error))
        qCWarning(lcDaemon).noquote() << error;
    if (m_states.value(mac) != State::Up) {
        m_states.insert(mac, State::Up);
        Q_EMIT eventRaised(nodeEvent(Protocol::name(Protocol::EventName::NodeUp), mac));
    }
    return true;
}

void NodeManager::checkHeartbeats()
{
    const qint64 limit = 3 * qint64(m_heartbeatInterval.count());
    // A node silent for longer is hung, or only its connection is: either way the connection goes, with
    // whatever was asked of it, and a live agent comes back on a fresh one.
    const qint64 closeAfter = std::max<qint64>(limit, SilentConnectionTimeout.count());
    const qint64 now = m_clock.elapsed();
    QList<std::pair<QString, std::function<void(const QString &)>>> silent;
    for (auto it = m_online.cbegin(); it != m_online.cend(); ++it) {
        if (now - it->lastHeartbeatMs > limit && m_states.value(it.key()) == State::Up)
            markDown(it.key(), DownCause::Silent, u"no heartbeat for %1 ms"_s.arg(now - it->lastHeartbeatMs));
        if (now - it->lastHeartbeatMs > closeAfter && it->close)
            silent.append({it.key(), it->close});
    }
    for (const auto &[mac, close] : silent) {
        qCWarning(lcDaemon).noquote()
            << "node" << mac << "has sent nothing for" << closeAfter / 1000 << "s: closing its connection";
        close(u"no heartbeat for %1 s"_s.arg(closeAfter / 1000));
    }
}

std::optional<double> NodeManager::heartbeatAgeSeconds(const QString &mac) const
{
    const auto online = m_online.constFind(mac.toLower());
    if (online == m_online.cend() || online->lastHeartbeatMs == 0)
        return std::nullopt;
    return double(m_clock.elapsed() - online->lastHeartbeatMs) / 1000.0;
}

std::optional<NodeManager::DownCause> NodeManager::downCause(const QString &mac) const
{
    const QString key = mac.toLower();
    if (state(key) != State::Down || !m_downCauses.contains(key))
        return std::nullopt;
    return m_downCauses.value(key);
}

qint64 NodeManager::downForMs(const QString &mac) const
{
    const QString key = mac.toLower();
    if (state(key) != State::Down)
        return -1;
    return m_clock.elapsed() - m_downSinceMs.value(key, 0);
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

QHostAddress NodeManager::peerAddress(const QString &mac) const { return m_online.value(mac).peer; }

QDateTime NodeManager::connectedAt(const QString &mac) const { return m_online.value(mac).connectedAt; }

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

QJsonObject NodeManager::ActionResult::toJson() const
{
    QJsonObject object {{u"mac"_s, mac}, {u"name"_s, name}, {u"outcome"_s, outcome}};
    if (!result.isEmpty())
        object.insert(u"result"_s, result);
    if (!error.isEmpty())
        object.insert(u"error"_s, error);
    return object;
}

std::optional<QStringList> NodeManager::resolveTargets(
    const QJsonValue &targets, const RackStructure &structure, Protocol::Error *error) const
{
    QStringList macs;
    const QList<NodeRecord> nodes = m_inventory->nodes();
    if (targets.toString() == u"all") {
        for (const NodeRecord &node : nodes)
            macs.append(node.mac);
    } else if (targets.isObject() && targets.toObject().contains(u"stack"_s)) {
        const int stack = targets.toObject().value(u"stack"_s).toInt(-1);
        if (!structure.stack(stack)) {
            *error = {Protocol::ErrorCode::NotFound,
                u"there is no stack %1"_s.arg(targets.toObject().value(u"stack"_s).toVariant().toString())};
            return std::nullopt;
        }
        for (const NodeRecord &node : nodes) {
            if (node.stack == stack)
                macs.append(node.mac);
        }
    } else if (targets.isArray() && !targets.toArray().isEmpty()) {
        for (const QJsonValue &value : targets.toArray()) {
            const QString wanted = value.toString().toLower();
            const auto byName = std::find_if(nodes.cbegin(), nodes.cend(), [&](const NodeRecord &node) {
                return node.mac == wanted || (!node.name.isEmpty() && node.name == value.toString());
            });
            if (byName == nodes.cend()) {
                *error = {Protocol::ErrorCode::NotFound,
                    u"there is no node \"%1\""_s.arg(value.toVariant().toString())};
                return std::nullopt;
            }
            if (!macs.contains(byName->mac))
                macs.append(byName->mac);
        }
    } else {
        *error = {Protocol::ErrorCode::BadRequest,
            u"\"targets\" must be \"all\", {\"stack\": N} or a list of MACs or names"_s};
        return std::nullopt;
    }
    return macs;
}

void NodeManager::fanOut(const QJsonObject &params, const QStringList &macs,
    std::chrono::milliseconds timeout, std::function<void(const ActionResult &)> each,
    std::function<void(const QList<ActionResult> &)> done)
{
    struct FanOut
    {
        QList<ActionResult> results;
        QList<bool> finished;
        int pending = 0;
        std::function<void(const ActionResult &)> each;
        std::function<void(const QList<ActionResult> &)> done;
        // One deadline for all: every node is asked at the same moment with the same timeout. (A
        // timer per node costs thousands of timer registrations per round in a large rack.) It may
        // go while its own timeout is delivered, hence deleteLater.
        struct DeleteLater
        {
            void operator()(QObject *object) const { object->deleteLater(); }
        };
        std::unique_ptr<QTimer, DeleteLater> deadline {new QTimer};
    };
    auto state = std::make_shared<FanOut>();
    // rackd holds the fan-out until it is done; what each node was sent holds it only weakly, so a
    // node that never answers keeps nothing of it (the request's parameters, the caller's reply).
    const qint64 requestId = m_nextActionId++;
    m_fanOuts.insert(requestId, state);
    state->each = std::move(each);
    const qint64 startedMs = m_clock.elapsed();
    state->done = [this, requestId, startedMs, done = std::move(done)](const QList<ActionResult> &results) {
        const std::shared_ptr<void> keep = m_fanOuts.take(requestId); // alive until this returns
        m_fanOutRounds += 1;
        m_fanOutDurations.observe(double(m_clock.elapsed() - startedMs) / 1000.0);
        done(results);
    };
    state->pending = int(macs.size());
    state->results.reserve(macs.size());
    for (const QString &mac : macs) {
        const auto node = m_inventory->node(mac);
        state->results.append({mac, node && !node->name.isEmpty() ? node->name : mac, {}, {}, {}});
        state->finished.append(false);
    }
    // Each node ends exactly once: by its answer, the deadline, or its absence.
    // (The state is passed in, not captured: the deadline's connection must not keep it alive.)
    const auto finish = [](FanOut &fan, qsizetype index, const QString &outcome, const QJsonObject &result,
                            const QString &error) {
        if (fan.finished.at(index))
            return;
        fan.finished[index] = true;
        ActionResult &entry = fan.results[index];
        entry.outcome = outcome;
        entry.result = result;
        entry.error = error;
        if (fan.each)
            fan.each(entry);
        if (--fan.pending == 0) {
            fan.deadline->stop();
            fan.done(fan.results);
        }
    };
    if (macs.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [state] { state->done({}); }, Qt::QueuedConnection);
        return;
    }
    state->deadline->setSingleShot(true);
    // The state owns the timer, so the timer's connection holds it weakly.
    connect(state->deadline.get(), &QTimer::timeout, this,
        [weak = std::weak_ptr<FanOut>(state), finish, timeout] {
            const auto alive = weak.lock();
            for (qsizetype index = 0; alive && index < alive->finished.size() && alive->pending > 0; ++index)
                finish(*alive, index, u"timeout"_s, {}, u"no answer within %1 ms"_s.arg(timeout.count()));
        });
    state->deadline->start(timeout);
    // The same request to every node, encoded once: one id is enough, as each connection matches
    // its own replies.
    const QByteArray frame
        = encodeFrame(Protocol::Request {requestId, Protocol::agentActionMethod(), params}.toJson());
    for (qsizetype index = 0; index < macs.size(); ++index) {
        const auto online = m_online.constFind(macs.at(index));
        if (online == m_online.cend() || !online->send) {
            QMetaObject::invokeMethod(
                this,
                [state, finish, index] {
                    finish(*state, index, u"down"_s, {}, u"the node is not connected"_s);
                },
                Qt::QueuedConnection);
            continue;
        }
        online->send(requestId, frame,
            [weak = std::weak_ptr<FanOut>(state), finish, index](const Protocol::Reply &reply) {
                const auto alive = weak.lock();
                if (!alive)
                    return; // answered after the deadline: the fan-out is over
                if (reply.isError())
                    finish(*alive, index, u"failed"_s, reply.error->details, reply.error->message);
                else
                    finish(*alive, index, u"ok"_s, reply.result, {});
            });
    }
}

void NodeManager::waitUntilDown(const QStringList &macs, std::chrono::milliseconds settle,
    std::chrono::milliseconds timeout, std::function<void(const QStringList &)> done)
{
    const qint64 deadline = m_clock.elapsed() + timeout.count();
    auto *poll = new QTimer(this);
    poll->setInterval(50);
    const auto check = [this, macs, settle, deadline, poll, done] {
        QStringList stillUp;
        const qint64 now = m_clock.elapsed();
        for (const QString &mac : macs) {
            const bool goneForGood = state(mac) != State::Up && !m_online.contains(mac)
                && now - m_downSinceMs.value(mac, now) >= settle.count();
            if (!goneForGood)
                stillUp.append(mac);
        }
        if (stillUp.isEmpty() || now >= deadline) {
            poll->stop();
            poll->deleteLater();
            done(stillUp);
        }
    };
    connect(poll, &QTimer::timeout, this, check);
    poll->start();
}
