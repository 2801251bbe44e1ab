// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/messages.h"
#include "protocol/vocabulary.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <optional>

// A token's role is a word of the protocol (token.create and the welcome carry it).
using Protocol::Role;
using Protocol::roleFromName;
using Protocol::roleName;

struct TokenInfo
{
    QString name;
    Role role = Role::Viewer;
    QDateTime created;
    QByteArray hash; ///< SHA-256 of the token; the token itself is never stored.
};

/**
 * Named access tokens, kept in one JSON file (mode 0600, replaced atomically). Tokens are 256
 * random bits, so a plain SHA-256 is a sufficient one-way hash for storing them.
 */
class TokenStore
{
public:
    explicit TokenStore(QString path);

    /// A missing file is an empty store; a damaged one is an error and is not overwritten.
    bool load(QString *error);
    bool isEmpty() const { return m_tokens.isEmpty(); }
    QList<TokenInfo> tokens() const { return m_tokens; }

    /// Returns the new token in clear: the only time it exists outside the caller.
    std::optional<QString> create(const QString &name, Role role, Protocol::Error *error);
    bool revoke(const QString &name, Protocol::Error *error);
    std::optional<TokenInfo> authenticate(const QString &token) const;
    /// The token stored with this hash, while it is not revoked.
    std::optional<TokenInfo> byHash(const QByteArray &hash) const;

    static bool isValidName(const QString &name);

private:
    bool save(const QList<TokenInfo> &tokens, QString *error) const;

    QString m_path;
    QList<TokenInfo> m_tokens;
};
