// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "client/pinstore.h"
#include "connectdialog.h"
#include "mainwindow.h"
#include "rackconnector.h"
#include "structureeditor.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace {

bool confirmDialog(QWidget *parent, const QString &title, const QString &text, const QStringList &details)
{
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Yes | QMessageBox::Cancel, parent);
    box.setDefaultButton(QMessageBox::Cancel);
    box.setDetailedText(details.join(u'\n'));
    return box.exec() == QMessageBox::Yes;
}

RackConnector::Prompts dialogPrompts(QWidget *parent)
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

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"pirack"_s);
    QApplication::setOrganizationName(u"PiRack"_s);
    QApplication::setApplicationVersion(QStringLiteral(PIRACK_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"PiRack: the rack, its stacks and its Pis, live. Without options it asks "
        u"which saved rack to connect to."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption rackName(u"rack"_s, u"connect to this saved rack"_s, u"name"_s);
    const QCommandLineOption host(u"host"_s, u"rackd's host (saves the rack under --name)"_s, u"host"_s);
    const QCommandLineOption port(u"port"_s, u"rackd's port"_s, u"port"_s, u"7420"_s);
    const QCommandLineOption name(
        u"name"_s, u"the name to save --host under (default HOST:PORT)"_s, u"name"_s);
    const QCommandLineOption tokenFile(
        u"token-file"_s, u"read the token from this file (it is not stored elsewhere)"_s, u"file"_s);
    const QCommandLineOption knownRacks(
        u"known-racks"_s, u"file of trusted racks"_s, u"file"_s, PinStore::defaultPath());
    const QCommandLineOption trust(u"trust-fingerprint"_s,
        u"pin this fingerprint for the rack if none is pinned (as shown by rackd --fingerprint)"_s,
        u"fingerprint"_s);
    const QCommandLineOption design(
        u"design"_s, u"open the rack designer on FILE (or a new rack), without any connection"_s);
    const QCommandLineOption screenshot(u"screenshot"_s,
        u"once connected and loaded, save a picture of the window to FILE and quit (for a machine without display)"_s,
        u"file"_s);
    parser.addOptions({rackName, host, port, name, tokenFile, knownRacks, trust, design, screenshot});
    parser.process(app);

    if (parser.isSet(design)) {
        auto *editor = new StructureEditor;
        editor->setAttribute(Qt::WA_DeleteOnClose);
        QString error;
        if (!parser.positionalArguments().isEmpty()
            && !editor->openFile(parser.positionalArguments().first(), &error)) {
            QMessageBox::critical(nullptr, u"PiRack"_s, error);
            return 2;
        }
        editor->show();
        return QApplication::exec();
    }

    std::optional<SavedRack> rack;
    if (parser.isSet(host)) {
        bool portOk = false;
        const uint portNumber = parser.value(port).toUInt(&portOk);
        if (!portOk || portNumber == 0 || portNumber > 65535) {
            QMessageBox::critical(nullptr, u"PiRack"_s, QApplication::tr("--port must be from 1 to 65535."));
            return 2;
        }
        rack = SavedRack {parser.value(name), parser.value(host), quint16(portNumber)};
        if (rack->name.isEmpty())
            rack->name = rack->key();
        SavedRacks::put(*rack);
    } else if (parser.isSet(rackName)) {
        for (const SavedRack &saved : SavedRacks::load()) {
            if (saved.name == parser.value(rackName))
                rack = saved;
        }
        if (!rack) {
            QMessageBox::critical(nullptr, u"PiRack"_s,
                QApplication::tr("There is no saved rack called \"%1\".").arg(parser.value(rackName)));
            return 2;
        }
    }
    QString token = qEnvironmentVariable("PIRACK_TOKEN");
    if (parser.isSet(tokenFile)) {
        QFile file(parser.value(tokenFile));
        if (!file.open(QIODevice::ReadOnly)) {
            QMessageBox::critical(nullptr, u"PiRack"_s,
                QApplication::tr("Cannot read the token file %1: %2")
                    .arg(file.fileName(), file.errorString()));
            return 2;
        }
        token = QString::fromUtf8(file.readLine(4096)).trimmed();
    }
    if (parser.isSet(trust) && rack) {
        PinStore pins(parser.value(knownRacks));
        QString error;
        if (!pins.load(&error)
            || (pins.fingerprint(rack->host, rack->port).isEmpty()
                && !pins.pin(rack->host, rack->port, parser.value(trust).trimmed(), &error))) {
            QMessageBox::critical(nullptr, u"PiRack"_s, error);
            return 5;
        }
    }

    RackState state;
    RackSession session(&state);
    MainWindow *windowPointer = nullptr;
    MainWindow window(&session, &state,
        [&windowPointer](const QString &title, const QString &text, const QStringList &details) {
            return confirmDialog(windowPointer, title, text, details);
        });
    windowPointer = &window;
    TokenKeyring keyring(TokenKeyring::defaultFallbackFile());
    RackConnector connector(&session, &state, &keyring, parser.value(knownRacks), dialogPrompts(&window));
    QObject::connect(&connector, &RackConnector::rackChanged, &window,
        [&window](const SavedRack &chosen) { window.setRackName(chosen.name); });
    QObject::connect(&connector, &RackConnector::stopped, &window, [&window](const QString &reason) {
        window.banner()->setText(reason);
        window.banner()->show();
    });
    const auto chooseRack = [&window, &connector](const QString &message) {
        ConnectDialog dialog(&window);
        dialog.setMessage(message);
        if (dialog.exec() == QDialog::Accepted)
            connector.connectTo(dialog.rack(), dialog.typedToken());
    };
    QObject::connect(
        window.switchRackAction(), &QAction::triggered, &window, [&chooseRack] { chooseRack({}); });
    window.resize(1400, 850);
    window.show();
    if (parser.isSet(screenshot)) {
        const QString path = parser.value(screenshot);
        QObject::connect(
            &session, &RackSession::statusChanged, &window, [&window, path](RackSession::Status status) {
                if (status != RackSession::Status::Connected)
                    return;
                // A few heartbeats later the tiles show CPU and temperature.
                QTimer::singleShot(4000, &window, [&window, path] {
                    const bool saved = window.grab().save(path);
                    std::fprintf(stderr, "%s\n",
                        qPrintable(saved ? u"pirack: the window is in "_s + path
                                         : u"pirack: cannot write "_s + path));
                    QApplication::exit(saved ? 0 : 1);
                });
            });
        QTimer::singleShot(60000, &window, [] {
            std::fputs("pirack: not connected within 60 s\n", stderr);
            QApplication::exit(3);
        });
    }
    if (rack)
        connector.connectTo(
            *rack, token, false); // a token from --token-file stays where the operator keeps it
    else
        chooseRack({});
    return QApplication::exec();
}
