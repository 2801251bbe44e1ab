// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/dialogprompts.h"

#include <QApplication>
#include <QInputDialog>
#include <QMessageBox>
#include <QPushButton>

namespace DialogPrompts {

bool confirm(QWidget *parent, const QString &title, const QString &text, const QStringList &details)
{
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Yes | QMessageBox::Cancel, parent);
    box.setDefaultButton(QMessageBox::Cancel);
    box.setDetailedText(details.join(u'\n'));
    return box.exec() == QMessageBox::Yes;
}

RackConnector::Prompts connectionPrompts(QWidget *parent)
{
    RackConnector::Prompts prompts;
    prompts.trust = [parent](const SavedRack &rack, const QString &fingerprint) {
        return QMessageBox::question(parent, QApplication::tr("Trust this rack?"),
                   QApplication::tr("%1 (%2) presents the certificate\n\n%3\n\nCompare it with the output of "
                                    "\"rackd --fingerprint\" on the master. Trust it from now on?")
                       .arg(rack.name, rack.key(), fingerprint))
            == QMessageBox::Yes;
    };
    prompts.mismatch = [parent](const SavedRack &rack, const QString &pinned, const QString &presented) {
        QMessageBox::critical(parent, QApplication::tr("This is not the rack you trusted"),
            QApplication::tr(
                "%1 (%2) presents %3, but %4 is pinned for it. PiRack will not talk to it: someone may "
                "be in between, or rackd's key was replaced. If you replaced it, remove the rack's "
                "line from the known-racks file and connect again.")
                .arg(rack.name, rack.key(), presented, pinned));
    };
    prompts.storeInFile = [parent](const SavedRack &rack, const QString &file, const QString &why) {
        QMessageBox box(QMessageBox::Question, QApplication::tr("No keyring to keep the token"),
            QApplication::tr(
                "No secret service (GNOME Keyring, KWallet) answered (%1), so the token of %2 cannot be "
                "kept safely.\n\nKeep it in %3, readable only by you? Otherwise it is asked for each time.")
                .arg(why, rack.name, file),
            QMessageBox::NoButton, parent);
        QPushButton *inFile = box.addButton(QApplication::tr("Keep it in the file"), QMessageBox::AcceptRole);
        box.addButton(QApplication::tr("Do not keep it"), QMessageBox::RejectRole);
        box.exec();
        return box.clickedButton() == inFile;
    };
    prompts.askToken = [parent](const SavedRack &rack, const QString &why) -> std::optional<QString> {
        bool ok = false;
        const QString token = QInputDialog::getText(parent, QApplication::tr("Token for %1").arg(rack.name),
            QApplication::tr("%1\nEnter the token (rackd prints the first admin token in its state folder; "
                             "\"rackctl token create\" makes others):")
                .arg(why),
            QLineEdit::Password, {}, &ok);
        return ok ? std::optional<QString>(token) : std::nullopt;
    };
    return prompts;
}

} // namespace DialogPrompts
