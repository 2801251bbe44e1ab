// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "session/racksession.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QTableWidget;

/**
 * rackd's audit log: who did what to which stacks or Pis, from where, and how it ended. rackd
 * sends no event per entry, so the pane reloads shortly after anything that is audited happens
 * (a relay or an install changing, an action of ours finishing), and on demand.
 */
class AuditPane : public QWidget
{
    Q_OBJECT

public:
    static constexpr int Entries = 200;

    explicit AuditPane(RackSession *session, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    /// Reloads soon; a burst of calls is one request.
    void reloadSoon() { m_reload.start(); }
    void reload();

Q_SIGNALS:
    void loaded();

private:
    RackSession *m_session;
    QTableWidget *m_table;
    QLabel *m_message;
    QTimer m_reload;
};
