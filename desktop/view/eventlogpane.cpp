// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "view/eventlogpane.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

EventLogPane::EventLogPane(EventLogModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new EventLogFilter(this))
    , m_filter(new QComboBox)
    , m_view(new QListView)
    , m_raw(new QPlainTextEdit)
{
    m_proxy->setSourceModel(m_model);
    m_view->setModel(m_proxy);
    m_view->setUniformItemSizes(true);
    m_view->setIconSize(QSize(16, 16));
    m_view->setWordWrap(false);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAccessibleName(tr("Event log"));
    m_view->setAccessibleDescription(
        tr("What happened on the rack, newest last; select one to see it as rackd sent it"));
    m_filter->setAccessibleName(tr("Show events"));
    setAccessibleName(tr("Events"));
    setAccessibleDescription(tr("What happened on the rack in words, with a filter"));
    m_filter->setObjectName(u"eventFilter"_s);
    m_raw->setReadOnly(true);
    m_raw->setAccessibleName(tr("The selected event as rackd sent it"));
    m_raw->setPlaceholderText(tr("Select an event to see it as rackd sent it."));
    m_raw->setFont(QFont(u"monospace"_s));
    m_raw->setMaximumBlockCount(400);
    // Shown once an event is selected, at most a few lines high: the log stays the pane's main part.
    m_raw->setMaximumHeight(m_raw->fontMetrics().height() * 9);
    m_raw->hide();
    setStacks({});

    auto *label = new QLabel(tr("&Show:"));
    label->setBuddy(m_filter);
    auto *bar = new QHBoxLayout;
    bar->addWidget(label);
    bar->addWidget(m_filter);
    bar->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_raw);

    connect(m_filter, &QComboBox::currentIndexChanged, this, &EventLogPane::applyFilter);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &EventLogPane::showRaw);
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this,
        [this](int value) { m_following = value == m_view->verticalScrollBar()->maximum(); });
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_following)
            m_view->scrollToBottom();
    });
}

void EventLogPane::setStacks(const QList<int> &stacks)
{
    const QVariant chosen = m_filter->currentData();
    QSignalBlocker blocker(m_filter);
    m_filter->clear();
    m_filter->addItem(tr("All events"), u"all"_s);
    m_filter->addItem(EventLogModel::severityIcon(EventWording::Severity::Warning), tr("Warnings and worse"),
        u"warnings"_s);
    m_filter->addItem(tr("Mine (what I did)"), u"mine"_s);
    for (int stack : stacks)
        m_filter->addItem(tr("Stack %1").arg(stack), stack);
    const int again = m_filter->findData(chosen);
    m_filter->setCurrentIndex(again >= 0 ? again : 0);
    blocker.unblock();
    applyFilter();
}

void EventLogPane::applyFilter()
{
    const QVariant chosen = m_filter->currentData();
    if (chosen == u"warnings"_s)
        m_proxy->show(EventLogFilter::Show::Warnings);
    else if (chosen == u"mine"_s)
        m_proxy->show(EventLogFilter::Show::Mine);
    else if (chosen.typeId() == QMetaType::Int)
        m_proxy->show(EventLogFilter::Show::Stack, chosen.toInt());
    else
        m_proxy->show(EventLogFilter::Show::All);
    m_view->scrollToBottom();
}

void EventLogPane::showRaw()
{
    const QModelIndex current = m_view->currentIndex();
    const QString raw = current.data(EventLogModel::RawRole).toString();
    m_raw->setVisible(current.isValid());
    m_raw->setPlainText(
        current.isValid() && raw.isEmpty() ? tr("(written by this app, not an event of rackd)") : raw);
}

int EventLogPane::shownCount() const { return m_proxy->rowCount(); }
