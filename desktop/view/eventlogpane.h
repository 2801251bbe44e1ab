// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/eventlogmodel.h"

#include <QWidget>

class QComboBox;
class QListView;
class QPlainTextEdit;

/**
 * The Events pane: the log with a severity icon per line, a filter (all, warnings, mine, one
 * stack), and the selected event as rackd sent it, for the curious, below the list.
 */
class EventLogPane : public QWidget
{
    Q_OBJECT

public:
    explicit EventLogPane(EventLogModel *model, QWidget *parent = nullptr);

    /// The stacks the filter offers (the rack's, once loaded).
    void setStacks(const QList<int> &stacks);
    QComboBox *filterBox() const { return m_filter; }
    QListView *view() const { return m_view; }
    QPlainTextEdit *rawView() const { return m_raw; }
    int shownCount() const;

private:
    void applyFilter();
    void showRaw();

    EventLogModel *m_model;
    EventLogFilter *m_proxy;
    QComboBox *m_filter;
    QListView *m_view;
    QPlainTextEdit *m_raw;
    bool m_following = true; ///< Scrolled to the end: new lines keep it there.
};
