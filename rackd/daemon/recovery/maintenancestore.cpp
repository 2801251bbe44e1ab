// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "maintenancestore.h"

#include "storage/jsonfile.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

QJsonObject MaintenanceStore::Entry::toJson() const
{
    return {{u"reason"_s, reason}, {u"by"_s, by}, {u"since"_s, since.toString(Qt::ISODateWithMs)}};
}

std::optional<MaintenanceStore::Entry> MaintenanceStore::Entry::fromJson(const QJsonObject &object)
{
    Entry entry;
    entry.reason = object.value(u"reason"_s).toString();
    entry.by = object.value(u"by"_s).toString();
    entry.since = QDateTime::fromString(object.value(u"since"_s).toString(), Qt::ISODateWithMs);
    if (!entry.since.isValid() || entry.reason.size() > MaximumReasonLength || entry.by.size() > 256)
        return std::nullopt;
    return entry;
}

MaintenanceStore::MaintenanceStore(QString path)
    : m_path(std::move(path))
{ }

bool MaintenanceStore::load(QString *error)
{
    const JsonFile::ReadResult file = JsonFile::read(m_path, 1024 * 1024);
    if (file.status == JsonFile::ReadResult::Status::Missing)
        return true;
    if (file.status != JsonFile::ReadResult::Status::Ok) {
        *error = u"%1: %2"_s.arg(m_path, file.error);
        return false;
    }
    static const QRegularExpression macPattern(
        QRegularExpression::anchoredPattern(u"([0-9a-f]{2}:){5}[0-9a-f]{2}"_s));
    QMap<int, Entry> stacks;
    QMap<QString, Entry> nodes;
    const QJsonObject savedStacks = file.object.value(u"stacks"_s).toObject();
    for (auto it = savedStacks.begin(); it != savedStacks.end(); ++it) {
        bool number = false;
        const int id = it.key().toInt(&number);
        const std::optional<Entry> entry = Entry::fromJson(it.value().toObject());
        if (!number || id < 1 || !entry) {
            *error = u"%1: the entry for stack \"%2\" is damaged"_s.arg(m_path, it.key());
            return false;
        }
        stacks.insert(id, *entry);
    }
    const QJsonObject savedNodes = file.object.value(u"nodes"_s).toObject();
    for (auto it = savedNodes.begin(); it != savedNodes.end(); ++it) {
        const std::optional<Entry> entry = Entry::fromJson(it.value().toObject());
        if (!macPattern.match(it.key()).hasMatch() || !entry) {
            *error = u"%1: the entry for node \"%2\" is damaged"_s.arg(m_path, it.key().left(40));
            return false;
        }
        nodes.insert(it.key(), *entry);
    }
    m_stacks = stacks;
    m_nodes = nodes;
    return true;
}

std::optional<MaintenanceStore::Entry> MaintenanceStore::stack(int id) const
{
    const auto found = m_stacks.constFind(id);
    return found == m_stacks.cend() ? std::nullopt : std::optional<Entry>(*found);
}

std::optional<MaintenanceStore::Entry> MaintenanceStore::node(const QString &mac) const
{
    const auto found = m_nodes.constFind(mac.toLower());
    return found == m_nodes.cend() ? std::nullopt : std::optional<Entry>(*found);
}

bool MaintenanceStore::setStack(int id, const std::optional<Entry> &entry, QString *error)
{
    QMap<int, Entry> stacks = m_stacks;
    if (entry)
        stacks.insert(id, *entry);
    else
        stacks.remove(id);
    if (!save(stacks, m_nodes, error))
        return false;
    m_stacks = stacks;
    return true;
}

bool MaintenanceStore::setNode(const QString &mac, const std::optional<Entry> &entry, QString *error)
{
    QMap<QString, Entry> nodes = m_nodes;
    if (entry)
        nodes.insert(mac.toLower(), *entry);
    else
        nodes.remove(mac.toLower());
    if (!save(m_stacks, nodes, error))
        return false;
    m_nodes = nodes;
    return true;
}

bool MaintenanceStore::save(const QMap<int, Entry> &stacks, const QMap<QString, Entry> &nodes, QString *error)
{
    QJsonObject savedStacks;
    for (auto it = stacks.cbegin(); it != stacks.cend(); ++it)
        savedStacks.insert(QString::number(it.key()), it->toJson());
    QJsonObject savedNodes;
    for (auto it = nodes.cbegin(); it != nodes.cend(); ++it)
        savedNodes.insert(it.key(), it->toJson());
    QString problem;
    if (!JsonFile::write(m_path, {{u"stacks"_s, savedStacks}, {u"nodes"_s, savedNodes}}, JsonFile::OwnerOnly,
            &problem, 1024 * 1024)) {
        *error = u"cannot save the maintenance state: %1"_s.arg(problem);
        return false;
    }
    return true;
}
