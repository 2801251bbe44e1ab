// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "session/racksession.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

/**
 * The rack's tokens, for an admin: who may do what (token.list), a new token for a person or a
 * script, shown once, as a connect link by default (what `rackctl token create --link` prints), and
 * revoking one. Everything goes through rackd, which checks the role: a viewer sees rackd's refusal.
 */
class TokensDialog : public QDialog
{
    Q_OBJECT

public:
    explicit TokensDialog(RackSession *session, QWidget *parent = nullptr);

    /// Asks rackd for the list again.
    void refresh();
    /// What the last action left for the operator to copy (the link or the token), or empty.
    QString created() const;

    QTableWidget *table() const { return m_table; }
    QLineEdit *nameField() const { return m_name; }
    QComboBox *roleBox() const { return m_role; }
    QCheckBox *asLinkBox() const { return m_asLink; }
    QLineEdit *linkHostField() const { return m_linkHost; }
    QString message() const;

    void create();
    /// Revokes the token selected in the table, once the operator confirmed (`confirm` may be replaced by
    /// tests).
    void revokeSelected();
    std::function<bool(const QString &name)> confirmRevoke;

Q_SIGNALS:
    /// An answer from rackd arrived and was shown (for tests and for anything that waits).
    void answered();

private:
    void setMessage(const QString &text, bool problem);
    void showList(const Protocol::Reply &reply);
    void showCreated(const Protocol::Reply &reply, bool asLink, const QString &linkHost);

    RackSession *m_session;
    QTableWidget *m_table;
    QLineEdit *m_name;
    QComboBox *m_role;
    QCheckBox *m_asLink;
    QLineEdit *m_linkHost;
    QLineEdit *m_created;
    QPushButton *m_copy;
    QLabel *m_message;
};
