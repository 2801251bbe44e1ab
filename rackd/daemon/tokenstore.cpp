// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenstore.h"

#include "nodereport.h"

#include "protocol/secrets.h"
#include "storage/jsonfile.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace {

QByteArray hashToken(const QString &token)
{
    return QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256);
}

} // namespace

TokenStore::TokenStore(QString path)
    : m_path(std::move(path))
{ }

bool TokenStore::isValidName(const QString &name)
{
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(u"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"_s));
    return pattern.match(name).hasMatch();
}

bool TokenStore::load(QString *error)
{
    m_tokens.clear();
    const JsonFile::ReadResult file = JsonFile::read(m_path);
    if (file.status == JsonFile::ReadResult::Status::Missing)
        return true;
    if (file.status != JsonFile::ReadResult::Status::Ok) {
        *error
            = u"%1 is damaged or unreadable (%2); restore it from a backup, or remove it to start with a new "
              "admin token"_s.arg(m_path, file.error);
        return false;
    }
    // Only a missing file starts afresh: a file of the wrong shape, or with no token at all (the last
    // admin token cannot be revoked), is damage, never a reason to mint a new admin token.
    const QJsonArray entries = file.object.value(u"tokens"_s).toArray();
    if (!file.object.value(u"tokens"_s).isArray() || entries.isEmpty()) {
        *error
            = u"%1 holds no list of tokens; restore it from a backup, or remove it to start with a new admin "
              u"token"_s.arg(m_path);
        return false;
    }
    QList<TokenInfo> tokens;
    for (const QJsonValue &value : entries) {
        const QJsonObject entry = value.toObject();
        TokenInfo info;
        info.name = entry.value(u"name"_s).toString();
        const auto role = roleFromName(entry.value(u"role"_s).toString());
        info.hash = QByteArray::fromHex(entry.value(u"sha256"_s).toString().toLatin1());
        info.created = QDateTime::fromString(entry.value(u"created"_s).toString(), Qt::ISODate);
        if (!value.isObject() || !isValidName(info.name) || !role || info.hash.size() != 32) {
            *error = u"%1 has a damaged entry \"%2\""_s.arg(m_path, NodeReport::printable(info.name));
            return false;
        }
        info.role = *role;
        tokens.append(info);
    }
    m_tokens = tokens;
    return true;
}

bool TokenStore::save(const QList<TokenInfo> &tokens, QString *error) const
{
    QJsonArray entries;
    for (const TokenInfo &info : tokens) {
        entries.append(QJsonObject {{u"name"_s, info.name}, {u"role"_s, roleName(info.role)},
            {u"sha256"_s, QString::fromLatin1(info.hash.toHex())},
            {u"created"_s, info.created.toString(Qt::ISODate)}});
    }
    return JsonFile::write(m_path, {{u"tokens"_s, entries}}, JsonFile::OwnerOnly, error);
}

std::optional<QString> TokenStore::create(const QString &name, Role role, Protocol::Error *error)
{
    if (!isValidName(name)) {
        *error = {Protocol::ErrorCode::BadRequest,
            u"\"%1\" is not a token name (letters, digits, '.', '_' and '-', up to 64)"_s.arg(name)};
        return std::nullopt;
    }
    for (const TokenInfo &info : std::as_const(m_tokens)) {
        if (info.name == name) {
            *error = {Protocol::ErrorCode::Conflict, u"a token named \"%1\" exists already"_s.arg(name)};
            return std::nullopt;
        }
    }
    const QString token = u"prt_"_s + randomSecret();
    QList<TokenInfo> tokens = m_tokens;
    tokens.append({name, role, QDateTime::currentDateTimeUtc(), hashToken(token)});
    if (QString problem; !save(tokens, &problem)) {
        *error = {Protocol::ErrorCode::Internal, problem};
        return std::nullopt;
    }
    m_tokens = tokens;
    return token;
}

bool TokenStore::revoke(const QString &name, Protocol::Error *error)
{
    QList<TokenInfo> tokens = m_tokens;
    const auto found = std::find_if(
        tokens.begin(), tokens.end(), [&](const TokenInfo &info) { return info.name == name; });
    if (found == tokens.end()) {
        *error = {Protocol::ErrorCode::NotFound, u"there is no token named \"%1\""_s.arg(name)};
        return false;
    }
    const bool lastAdmin = found->role == Role::Admin
        && std::count_if(
               tokens.cbegin(), tokens.cend(), [](const TokenInfo &info) { return info.role == Role::Admin; })
            == 1;
    if (lastAdmin) {
        *error = {Protocol::ErrorCode::Conflict,
            u"\"%1\" is the last admin token; create another admin token first"_s.arg(name)};
        return false;
    }
    tokens.erase(found);
    if (QString problem; !save(tokens, &problem)) {
        *error = {Protocol::ErrorCode::Internal, problem};
        return false;
    }
    m_tokens = tokens;
    return true;
}

std::optional<TokenInfo> TokenStore::authenticate(const QString &token) const
{
    return byHash(hashToken(token));
}

std::optional<TokenInfo> TokenStore::byHash(const QByteArray &hash) const
{
    std::optional<TokenInfo> match;
    for (const TokenInfo &info : m_tokens) {
        if (constantTimeEquals(info.hash, hash))
            match = info;
    }
    return match;
}
