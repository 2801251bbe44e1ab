// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/rackstate.h"
#include "protocol/eventwording.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QIcon>
#include <QJsonObject>
#include <QSortFilterProxyModel>
#include <optional>

/**
 * The event log: rackd's events in the operator's words (EventWording), and what the app itself
 * reports (a power action's answer, a command's outcome), newest last, at most `capacity` entries.
 * Each keeps its severity, its stack, who did it and, for rackd's events, the event as it came.
 */
class EventLogModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        SeverityRole = Qt::UserRole + 1, ///< EventWording::Severity as int
        StackRole, ///< The stack it is about, or an invalid QVariant
        MineRole, ///< Done by this app's token, or written by the app itself
        RawRole, ///< The event as rackd sent it, indented JSON; empty for the app's own lines
        TextRole, ///< The sentence alone
    };

    struct Entry
    {
        QDateTime time;
        EventWording::Severity severity = EventWording::Severity::Info;
        QString text;
        std::optional<int> stack;
        QString actor;
        bool fromApp = false;
        QJsonObject raw;
    };

    explicit EventLogModel(int capacity = 2000, QObject *parent = nullptr);

    /// Who this app is to rackd (the welcome's token name): its events count as "mine".
    void setMyName(const QString &tokenName) { m_myName = tokenName; }
    /// The rack, when known: a Pi going down because its stack was switched off is no warning.
    void setRack(const RackState *rack) { m_rack = rack; }
    /// A rackd event; routine ones (metrics) are left out. Returns whether it was added.
    bool addEvent(const Protocol::Event &event, const QDateTime &time = QDateTime::currentDateTime());
    /// A line of the app's own (an answer to something this operator did).
    void addLine(const QString &text, EventWording::Severity severity = EventWording::Severity::Info,
        std::optional<int> stack = std::nullopt);
    const Entry &entry(int row) const { return m_entries.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    static QIcon severityIcon(EventWording::Severity severity);

private:
    void append(Entry entry);

    int m_capacity;
    QString m_myName;
    const RackState *m_rack = nullptr;
    QList<Entry> m_entries;
};

/// Which entries the log shows: all, warnings and worse, mine, or one stack's.
class EventLogFilter : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    enum class Show { All, Warnings, Mine, Stack };
    explicit EventLogFilter(QObject *parent = nullptr);
    void show(Show what, int stack = 0);
    Show showing() const { return m_show; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    Show m_show = Show::All;
    int m_stack = 0;
};
