// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "redfishsessions.h"

#include "protocol/secrets.h"

#include <QCryptographicHash>
#include <algorithm>
#include <utility>

namespace {

QByteArray hashOf(const QString &authToken)
{
    return QCryptographicHash::hash(authToken.toUtf8(), QCryptographicHash::Sha256);
}

} // namespace

RedfishSessions::RedfishSessions(std::chrono::seconds idleTimeout, std::function<qint64()> clockMs)
    : m_idleTimeout(idleTimeout)
    , m_clockMs(std::move(clockMs))
{
    m_clock.start();
}

RedfishSessions::Session RedfishSessions::create(
    const TokenInfo &token, const QString &source, QString *authToken)
{
    dropExpired();
    const auto leastRecentlyUsed = [this](auto belongs) {
        auto oldest = m_byTokenHash.end();
        int count = 0;
        for (auto it = m_byTokenHash.begin(); it != m_byTokenHash.end(); ++it) {
            if (!belongs(*it))
                continue;
            ++count;
            if (oldest == m_byTokenHash.end() || it->lastUsedMs < oldest->lastUsedMs)
                oldest = it;
        }
        return std::pair(oldest, count);
    };
    const auto own = [&token](const Session &session) { return session.tokenHash == token.hash; };
    const auto [ownOldest, ownCount] = leastRecentlyUsed(own);
    if (ownCount >= MaximumSessionsPerToken || (ownCount > 0 && m_byTokenHash.size() >= MaximumSessions))
        m_byTokenHash.erase(ownOldest); // the token's own first
    else if (m_byTokenHash.size() >= MaximumSessions)
        m_byTokenHash.erase(leastRecentlyUsed([](const Session &) { return true; }).first);
    *authToken = randomSecret();
    Session session;
    // Ids are not secrets, but a counter alone would tell a caller how many others logged in.
    session.id = QString::number(m_nextId++) + QLatin1Char('-') + randomSecret().left(8);
    session.userName = token.name;
    session.tokenHash = token.hash;
    session.source = source;
    session.created = QDateTime::currentDateTimeUtc();
    session.lastUsedMs = nowMs();
    m_byTokenHash.insert(hashOf(*authToken), session);
    return session;
}

std::optional<RedfishSessions::Session> RedfishSessions::use(const QString &authToken)
{
    dropExpired();
    auto found = m_byTokenHash.find(hashOf(authToken));
    if (found == m_byTokenHash.end())
        return std::nullopt;
    found->lastUsedMs = nowMs();
    return *found;
}

std::optional<RedfishSessions::Session> RedfishSessions::find(const QString &id) const
{
    for (const Session &session : m_byTokenHash) {
        if (session.id == id && nowMs() - session.lastUsedMs <= qint64(m_idleTimeout.count()) * 1000)
            return session;
    }
    return std::nullopt;
}

bool RedfishSessions::remove(const QString &id)
{
    for (auto it = m_byTokenHash.begin(); it != m_byTokenHash.end(); ++it) {
        if (it->id == id) {
            m_byTokenHash.erase(it);
            return true;
        }
    }
    return false;
}

QList<RedfishSessions::Session> RedfishSessions::sessions()
{
    dropExpired();
    QList<Session> list = m_byTokenHash.values();
    std::sort(
        list.begin(), list.end(), [](const Session &a, const Session &b) { return a.created < b.created; });
    return list;
}

void RedfishSessions::dropExpired()
{
    const qint64 limit = nowMs() - qint64(m_idleTimeout.count()) * 1000;
    m_byTokenHash.removeIf([limit](const auto &entry) { return entry.value().lastUsedMs < limit; });
}
