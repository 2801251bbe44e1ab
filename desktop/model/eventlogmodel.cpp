// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/eventlogmodel.h"

#include "protocol/vocabulary.h"
#include "system/printable.h"

#include <QApplication>
#include <QIcon>
#include <QJsonDocument>
#include <QPixmap>
#include <QStyle>

using namespace Qt::Literals::StringLiterals;
using EventWording::Severity;

EventLogModel::EventLogModel(int capacity, QObject *parent)
    : QAbstractListModel(parent)
    , m_capacity(capacity)
{ }

bool EventLogModel::addEvent(const Protocol::Event &event, const QDateTime &time)
{
    const EventWording::Sentence sentence = EventWording::describe(event);
    if (sentence.routine)
        return false; // a second's heartbeats, the install's whole record: not news
    Entry entry;
    entry.time = time;
    entry.severity = sentence.severity;
    entry.text = Printable::oneLine(sentence.text, 1000); // from the network: one line, no control characters
    // relay.changed comes first: a Pi of a stack that is off now went down because someone cut it.
    const StackView *stack = m_rack && sentence.stack ? m_rack->stack(*sentence.stack) : nullptr;
    if (event.name == Protocol::name(Protocol::EventName::NodeDown) && stack && stack->relay == false) {
        entry.severity = Severity::Info;
        entry.text += tr(": its stack is switched off");
    }
    entry.stack = sentence.stack;
    entry.actor = sentence.actor;
    entry.raw = QJsonObject {{u"event"_s, event.name}, {u"data"_s, event.data}};
    append(std::move(entry));
    return true;
}

void EventLogModel::addLine(const QString &text, Severity severity, std::optional<int> stack)
{
    Entry entry;
    entry.time = QDateTime::currentDateTime();
    entry.severity = severity;
    entry.text = text;
    entry.stack = stack;
    entry.fromApp = true;
    append(std::move(entry));
}

void EventLogModel::append(Entry entry)
{
    if (m_entries.size() >= m_capacity) {
        beginRemoveRows({}, 0, 0);
        m_entries.removeFirst();
        endRemoveRows();
    }
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.append(std::move(entry));
    endInsertRows();
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QIcon EventLogModel::severityIcon(Severity severity)
{
    QStyle *style = QApplication::style();
    switch (severity) {
    case Severity::Critical:
        return style->standardIcon(QStyle::SP_MessageBoxCritical);
    case Severity::Warning:
        return style->standardIcon(QStyle::SP_MessageBoxWarning);
    case Severity::Notice:
        return style->standardIcon(QStyle::SP_MessageBoxInformation);
    case Severity::Info:
        break;
    }
    // Blank, so that every line's text starts in the same column.
    static const QIcon blank = [] {
        QPixmap pixmap(16, 16);
        pixmap.fill(Qt::transparent);
        return QIcon(pixmap);
    }();
    return blank;
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const Entry &entry = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        // The word as well as the icon: a colour-blind or screen-reader user reads the same.
        const QString prefix = entry.severity == Severity::Critical ? tr("CRITICAL: ")
            : entry.severity == Severity::Warning                   ? tr("Warning: ")
                                                                    : QString();
        return QString(entry.time.toString(u"HH:mm:ss"_s) + u"  "_s + prefix + entry.text);
    }
    case Qt::DecorationRole:
        return severityIcon(entry.severity);
    case Qt::ToolTipRole:
    case Qt::AccessibleDescriptionRole:
        return tr("%1, %2%3")
            .arg(EventWording::severityName(entry.severity), entry.time.toString(Qt::ISODate),
                entry.actor.isEmpty() ? QString() : tr(", by %1").arg(entry.actor));
    case SeverityRole:
        return int(entry.severity);
    case StackRole:
        return entry.stack ? QVariant(*entry.stack) : QVariant();
    case MineRole:
        return entry.fromApp || (!m_myName.isEmpty() && entry.actor == m_myName);
    case RawRole:
        return entry.raw.isEmpty()
            ? QString()
            : QString::fromUtf8(QJsonDocument(entry.raw).toJson(QJsonDocument::Indented));
    case TextRole:
        return entry.text;
    default:
        return {};
    }
}

EventLogFilter::EventLogFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{ }

void EventLogFilter::show(Show what, int stack)
{
    m_show = what;
    m_stack = stack;
    invalidateRowsFilter();
}

bool EventLogFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    switch (m_show) {
    case Show::All:
        return true;
    case Show::Warnings:
        return index.data(EventLogModel::SeverityRole).toInt() >= int(Severity::Warning);
    case Show::Mine:
        return index.data(EventLogModel::MineRole).toBool();
    case Show::Stack: {
        const QVariant stack = index.data(EventLogModel::StackRole);
        return stack.isValid() && stack.toInt() == m_stack;
    }
    }
    return true;
}
