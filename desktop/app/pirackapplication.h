// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/launchoptions.h"
#include "app/mainwindow.h"
#include "keyring/tokenkeyring.h"
#include "model/rackstate.h"
#include "session/attentionnotifier.h"
#include "session/rackconnector.h"
#include "session/racksession.h"

/**
 * The app as the operator sees it: one rack's state and live session, the main window over them,
 * the keyring and the connector that brings a rack in. main() only builds this from the launch
 * options; everything the app does at start-up is here, where a test can reach it.
 */
class PiRackApplication : public QObject
{
    Q_OBJECT

public:
    explicit PiRackApplication(LaunchOptions options, QObject *parent = nullptr);

    /// Pins a given fingerprint, shows the window and connects (or asks which rack). False, with the
    /// message and the exit code, when the start cannot go on.
    bool start(QString *error, int *exitCode);
    MainWindow *window() { return &m_window; }

    /// Ends a start that cannot go on: help on standard output, an error in a dialog too.
    static int endAtOnce(const QString &message, int exitCode);
    /// The rack designer on a file (empty: a new rack), without any connection.
    static int runDesigner(const QString &file);

private:
    bool trustGivenFingerprint(QString *error, int *exitCode);
    /// The connect dialog; with `linkText`, that link pasted in it for the operator to confirm.
    void chooseRack(const QString &message, const QString &linkText = {});
    /// Once the rack is loaded (and a few heartbeats later), saves a picture of the window and quits.
    void takeScreenshotWhenLoaded(const QString &path);

    LaunchOptions m_options;
    RackState m_state;
    RackSession m_session;
    MainWindow m_window;
    TokenKeyring m_keyring;
    RackConnector m_connector;
    std::unique_ptr<NotificationSink> m_notificationSink;
    AttentionNotifier m_notifier;
};
