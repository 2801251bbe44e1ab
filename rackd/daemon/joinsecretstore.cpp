// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "joinsecretstore.h"

#include "nodereport.h"

#include "protocol/secrets.h"
#include "storage/jsonfile.h"

#include <QCryptographicHash>
#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace {
QByteArray hashSecret(const QString &secret)
{
    return QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256);
}
} // namespace

JoinSecretStore::JoinSecretStore(QString path)
    : m_path(std::move(path))
{ }

QString JoinSecretStore::describe(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Accepted:
        return u"accepted"_s;
    case Outcome::Unknown:
        return u"the join secret is not known"_s;
    case Outcome::Expired:
        return u"the join secret has expired"_s;
    case Outcome::UsedUp:
        return u"the join secret has been used up"_s;
    case Outcome::AlreadyJoined:
        return u"a node with this MAC has joined already; to join it again (a re-installed Pi), make a "
               u"secret for it: rackctl join create --replace MAC"_s;
    case Outcome::OtherNode:
        return u"this join secret is for re-joining another node"_s;
    }
    return {};
}

bool JoinSecretStore::load(QString *error)
{
    m_secrets.clear();
    const JsonFile::ReadResult file = JsonFile::read(m_path);
    if (file.status == JsonFile::ReadResult::Status::Missing)
        return true;
    if (file.status != JsonFile::ReadResult::Status::Ok) {
        *error = u"%1 is damaged or unreadable (%2); remove it (pending joins will need new secrets)"_s.arg(
            m_path, file.error);
        return false;
    }
    if (!file.object.value(u"secrets"_s).isArray()) {
        *error
            = u"%1 has no list of \"secrets\"; remove it (pending joins will need new secrets)"_s.arg(m_path);
        return false;
    }
    for (const QJsonValue &value : file.object.value(u"secrets"_s).toArray()) {
        const QJsonObject entry = value.toObject();
        Secret secret {entry.value(u"id"_s).toString(),
            QByteArray::fromHex(entry.value(u"sha256"_s).toString().toLatin1()),
            QDateTime::fromString(entry.value(u"created"_s).toString(), Qt::ISODate),
            QDateTime::fromString(entry.value(u"expires"_s).toString(), Qt::ISODate),
            entry.value(u"uses_left"_s).toInt(-1), entry.value(u"created_by"_s).toString(),
            entry.value(u"replace_mac"_s).toString()};
        if (!value.isObject() || secret.hash.size() != 32 || !secret.expires.isValid() || secret.usesLeft < 0
            || (!secret.replaceMac.isEmpty() && !NodeReport::isMac(secret.replaceMac))) {
            *error = u"%1 has a damaged entry \"%2\""_s.arg(m_path, secret.id);
            return false;
        }
        m_secrets.append(secret);
    }
    return true;
}

bool JoinSecretStore::save(const QList<Secret> &secrets, QString *error) const
{
    QJsonArray entries;
    for (const Secret &secret : secrets) {
        QJsonObject entry {{u"id"_s, secret.id}, {u"sha256"_s, QString::fromLatin1(secret.hash.toHex())},
            {u"created"_s, secret.created.toString(Qt::ISODate)},
            {u"expires"_s, secret.expires.toString(Qt::ISODate)}, {u"uses_left"_s, secret.usesLeft},
            {u"created_by"_s, secret.createdBy}};
        if (!secret.replaceMac.isEmpty())
            entry.insert(u"replace_mac"_s, secret.replaceMac);
        entries.append(entry);
    }
    return JsonFile::write(m_path, {{u"secrets"_s, entries}}, JsonFile::OwnerOnly, error);
}

std::optional<QString> JoinSecretStore::create(std::chrono::seconds ttl, int uses, const QString &createdBy,
    const QDateTime &now, QString *error, const QString &replaceMac)
{
    if (!replaceMac.isEmpty() && (!NodeReport::isMac(replaceMac) || uses != 1)) {
        *error = u"a secret to replace a node names one MAC (like dc:a6:32:01:02:03) and has one use"_s;
        return std::nullopt;
    }
    if (ttl.count() < 60 || ttl.count() > 30L * 24 * 3600) {
        *error = u"a join secret lives from 1 minute to 30 days"_s;
        return std::nullopt;
    }
    if (uses < 1 || uses > 10000) {
        *error = u"a join secret has from 1 to 10000 uses"_s;
        return std::nullopt;
    }
    const QString secret = randomSecret();
    // Expired secrets are dropped whenever the list is written anyway.
    QList<Secret> secrets;
    for (const Secret &existing : std::as_const(m_secrets)) {
        if (existing.expires > now)
            secrets.append(existing);
    }
    secrets.append({QString::fromLatin1(hashSecret(secret).toHex().left(8)), hashSecret(secret), now,
        now.addSecs(ttl.count()), uses, createdBy, replaceMac});
    if (!save(secrets, error))
        return std::nullopt;
    m_secrets = secrets;
    return secret;
}

JoinSecretStore::Outcome JoinSecretStore::consume(
    const QString &secret, const QDateTime &now, QString *error, const QString &mac, bool known)
{
    const QByteArray hash = hashSecret(secret);
    for (qsizetype i = 0; i < m_secrets.size(); ++i) {
        if (!constantTimeEquals(m_secrets.at(i).hash, hash))
            continue;
        if (m_secrets.at(i).expires <= now)
            return Outcome::Expired;
        if (m_secrets.at(i).usesLeft <= 0)
            return Outcome::UsedUp;
        const QString &replaceMac = m_secrets.at(i).replaceMac;
        if (!replaceMac.isEmpty() && replaceMac != mac)
            return Outcome::OtherNode;
        if (replaceMac.isEmpty() && known)
            return Outcome::AlreadyJoined;
        QList<Secret> secrets = m_secrets;
        --secrets[i].usesLeft;
        if (!save(secrets, error))
            return Outcome::Unknown;
        m_secrets = secrets;
        return Outcome::Accepted;
    }
    return Outcome::Unknown;
}
