// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "nodeinventory.h"

#include "nodereport.h"
#include "protocol/nodename.h"
#include "protocol/secrets.h"
#include "storage/jsonfile.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

QJsonObject NodeRecord::toJson() const
{
    QJsonObject object {{u"mac"_s, mac}, {u"name"_s, name}, {u"address"_s, address},
        {u"identity"_s, identity},
        {u"last_seen"_s, lastSeen.isValid() ? lastSeen.toString(Qt::ISODate) : QString()},
        {u"metrics"_s, lastMetrics}};
    if (stack)
        object.insert(u"stack"_s, *stack);
    if (slot)
        object.insert(u"slot"_s, *slot);
    return object;
}

NodeInventory::NodeInventory(QString path)
    : m_path(std::move(path))
{ }

namespace {
bool isMac(const QString &mac) { return NodeReport::isMac(mac); }
} // namespace

bool NodeInventory::load(QString *error)
{
    m_nodes.clear();
    const JsonFile::ReadResult file = JsonFile::read(m_path);
    if (file.status == JsonFile::ReadResult::Status::Missing)
        return true;
    if (file.status != JsonFile::ReadResult::Status::Ok) {
        *error = u"the node inventory %1 is damaged or unreadable (%2); restore it from a backup"_s.arg(
            m_path, file.error);
        return false;
    }
    // The wrong shape is damage too: taking it for an empty inventory would make every node join again.
    if (!file.object.value(u"nodes"_s).isArray()) {
        *error = u"the node inventory %1 has no list of \"nodes\"; restore it from a backup"_s.arg(m_path);
        return false;
    }
    for (const QJsonValue &value : file.object.value(u"nodes"_s).toArray()) {
        const QJsonObject entry = value.toObject();
        NodeRecord node;
        node.mac = entry.value(u"mac"_s).toString();
        if (!value.isObject() || !isMac(node.mac)) {
            *error = u"the node inventory %1 has a bad MAC \"%2\""_s.arg(
                m_path, NodeReport::printable(node.mac));
            return false;
        }
        QString problem;
        const auto identity = NodeReport::identity(entry.value(u"identity"_s).toObject(), &problem);
        const auto metrics = NodeReport::metrics(entry.value(u"metrics"_s).toObject(), &problem);
        if (!identity || !metrics) {
            *error = u"the node inventory %1 has a bad entry for %2: %3"_s.arg(m_path, node.mac, problem);
            return false;
        }
        if (entry.contains(u"stack"_s))
            node.stack = entry.value(u"stack"_s).toInt();
        if (entry.contains(u"slot"_s))
            node.slot = entry.value(u"slot"_s).toInt();
        node.name = entry.value(u"name"_s).toString();
        node.address = entry.value(u"address"_s).toString();
        node.identity = *identity;
        node.credentialHash = QByteArray::fromHex(entry.value(u"credential_sha256"_s).toString().toLatin1());
        node.lastSeen = QDateTime::fromString(entry.value(u"last_seen"_s).toString(), Qt::ISODate);
        node.lastMetrics = *metrics;
        m_nodes.insert(node.mac, node);
    }
    return true;
}

bool NodeInventory::save(QString *error)
{
    QJsonArray entries;
    for (const NodeRecord &node : std::as_const(m_nodes)) {
        QJsonObject entry = node.toJson();
        entry.insert(u"credential_sha256"_s, QString::fromLatin1(node.credentialHash.toHex()));
        entries.append(entry);
    }
    if (!JsonFile::write(m_path, {{u"nodes"_s, entries}}, JsonFile::OwnerOnly, error))
        return false;
    m_lastSave = QDateTime::currentDateTimeUtc();
    m_dirty = false;
    return true;
}

std::optional<NodeRecord> NodeInventory::node(const QString &mac) const
{
    const auto it = m_nodes.constFind(mac.toLower());
    return it == m_nodes.cend() ? std::nullopt : std::optional<NodeRecord>(*it);
}

std::optional<NodeRecord> NodeInventory::nodeAt(int stack, int slot) const
{
    for (const NodeRecord &node : m_nodes) {
        if (node.stack == stack && node.slot == slot)
            return node;
    }
    return std::nullopt;
}

bool NodeInventory::registerNode(
    const QString &mac, const QJsonObject &identity, const QByteArray &credentialHash, QString *error)
{
    const QString key = mac.toLower();
    if (!isMac(key)) {
        *error = u"\"%1\" is not a MAC address"_s.arg(mac);
        return false;
    }
    const QMap<QString, NodeRecord> before = m_nodes;
    NodeRecord &node = m_nodes[key];
    node.mac = key;
    node.identity = identity;
    node.credentialHash = credentialHash;
    if (!save(error)) {
        m_nodes = before;
        return false;
    }
    return true;
}

bool NodeInventory::assign(const QString &mac, int stack, int slot, const RackStructure &structure,
    Protocol::Error *error, TakenSlot taken)
{
    const QString key = mac.toLower();
    if (!m_nodes.contains(key)) {
        *error = {Protocol::ErrorCode::NotFound, u"no node with MAC %1 has joined"_s.arg(mac)};
        return false;
    }
    const RackStack *rackStack = structure.stack(stack);
    if (!rackStack) {
        *error = {Protocol::ErrorCode::NotFound, u"there is no stack %1"_s.arg(stack)};
        return false;
    }
    if (slot < 1 || slot > rackStack->piCount) {
        *error = {Protocol::ErrorCode::BadRequest,
            u"stack %1 has slots 1 to %2"_s.arg(stack).arg(rackStack->piCount)};
        return false;
    }
    const std::optional<NodeRecord> holder = nodeAt(stack, slot);
    if (holder && holder->mac != key && taken == TakenSlot::Refuse) {
        *error = {Protocol::ErrorCode::Conflict,
            u"stack %1 slot %2 is taken by %3 (%4)"_s.arg(stack).arg(slot).arg(holder->mac, holder->name)};
        return false;
    }
    const QMap<QString, NodeRecord> before = m_nodes;
    if (holder && holder->mac != key) {
        NodeRecord &evicted = m_nodes[holder->mac];
        evicted.stack.reset();
        evicted.slot.reset();
        evicted.name.clear();
        evicted.address.clear();
    }
    const QString nameBefore = m_nodes.value(key).name;
    NodeRecord &node = m_nodes[key];
    node.stack = stack;
    node.slot = slot;
    for (const RackSlot &rackSlot : structure.slots()) {
        if (rackSlot.stackId == stack && rackSlot.slot == slot) {
            node.name = rackSlot.name;
            node.address = rackSlot.address.toString();
        }
    }
    if (QString problem; !save(&problem)) {
        m_nodes = before;
        *error = {Protocol::ErrorCode::Internal, problem};
        return false;
    }
    nameMayHaveChanged(key, nameBefore);
    return true;
}

void NodeInventory::nameMayHaveChanged(const QString &mac, const QString &before)
{
    const auto it = m_nodes.constFind(mac);
    if (m_nameObserver && it != m_nodes.cend() && !it->name.isEmpty() && it->name != before)
        m_nameObserver(mac);
}

bool NodeInventory::rename(const QString &mac, const QString &name, Protocol::Error *error)
{
    const auto it = m_nodes.find(mac.toLower());
    if (it == m_nodes.end()) {
        *error = {Protocol::ErrorCode::NotFound, u"no node with MAC %1 has joined"_s.arg(mac)};
        return false;
    }
    if (!it->stack) {
        *error = {
            Protocol::ErrorCode::BadRequest, u"%1 is not placed: only a placed node has a name"_s.arg(mac)};
        return false;
    }
    if (!isNodeName(name)) {
        *error = {Protocol::ErrorCode::BadRequest,
            u"\"%1\" is not a host name: 1 to 63 lower-case letters, digits and '-', not starting or "
            u"ending with '-'"_s.arg(NodeReport::printable(name))};
        return false;
    }
    for (const NodeRecord &other : std::as_const(m_nodes)) {
        if (other.mac != it->mac && other.name == name) {
            *error = {Protocol::ErrorCode::Conflict,
                u"%1 (%2) is already called %3"_s.arg(other.mac,
                    other.stack ? u"stack %1 slot %2"_s.arg(*other.stack).arg(other.slot.value_or(0))
                                : u"not placed"_s,
                    name)};
            return false;
        }
    }
    // Copied before `it` writes: an iterator taken earlier writes through to a shallow copy too.
    QMap<QString, NodeRecord> before = m_nodes;
    before.detach();
    const QString nameBefore = it->name;
    it->name = name;
    if (QString problem; !save(&problem)) {
        m_nodes = before;
        *error = {Protocol::ErrorCode::Internal, problem};
        return false;
    }
    nameMayHaveChanged(mac.toLower(), nameBefore);
    return true;
}

bool NodeInventory::unassign(const QString &mac, QString *error)
{
    const auto it = m_nodes.find(mac.toLower());
    if (it == m_nodes.end() || !it->stack)
        return true;
    QMap<QString, NodeRecord> before = m_nodes;
    before.detach();
    it->stack.reset();
    it->slot.reset();
    it->name.clear();
    it->address.clear();
    if (!save(error)) {
        m_nodes = before;
        return false;
    }
    return true;
}

void NodeInventory::recordHeartbeat(const QString &mac, const QJsonObject &metrics, const QDateTime &when)
{
    const auto it = m_nodes.find(mac.toLower());
    if (it == m_nodes.end())
        return;
    it->lastSeen = when;
    it->lastMetrics = metrics;
    m_dirty = true;
}

bool NodeInventory::saveIfDue(const QDateTime &now, QString *error)
{
    if (!m_dirty || (m_lastSave.isValid() && m_lastSave.msecsTo(now) < HeartbeatSaveIntervalMs))
        return true;
    return save(error);
}

std::optional<NodeRecord> NodeInventory::authenticate(const QByteArray &credentialHash) const
{
    for (const NodeRecord &node : m_nodes) {
        if (!node.credentialHash.isEmpty() && constantTimeEquals(node.credentialHash, credentialHash))
            return node;
    }
    return std::nullopt;
}
