// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/rackstate.h"

#include "desktoplogging.h"
#include "protocol/messages.h"

#include <QJsonArray>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int MaximumGridSide = 1000;
constexpr int MaximumStacks = 4096;
constexpr int MaximumNodes = 100000;

bool isMac(const QString &text)
{
    static const QRegularExpression mac(
        QRegularExpression::anchoredPattern(u"[0-9a-f]{2}(:[0-9a-f]{2}){5}"_s));
    return mac.match(text).hasMatch();
}

// A whole number in [lowest, highest], or nothing.
std::optional<int> wholeNumber(const QJsonValue &value, int lowest, int highest)
{
    const std::optional<qint64> number = Protocol::wholeNumber(value, lowest, highest);
    return number ? std::optional<int>(int(*number)) : std::nullopt;
}

std::optional<bool> relayFromText(const QString &text)
{
    if (text == u"on")
        return true;
    if (text == u"off")
        return false;
    return std::nullopt;
}

} // namespace

RackState::RackState(QObject *parent)
    : QObject(parent)
{ }

void RackState::clear()
{
    m_rows = m_columns = 0;
    m_relayBackend.clear();
    m_httpPort = 0;
    m_httpScheme.clear();
    m_stacks.clear();
    m_nodes.clear();
    m_order.clear();
    Q_EMIT reset();
}

bool RackState::applyStatus(const QJsonObject &result, QString *error)
{
    const QJsonObject rack = result.value(u"rack"_s).toObject();
    const std::optional<int> rows = wholeNumber(rack.value(u"rows"_s), 1, MaximumGridSide);
    const std::optional<int> columns = wholeNumber(rack.value(u"cols"_s), 1, MaximumGridSide);
    if (!rows || !columns) {
        *error = u"rackd's status has no valid grid (rows and cols from 1 to %1)"_s.arg(MaximumGridSide);
        return false;
    }
    const QJsonArray stackList = result.value(u"stacks"_s).toArray();
    if (stackList.size() > MaximumStacks) {
        *error = u"rackd's status lists %1 stacks; at most %2 are shown"_s.arg(stackList.size())
                     .arg(MaximumStacks);
        return false;
    }
    QMap<int, StackView> stacks;
    for (qsizetype i = 0; i < stackList.size(); ++i) {
        const QJsonObject entry = stackList.at(i).toObject();
        StackView stack;
        const std::optional<int> id = wholeNumber(entry.value(u"id"_s), 1, 1000000);
        const std::optional<int> row = wholeNumber(entry.value(u"row"_s), 1, *rows);
        const std::optional<int> column = wholeNumber(entry.value(u"column"_s), 1, *columns);
        const std::optional<int> pis = wholeNumber(entry.value(u"pis"_s), 0, 100000);
        if (!id || !row || !column || !pis || stacks.contains(*id)) {
            *error = u"stack %1 of rackd's status is not valid (id, row, column within the grid, pis)"_s.arg(
                i + 1);
            return false;
        }
        stack.id = *id;
        stack.row = *row;
        stack.column = *column;
        stack.pis = *pis;
        stack.relayChannel = wholeNumber(entry.value(u"relay_channel"_s), 0, 1000000).value_or(0);
        stack.relay = relayFromText(entry.value(u"relay"_s).toString());
        stack.busy = entry.value(u"busy"_s).toBool();
        const QJsonObject maintenance = entry.value(u"maintenance"_s).toObject();
        if (entry.value(u"maintenance"_s).isObject()) {
            const QString reason = maintenance.value(u"reason"_s).toString().left(200);
            stack.maintenance = reason.isEmpty() ? u"-"_s : reason;
        }
        const QJsonObject recovery = entry.value(u"recovery"_s).toObject();
        const QString phase = recovery.value(u"phase"_s).toString();
        if (phase == u"draining" || phase == u"cycling" || phase == u"returning") {
            stack.recoveryPhase = phase;
            stack.recoveryAttempt = wholeNumber(recovery.value(u"attempt"_s), 1, 1000).value_or(0);
            stack.recoveryAttempts = wholeNumber(recovery.value(u"attempts"_s), 1, 1000).value_or(0);
            stack.recoveryReason = recovery.value(u"reason"_s).toString().left(300);
        }
        stacks.insert(stack.id, stack);
    }
    m_rows = *rows;
    m_columns = *columns;
    m_relayBackend = rack.value(u"relay_backend"_s).toString();
    // Older rackd versions send no "http"; a malformed one is shown as off rather than guessed.
    const QJsonObject http = rack.value(u"http"_s).toObject();
    const QString scheme = http.value(u"scheme"_s).toString();
    const bool validHttp = (scheme == u"https" || scheme == u"http");
    m_httpPort = validHttp ? quint16(wholeNumber(http.value(u"port"_s), 1, 65535).value_or(0)) : 0;
    m_httpScheme = m_httpPort != 0 ? scheme : QString();
    m_rackMaintenance = rack.value(u"maintenance"_s).toString().left(200);
    m_stacks = stacks;
    for (const int id : m_stacks.keys())
        recountUp(id);
    Q_EMIT reset();
    return true;
}

std::optional<NodeView> RackState::parseNode(const QJsonObject &object, QString *error)
{
    NodeView node;
    node.mac = object.value(u"mac"_s).toString();
    if (!isMac(node.mac)) {
        *error = u"\"%1\" is not a MAC address"_s.arg(node.mac.left(40));
        return std::nullopt;
    }
    node.name = object.value(u"name"_s).toString().left(64);
    node.address = object.value(u"address"_s).toString().left(64);
    if (object.contains(u"stack"_s)) {
        node.stack = wholeNumber(object.value(u"stack"_s), 1, 1000000);
        node.slot = wholeNumber(object.value(u"slot"_s), 1, 100000);
        if (!node.stack || !node.slot) {
            *error = u"node %1 has no valid stack and slot"_s.arg(node.mac);
            return std::nullopt;
        }
    }
    const QString state = object.value(u"state"_s).toString(u"unknown"_s);
    node.state = state == u"up" || state == u"down" ? state : u"unknown"_s;
    node.identity = object.value(u"identity"_s).toObject();
    node.metrics = object.value(u"metrics"_s).toObject();
    node.lastSeen = QDateTime::fromString(object.value(u"last_seen"_s).toString(), Qt::ISODate);
    static const QStringList conditions {u"ok"_s, u"lost"_s, u"unhealthy"_s, u"agent-gone"_s, u"given-up"_s};
    const QString condition = object.value(u"condition"_s).toString();
    node.condition = conditions.contains(condition) ? condition : u"ok"_s;
    node.conditionReason = object.value(u"condition_reason"_s).toString().left(300);
    if (object.value(u"maintenance"_s).isObject()) {
        const QString reason = object.value(u"maintenance"_s)[u"reason"_s].toString().left(200);
        node.maintenance = reason.isEmpty() ? u"-"_s : reason;
    }
    return node;
}

bool RackState::applyNodes(const QJsonObject &result, QString *error)
{
    const QJsonArray list = result.value(u"nodes"_s).toArray();
    if (list.size() > MaximumNodes) {
        *error = u"rackd lists %1 nodes; at most %2 are shown"_s.arg(list.size()).arg(MaximumNodes);
        return false;
    }
    QHash<QString, NodeView> nodes;
    for (const QJsonValue &value : list) {
        const std::optional<NodeView> node = parseNode(value.toObject(), error);
        if (!node) {
            *error = u"rackd's node list: "_s + *error;
            return false;
        }
        nodes.insert(node->mac, *node);
    }
    m_nodes = nodes;
    updateOrder();
    for (const int id : m_stacks.keys())
        recountUp(id);
    Q_EMIT reset();
    return true;
}

void RackState::applyEvent(const Protocol::Event &event)
{
    const QJsonObject &data = event.data;
    if (event.name == Protocol::name(Protocol::EventName::RelayChanged)) {
        const std::optional<int> id = wholeNumber(data.value(u"stack"_s), 1, 1000000);
        const auto it = id ? m_stacks.find(*id) : m_stacks.end();
        if (it == m_stacks.end()) {
            qCWarning(lcDesktop).noquote() << "relay.changed for an unknown stack; ignored";
            return;
        }
        it->relay = relayFromText(data.value(u"relay"_s).toString());
        Q_EMIT stackChanged(it->id);
    } else if (event.name == Protocol::name(Protocol::EventName::NodeUp)
        || event.name == Protocol::name(Protocol::EventName::NodeDown)) {
        const QString mac = data.value(u"mac"_s).toString();
        if (!isMac(mac)) {
            qCWarning(lcDesktop).noquote() << event.name << "without a valid MAC; ignored";
            return;
        }
        const bool known = m_nodes.contains(mac);
        NodeView &node = m_nodes[mac];
        node.mac = mac;
        node.state = event.name == Protocol::name(Protocol::EventName::NodeUp) ? u"up"_s : u"down"_s;
        if (data.contains(u"name"_s))
            node.name = data.value(u"name"_s).toString().left(64);
        const std::optional<int> stack = wholeNumber(data.value(u"stack"_s), 1, 1000000);
        const std::optional<int> slot = wholeNumber(data.value(u"slot"_s), 1, 100000);
        const std::optional<int> before = node.stack;
        if (stack && slot) {
            node.stack = stack;
            node.slot = slot;
        }
        if (!known || before != node.stack) {
            // A new node, or one that moved: the order and the tiles change.
            updateOrder();
            if (before)
                recountUp(*before);
            if (node.stack)
                recountUp(*node.stack);
            Q_EMIT reset();
            return;
        }
        if (node.stack) {
            recountUp(*node.stack);
            Q_EMIT stackChanged(*node.stack);
        }
        Q_EMIT nodesChanged({mac});
    } else if (event.name == Protocol::name(Protocol::EventName::NodeRenamed)) {
        const auto renamed = m_nodes.find(data.value(u"mac"_s).toString());
        const QString name = data.value(u"name"_s).toString();
        if (renamed == m_nodes.end() || name.isEmpty() || name.size() > 63) {
            qCWarning(lcDesktop).noquote()
                << "node.renamed for an unknown node or without a valid name; ignored";
            return;
        }
        renamed->name = name;
        Q_EMIT nodesChanged({renamed->mac});
    } else if (event.name == Protocol::name(Protocol::EventName::NodeMetrics)) {
        QStringList changed;
        for (const QJsonValue &value : data.value(u"nodes"_s).toArray()) {
            const QString mac = value[u"mac"_s].toString();
            const auto it = m_nodes.find(mac);
            if (it == m_nodes.end())
                continue; // not listed yet; the next node.up or nodes answer brings it
            it->metrics = value[u"metrics"_s].toObject();
            it->lastSeen = QDateTime::currentDateTimeUtc();
            changed.append(mac);
        }
        if (!changed.isEmpty())
            Q_EMIT nodesChanged(changed);
    }
}

void RackState::recountUp(int stack)
{
    const auto it = m_stacks.find(stack);
    if (it == m_stacks.end())
        return;
    int up = 0;
    for (const NodeView &node : std::as_const(m_nodes))
        up += node.stack == stack && node.isUp() ? 1 : 0;
    it->up = up;
}

void RackState::updateOrder()
{
    m_order = m_nodes.keys();
    std::sort(m_order.begin(), m_order.end(), [this](const QString &a, const QString &b) {
        const NodeView &x = m_nodes[a];
        const NodeView &y = m_nodes[b];
        // Placed nodes first, by stack and slot; the others by MAC.
        const auto key = [](const NodeView &node) {
            return std::make_tuple(!node.stack.has_value(), node.stack.value_or(0), node.slot.value_or(0));
        };
        return key(x) != key(y) ? key(x) < key(y) : a < b;
    });
}

QList<StackView> RackState::stacks() const { return m_stacks.values(); }

const StackView *RackState::stack(int id) const
{
    const auto it = m_stacks.constFind(id);
    return it == m_stacks.cend() ? nullptr : &*it;
}

const StackView *RackState::stackAt(int row, int column) const
{
    for (const StackView &stack : m_stacks) {
        if (stack.row == row && stack.column == column)
            return &stack;
    }
    return nullptr;
}

const NodeView *RackState::node(const QString &mac) const
{
    const auto it = m_nodes.constFind(mac);
    return it == m_nodes.cend() ? nullptr : &*it;
}

QList<NodeView> RackState::nodesOfStack(int stack) const
{
    QList<NodeView> nodes;
    for (const QString &mac : m_order) {
        const NodeView &node = m_nodes[mac];
        if (node.stack == stack)
            nodes.append(node);
    }
    return nodes;
}
