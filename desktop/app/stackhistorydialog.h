// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/powerhistory.h"
#include "session/racksession.h"

#include <QDialog>
#include <QJsonArray>

class QLabel;
class QTableWidget;

/**
 * A stack's power history: when its relay was switched, by whom, and how long its Pis took to come
 * up (what this app saw live), then the older power requests from rackd's audit log. Kept current
 * while it is open.
 */
class StackHistoryDialog : public QDialog
{
    Q_OBJECT

public:
    StackHistoryDialog(int stack, RackSession *session, PowerHistory *history, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    QString note() const;

Q_SIGNALS:
    /// The audit's answer arrived (or its refusal) and the table shows it.
    void loaded();

private:
    void fill();
    void showAudit(const Protocol::Reply &reply);

    int m_stack;
    PowerHistory *m_history;
    QJsonArray m_audit;
    QTableWidget *m_table;
    QLabel *m_note;
};
