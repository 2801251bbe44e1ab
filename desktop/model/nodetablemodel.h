// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/rackstate.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSortFilterProxyModel>

/**
 * Every node of a RackState as a table (name, stack, slot, MAC, address, state, CPU, temperature),
 * in rack order. A batch of changes becomes one dataChanged per contiguous run of rows, so 1000
 * heartbeats do not cost 1000 repaints.
 */
class NodeTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Stack, Slot, Mac, Address, State, Cpu, Temperature, ColumnCount };
    enum Role { MacRole = Qt::UserRole + 1, SearchTextRole };

    explicit NodeTableModel(RackState *rack, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    QString macAt(int row) const { return m_macs.value(row); }
    int rowOf(const QString &mac) const { return m_rows.value(mac, -1); }

private:
    void rebuild();
    void nodesChanged(const QStringList &macs);

    RackState *m_rack;
    QStringList m_macs;
    QHash<QString, int> m_rows;
};

/// The search box: a node matches when its name, MAC, address or "stack N" contains the text.
class NodeFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setSearchText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_search;
};
