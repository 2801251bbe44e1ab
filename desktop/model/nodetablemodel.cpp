// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/nodetablemodel.h"

using namespace Qt::Literals::StringLiterals;

NodeTableModel::NodeTableModel(RackState *rack, QObject *parent)
    : QAbstractTableModel(parent)
    , m_rack(rack)
{
    connect(m_rack, &RackState::reset, this, &NodeTableModel::rebuild);
    connect(m_rack, &RackState::nodesChanged, this, &NodeTableModel::nodesChanged);
    rebuild();
}

void NodeTableModel::rebuild()
{
    beginResetModel();
    m_macs = m_rack->nodeOrder();
    m_rows.clear();
    for (qsizetype row = 0; row < m_macs.size(); ++row)
        m_rows.insert(m_macs.at(row), int(row));
    endResetModel();
}

void NodeTableModel::nodesChanged(const QStringList &macs)
{
    QList<int> rows;
    rows.reserve(macs.size());
    for (const QString &mac : macs) {
        const int row = m_rows.value(mac, -1);
        if (row >= 0)
            rows.append(row);
    }
    std::sort(rows.begin(), rows.end());
    // One signal per run of adjacent rows: a whole stack's heartbeats are one repaint.
    for (qsizetype i = 0; i < rows.size();) {
        qsizetype j = i;
        while (j + 1 < rows.size() && rows.at(j + 1) <= rows.at(j) + 1)
            ++j;
        Q_EMIT dataChanged(index(rows.at(i), 0), index(rows.at(j), ColumnCount - 1));
        i = j + 1;
    }
}

int NodeTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_macs.size());
}

int NodeTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList titles {tr("Name"), tr("Stack"), tr("Slot"), tr("MAC"), tr("Address"),
        tr("State"), tr("CPU %"), tr("Temp °C")};
    return titles.value(section);
}

QVariant NodeTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_macs.size())
        return {};
    const NodeView *node = m_rack->node(m_macs.at(index.row()));
    if (!node)
        return {};
    if (role == MacRole)
        return node->mac;
    if (role == SearchTextRole) {
        return QStringList {
            node->name, node->mac, node->address, node->stack ? u"stack %1"_s.arg(*node->stack) : QString()}
            .join(u' ');
    }
    if (role != Qt::DisplayRole)
        return {};
    const auto number = [](const QJsonValue &value, int decimals) -> QVariant {
        return value.isDouble() ? QVariant(QString::number(value.toDouble(), 'f', decimals))
                                : QVariant(u"-"_s);
    };
    switch (index.column()) {
    case Name:
        return node->label();
    case Stack:
        return node->stack ? QVariant(*node->stack) : QVariant(u"-"_s);
    case Slot:
        return node->slot ? QVariant(*node->slot) : QVariant(u"-"_s);
    case Mac:
        return node->mac;
    case Address:
        return node->address;
    case State:
        // What rackd's recovery says of the node, and maintenance, beside its state: "down, lost".
        if (!node->maintenance.isEmpty())
            return QString(node->state + tr(", maintenance"));
        return node->condition == u"ok" ? node->state : QString(node->state + u", "_s + node->condition);
    case Cpu:
        // The agent needs two samples for a CPU share: its first heartbeat has none yet.
        if (node->isUp() && !node->metrics.value(u"cpu_percent"_s).isDouble())
            return tr("measuring…");
        return number(node->metrics.value(u"cpu_percent"_s), 1);
    case Temperature:
        return number(node->metrics.value(u"temperature_c"_s), 1);
    default:
        return {};
    }
}

void NodeFilterModel::setSearchText(const QString &text)
{
    m_search = text.trimmed();
    invalidateFilter();
}

bool NodeFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_search.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    return index.data(NodeTableModel::SearchTextRole).toString().contains(m_search, Qt::CaseInsensitive);
}
