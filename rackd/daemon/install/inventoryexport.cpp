// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/inventoryexport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace {

QList<NodeRecord> placedInRackOrder(const QList<NodeRecord> &nodes)
{
    QList<NodeRecord> placed;
    std::copy_if(nodes.cbegin(), nodes.cend(), std::back_inserter(placed), [](const NodeRecord &node) {
        return node.isAssigned() && node.slot && !node.name.isEmpty() && !node.address.isEmpty();
    });
    std::sort(placed.begin(), placed.end(), [](const NodeRecord &a, const NodeRecord &b) {
        return std::pair(*a.stack, *a.slot) < std::pair(*b.stack, *b.slot);
    });
    return placed;
}

int coresOf(const NodeRecord &node)
{
    const int cores = node.identity.value(u"cores"_s).toInt(0);
    return cores > 0 && cores <= 1024 ? cores : 1; // unknown: one slot, never an overcommitted guess
}

QMap<int, QList<NodeRecord>> byStack(const QList<NodeRecord> &nodes)
{
    QMap<int, QList<NodeRecord>> stacks;
    for (const NodeRecord &node : nodes)
        stacks[*node.stack].append(node);
    return stacks;
}

} // namespace

std::optional<InventoryExport::Format> InventoryExport::formatFromName(const QString &name)
{
    if (name == u"ansible")
        return Format::AnsibleIni;
    if (name == u"ansible-yaml")
        return Format::AnsibleYaml;
    if (name == u"hosts")
        return Format::Hosts;
    if (name == u"mpi")
        return Format::Mpi;
    if (name == u"json")
        return Format::Json;
    return std::nullopt;
}

QStringList InventoryExport::formatNames()
{
    return {u"ansible"_s, u"ansible-yaml"_s, u"hosts"_s, u"mpi"_s, u"json"_s};
}

QByteArray InventoryExport::render(Format format, const QList<NodeRecord> &nodes)
{
    const QList<NodeRecord> placed = placedInRackOrder(nodes);
    const QMap<int, QList<NodeRecord>> stacks = byStack(placed);
    QString out;
    switch (format) {
    case Format::AnsibleIni:
        out = u"# PiRack inventory: one group per stack, all of them in [pirack].\n"_s;
        for (auto it = stacks.cbegin(); it != stacks.cend(); ++it) {
            out += u"\n[stack%1]\n"_s.arg(it.key());
            for (const NodeRecord &node : it.value())
                out += u"%1 ansible_host=%2\n"_s.arg(node.name, node.address);
        }
        out += u"\n[pirack:children]\n"_s;
        for (auto it = stacks.cbegin(); it != stacks.cend(); ++it)
            out += u"stack%1\n"_s.arg(it.key());
        break;
    case Format::AnsibleYaml:
        out = u"# PiRack inventory: one group per stack, all of them in pirack.\nall:\n  children:\n    "
              u"pirack:\n"
              u"      children:\n"_s;
        for (auto it = stacks.cbegin(); it != stacks.cend(); ++it) {
            out += u"        stack%1:\n          hosts:\n"_s.arg(it.key());
            for (const NodeRecord &node : it.value())
                out += u"            %1:\n              ansible_host: %2\n"_s.arg(node.name, node.address);
        }
        break;
    case Format::Hosts:
        out = u"# PiRack nodes, for /etc/hosts\n"_s;
        for (const NodeRecord &node : placed)
            out += u"%1 %2\n"_s.arg(node.address, node.name);
        break;
    case Format::Mpi:
        out = u"# PiRack MPI hostfile: each Pi's cores as its slots\n"_s;
        for (const NodeRecord &node : placed)
            out += u"%1 slots=%2\n"_s.arg(node.name).arg(coresOf(node));
        break;
    case Format::Json: {
        QJsonArray array;
        for (const NodeRecord &node : placed)
            array.append(
                QJsonObject {{u"name"_s, node.name}, {u"address"_s, node.address}, {u"mac"_s, node.mac},
                    {u"stack"_s, *node.stack}, {u"slot"_s, *node.slot}, {u"cores"_s, coresOf(node)}});
        return QJsonDocument(QJsonObject {{u"nodes"_s, array}}).toJson();
    }
    }
    return out.toUtf8();
}
