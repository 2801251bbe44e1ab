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

    /// How long the next attempt from this source must be held back.
    std::chrono::milliseconds delayFor(const QHostAddress &source) const;
    /// Returns the number of consecutive failures of this source.
    int recordFailure(const QHostAddress &source);
    void recordSuccess(const QHostAddress &source);

private:
    struct Entry
    {
        int failures = 0;
        qint64 lastFailureMs = 0;
    };
    std::chrono::milliseconds delayAfter(int failures) const;
    void forgetQuietSources();

    Policy m_policy;
    QElapsedTimer m_clock;
    QHash<QHostAddress, Entry> m_sources;
};
