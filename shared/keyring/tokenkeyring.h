// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <functional>
#include <optional>

/**
 * Where the app and rackctl keep each rack's token: the desktop's secret service through QtKeychain
 * (service "pirack", one entry per rack, keyed "host:port"), or, only when the operator chose it
 * because no secret service runs, a file readable by the user alone (default
 * ~/.config/pirack/tokens.json). Never anywhere else, and never silently in plain text.
 */
class TokenKeyring : public QObject
{
    Q_OBJECT

public:
    static constexpr const char *Service = "pirack";

    struct WriteResult
    {
        bool ok = false;
        /// The secret service could not be used at all (none runs, or it is locked): offer the file.
        bool keychainUnavailable = false;
        QString error = {};
    };
    struct ReadResult
    {
        std::optional<QString> token; ///< Empty: none stored (or none readable).
        QString source = {}; ///< "keychain" or the file's path
        QString error = {}; ///< Why the keychain could not be read, when it could not.
    };

    /// `fallbackFile`: the file used when the operator opts out of the keychain.
    explicit TokenKeyring(QString fallbackFile, QObject *parent = nullptr);

    static QString defaultFallbackFile();
    QString fallbackFile() const { return m_fallbackFile; }

    /// Stores in the keychain; says so when there is none, so the caller can ask about the file.
    void write(const QString &rack, const QString &token, std::function<void(const WriteResult &)> done);
    /// The keychain first, then the fallback file.
    void read(const QString &rack, std::function<void(const ReadResult &)> done);
    /// From both places.
    void remove(const QString &rack, std::function<void()> done);

    /// The operator's explicit choice: the file, created readable and writable by the user only.
    bool writeToFile(const QString &rack, const QString &token, QString *error);
    std::optional<QString> readFromFile(const QString &rack) const;
    bool removeFromFile(const QString &rack, QString *error);

private:
    QString m_fallbackFile;
};
