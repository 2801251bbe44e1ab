// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <chrono>
#include <optional>

/**
 * One-time secrets for joining nodes (`rackctl join create`): each expires and has a number of
 * uses. Only their SHA-256 is stored (join-secrets.json, mode 0600, replaced atomically).
 */
class JoinSecretStore
{
public:
    enum class Outcome { Accepted, Unknown, Expired, UsedUp };

    struct Secret
    {
        QString id; ///< Short, for lists and logs; not the secret.
        QByteArray hash;
        QDateTime created;
        QDateTime expires;
        int usesLeft = 0;
        QString createdBy;
    };

    explicit JoinSecretStore(QString path);

    bool load(QString *error);
    /// Returns the secret in clear: the only time it exists outside the join string.
    std::optional<QString> create(
        std::chrono::seconds ttl, int uses, const QString &createdBy, const QDateTime &now, QString *error);
    /// Checks a presented secret and, when accepted, uses it up by one.
    Outcome consume(const QString &secret, const QDateTime &now, QString *error);
    QList<Secret> secrets() const { return m_secrets; }

    static QString describe(Outcome outcome);

private:
    bool save(const QList<Secret> &secrets, QString *error) const;

    QString m_path;
    QList<Secret> m_secrets;
};
