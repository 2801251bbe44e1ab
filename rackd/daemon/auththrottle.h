// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <chrono>

/**
 * Slows down a source that keeps presenting bad tokens: the first few failures are free, then
 * each attempt waits twice as long as the one before, up to a cap. A success clears the source.
 *
 * Attempts are admitted one at a time per source: parallel connections from one address share
 * one schedule, so a hundred of them get a hundred delays, not one. A refused attempt is not
 * checked at all; its peer is told when to come back. An IPv6 source is its /64, the block one
 * host can use alone.
 */
class AuthThrottle
{
public:
    struct Policy
    {
        int freeFailures = 5;
        std::chrono::milliseconds firstDelay {1000};
        std::chrono::milliseconds maximumDelay {60000};
        std::chrono::milliseconds forgetAfter {15 * 60 * 1000}; ///< A quiet source starts afresh.
    };

    AuthThrottle();
    explicit AuthThrottle(Policy policy);
    void setPolicy(Policy policy) { m_policy = policy; }

    /// The address that stands for `address` in every per-source count: IPv4 (also IPv4-mapped IPv6)
    /// as it is, IPv6 reduced to its /64.
    static QHostAddress sourceOf(const QHostAddress &address);

    /**
     * Asks to check one attempt from `source` now. Zero: go ahead (and the source's next attempt is
     * held back as if this one failed, until it is known). Otherwise how long the source must wait;
     * the attempt must be refused unchecked.
     */
    std::chrono::milliseconds admit(const QHostAddress &source);
    /// How long the next attempt from this source would have to wait, without admitting it.
    std::chrono::milliseconds delayFor(const QHostAddress &source) const;
    /// Returns the number of consecutive failures of this source.
    int recordFailure(const QHostAddress &source);
    void recordSuccess(const QHostAddress &source);

private:
    struct Entry
    {
        int failures = 0;
        qint64 lastFailureMs = 0;
        qint64 nextAttemptMs = 0; ///< No attempt is checked before this.
    };
    std::chrono::milliseconds delayAfter(int failures) const;
    void forgetQuietSources();

    Policy m_policy;
    QElapsedTimer m_clock;
    QHash<QHostAddress, Entry> m_sources;
};
