// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tokenstore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QMap>
#include <chrono>
#include <functional>
#include <optional>

/**
 * Redfish login sessions (DSP0266 §13.3.4): POST .../Sessions with a rackd token as the password
 * makes one, and its X-Auth-Token then stands for that token until DELETE or until it has been idle
 * for the timeout. Sessions live in memory only: after a restart of rackd a client logs in again,
 * as it would after a BMC reboot. Only the SHA-256 of each X-Auth-Token is kept.
 *
 * A session is bound to its token's hash, not a copy of its rights: revoking the token ends every
 * session made with it at its next use.
 */
class RedfishSessions
{
public:
    static constexpr int MaximumSessions = 64;
    /// So that one token's logins cannot push every other token's sessions out.
    static constexpr int MaximumSessionsPerToken = 16;

    struct Session
    {
        QString id; ///< The resource's Id: /redfish/v1/SessionService/Sessions/<id>.
        QString userName; ///< The token's name.
        QByteArray tokenHash; ///< The rackd token it was made with.
        QString source; ///< Who logged in, from where.
        QDateTime created;
        qint64 lastUsedMs = 0;
    };

    /// `clockMs`: milliseconds from any fixed point; a steady clock when empty (tests move their own).
    explicit RedfishSessions(std::chrono::seconds idleTimeout, std::function<qint64()> clockMs = {});

    std::chrono::seconds idleTimeout() const { return m_idleTimeout; }
    /// A new session; its X-Auth-Token in `authToken` (shown once). When the token has
    /// MaximumSessionsPerToken, or MaximumSessions are open, its own least recently used session
    /// makes room; if it has none, the least recently used of all.
    Session create(const TokenInfo &token, const QString &source, QString *authToken);
    /// The live session of an X-Auth-Token, marked as used now; empty if none (or it expired).
    std::optional<Session> use(const QString &authToken);
    std::optional<Session> find(const QString &id) const;
    bool remove(const QString &id);
    /// Open sessions, oldest first (expired ones are dropped first).
    QList<Session> sessions();

private:
    void dropExpired();
    qint64 nowMs() const { return m_clockMs ? m_clockMs() : m_clock.elapsed(); }

    std::chrono::seconds m_idleTimeout;
    QElapsedTimer m_clock;
    std::function<qint64()> m_clockMs;
    QMap<QByteArray, Session> m_byTokenHash;
    quint64 m_nextId = 1;
};
