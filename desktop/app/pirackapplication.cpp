// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/pirackapplication.h"

#include "app/connectdialog.h"
#include "app/desktopnotifications.h"
#include "app/dialogprompts.h"
#include "client/clientcredentials.h"
#include "client/connectlink.h"
#include "editor/structureeditor.h"
#include "protocol/tlsidentity.h"

#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;

PiRackApplication::PiRackApplication(LaunchOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_session(&m_state)
    , m_window(&m_session, &m_state,
          [this](const QString &title, const QString &text, const QStringList &details) {
              return DialogPrompts::confirm(&m_window, title, text, details);
          })
    , m_keyring(TokenKeyring::defaultFallbackFile())
    , m_connector(
          &m_session, &m_state, &m_keyring, m_options.knownRacks, DialogPrompts::connectionPrompts(&m_window))
    , m_notificationSink(desktopNotificationSink())
    , m_notifier(&m_session, &m_state, m_notificationSink.get())
{
    // What needs a person, outside the window too; the operator may turn it off (remembered).
    QAction *notify = m_window.notificationsAction();
    notify->setChecked(QSettings().value(u"notifications/enabled"_s, true).toBool());
    m_notifier.setEnabled(notify->isChecked());
    if (!m_notificationSink)
        notify->setToolTip(
            tr("No notification service or system tray here: what needs you shows in the window only"));
    connect(notify, &QAction::toggled, &m_notifier, [this](bool on) {
        m_notifier.setEnabled(on);
        QSettings().setValue(u"notifications/enabled"_s, on);
    });
    connect(&m_connector, &RackConnector::rackChanged, &m_window, [this](const SavedRack &chosen) {
        m_window.setRackName(chosen.name);
        m_notifier.setRackName(chosen.name);
    });
    connect(&m_connector, &RackConnector::stopped, &m_window, [this](const QString &reason) {
        m_window.banner()->setText(reason);
        m_window.banner()->show();
    });
    connect(m_window.switchRackAction(), &QAction::triggered, &m_window, [this] { chooseRack({}); });
}

bool PiRackApplication::start(QString *error, int *exitCode)
{
    if (!m_options.trustFingerprint.isEmpty() && !trustGivenFingerprint(error, exitCode))
        return false; // nothing saved: a rack is remembered once its start is accepted
    if (m_options.rack && m_options.rackIsNew) {
        QString problem;
        if (!SavedRacks().put(*m_options.rack, &problem))
            std::fprintf(stderr, "pirack: warning: the rack is not saved: %s\n", qPrintable(problem));
    }
    if (!m_options.tokenFileWarning.isEmpty())
        std::fprintf(stderr, "pirack: warning: %s\n", qPrintable(m_options.tokenFileWarning));
    m_window.resize(1400, 850);
    m_window.show();
    if (!m_options.screenshotFile.isEmpty())
        takeScreenshotWhenLoaded(m_options.screenshotFile);
    if (m_options.rack) // a token from --token-file stays where the operator keeps it
        m_connector.connectTo(*m_options.rack, m_options.token, false);
    else
        chooseRack({}, m_options.link);
    return true;
}

bool PiRackApplication::trustGivenFingerprint(QString *error, int *exitCode)
{
    PinStore pins(m_options.knownRacks);
    const SavedRack &rack = *m_options.rack;
    std::optional<ClientCredentials::GivenFingerprint> given;
    if (pins.load(error))
        given = ClientCredentials::checkGivenFingerprint(
            pins, rack.host, rack.port, m_options.trustFingerprint, error);
    // Not a fingerprint at all is a mistake in the command; anything else is a question of trust.
    *exitCode
        = normalizeFingerprint(m_options.trustFingerprint) ? LaunchOptions::Untrusted : LaunchOptions::Usage;
    return given && (!given->isNew || pins.pin(rack.host, rack.port, given->fingerprint, error));
}

void PiRackApplication::chooseRack(const QString &message, const QString &linkText)
{
    ConnectDialog dialog(&m_window);
    dialog.setMessage(message);
    if (!linkText.isEmpty())
        dialog.setLinkText(linkText); // shown for confirmation: the rack's name and fingerprint
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (const std::optional<ConnectLink> link = dialog.link())
        m_connector.connectWithLink(dialog.rack(), link->fingerprint, link->token);
    else
        m_connector.connectTo(dialog.rack(), dialog.typedToken());
}

void PiRackApplication::takeScreenshotWhenLoaded(const QString &path)
{
    connect(&m_session, &RackSession::statusChanged, &m_window, [this, path](RackSession::Status status) {
        if (status != RackSession::Status::Connected)
            return;
        // A few heartbeats later the tiles show CPU and temperature.
        QTimer::singleShot(4000, &m_window, [this, path] {
            const bool saved = m_window.grab().save(path);
            std::fprintf(stderr, "%s\n",
                qPrintable(
                    saved ? u"pirack: the window is in "_s + path : u"pirack: cannot write "_s + path));
            QApplication::exit(saved ? 0 : 1);
        });
    });
    QTimer::singleShot(60000, &m_window, [] {
        std::fputs("pirack: not connected within 60 s\n", stderr);
        QApplication::exit(3);
    });
}

int PiRackApplication::endAtOnce(const QString &message, int exitCode)
{
    if (exitCode == 0) {
        std::fputs(qPrintable(message + u'\n'), stdout);
        return 0;
    }
    std::fprintf(stderr, "pirack: %s\n", qPrintable(message));
    // Started from a menu there is no terminal: the operator reads it in a dialog.
    if (QGuiApplication::platformName() != u"offscreen")
        QMessageBox::critical(nullptr, u"PiRack"_s, message);
    return exitCode;
}

int PiRackApplication::runDesigner(const QString &file)
{
    auto *editor = new StructureEditor;
    editor->setAttribute(Qt::WA_DeleteOnClose);
    QString error;
    if (!file.isEmpty() && !editor->openFile(file, &error)) {
        delete editor;
        return endAtOnce(error, LaunchOptions::Usage);
    }
    editor->show();
    return QApplication::exec();
}
