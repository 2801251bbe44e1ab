// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "client/rackclient.h"
#include "client/savedracks.h"
#include "keyring/tokenkeyring.h"

#include <QObject>
#include <QTextStream>

/**
 * rackctl's `rack` commands: the racks this user saved, the same ones the app shows (SavedRacks),
 * with their tokens where the app keeps them (TokenKeyring: the keychain, or tokens.json by choice).
 *
 *   rack add NAME LINK     checks the connect link against the rack itself, then saves it
 *   rack list | use NAME | remove NAME
 *
 * `rack add` stores nothing until rackd has presented the link's fingerprint and accepted its token.
 */
class SavedRackCommands : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        QString knownRacks; ///< The pin file.
        bool tokenInFile = false; ///< --token-in-file: tokens.json instead of the keychain.
        bool json = false;
        QString software;
    };

    SavedRackCommands(QTextStream &out, QTextStream &err, QString racksFile, TokenKeyring *keyring,
        QObject *parent = nullptr);

    static bool handles(const QStringList &command) { return command.value(0) == QLatin1String("rack"); }
    /// The help lines for rackctl --help.
    static QString usageText(int helpColumn);

    /// Runs `rack ...`; finished(exitCode) follows. A wrong call finishes with the one-line reason.
    void run(const QStringList &command, const Settings &settings);

Q_SIGNALS:
    void finished(int exitCode);
    /// A mistake in the command itself: rackctl prints it as a usage error.
    void usageError(const QString &message);

private:
    void add(const QString &name, const QString &linkText);
    void list();
    void use(const QString &name);
    void remove(const QString &name);
    void saveVerified(const SavedRack &rack, const QString &fingerprint, const QString &token);
    void fail(int exitCode, const QString &message);

    QTextStream &m_out;
    QTextStream &m_err;
    SavedRacks m_racks;
    TokenKeyring *m_keyring;
    Settings m_settings;
    RackClient m_client;
    bool m_done = false;
};
