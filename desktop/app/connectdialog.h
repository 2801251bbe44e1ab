// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "client/connectlink.h"
#include "client/savedracks.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

/**
 * Choosing the rack to connect to: the saved racks (name, host, port), a form to add or change one,
 * and the token field, which stays empty when the keyring already holds the rack's token. Or a
 * pasted connect link: it fills the form and shows the fingerprint the rack must present; the rack
 * is saved only once it proved the link right (RackConnector::connectWithLink).
 */
class ConnectDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ConnectDialog(QWidget *parent = nullptr);

    /// The rack in the form (saved when Connect is pressed).
    SavedRack rack() const;
    QString typedToken() const;
    /// The pasted link, with the name the form gives the rack; empty when none was pasted.
    std::optional<ConnectLink> link() const;
    /// As if pasted (a link the app was started with, or one clicked in a browser).
    void setLinkText(const QString &text);
    QLineEdit *linkField() const { return m_link; }
    void selectRack(const QString &name);
    QListWidget *rackList() const { return m_list; }
    void setMessage(const QString &message);

    void accept() override;

private:
    void reload(const QString &select);
    void showRack(const SavedRack &rack);
    void readLink();

    QListWidget *m_list;
    QLineEdit *m_link;
    QLabel *m_linkInfo;
    QLabel *m_hint = nullptr;
    std::optional<ConnectLink> m_pastedLink;
    QLineEdit *m_name;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_token;
    QLabel *m_message;
    SavedRacks m_saved;
};
