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
    enum class Outcome {
        Accepted,
        Unknown,
        Expired,
        UsedUp,
        AlreadyJoined, ///< The node has joined before, and the secret is not one to replace it.
        OtherNode, ///< The secret replaces another node.
    };

    struct Secret
    {
        QString id; ///< Short, for lists and logs; not the secret.
        QByteArray hash;
        QDateTime created;
        QDateTime expires;
        int usesLeft = 0;
        QString createdBy;
        /// Only this node, which has joined before (a re-installed Pi), may use it, keeping its place.
        QString replaceMac;
    };

    explicit JoinSecretStore(QString path);

    bool load(QString *error);
    /// Returns the secret in clear: the only time it exists outside the join string.
    std::optional<QString> create(std::chrono::seconds ttl, int uses, const QString &createdBy,
        const QDateTime &now, QString *error, const QString &replaceMac = {});
    /**
     * Checks a presented secret for the node `mac` and, when accepted, uses it up by one. A node
     * that has joined before (`known`) is accepted only with a secret made to replace it: a join
     * never takes over another node's credential, name or slot by itself.
     */
    Outcome consume(
        const QString &secret, const QDateTime &now, QString *error, const QString &mac, bool known);
    QList<Secret> secrets() const { return m_secrets; }

    static QString describe(Outcome outcome);

private:
    bool save(const QList<Secret> &secrets, QString *error) const;

    QString m_path;
    QList<Secret> m_secrets;
};
