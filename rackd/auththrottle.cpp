// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "auththrottle.h"

AuthThrottle::AuthThrottle()
    : AuthThrottle(Policy())
{ }

AuthThrottle::AuthThrottle(Policy policy)
    : m_policy(policy)
{
    m_clock.start();
}

std::chrono::milliseconds AuthThrottle::delayAfter(int failures) const
{
    if (failures < m_policy.freeFailures)
        return std::chrono::milliseconds(0);
    const int doublings = std::min(failures - m_policy.freeFailures, 30);
    const qint64 delay = qint64(m_policy.firstDelay.count()) << doublings;
    return std::chrono::milliseconds(std::min<qint64>(delay, m_policy.maximumDelay.count()));
}

std::chrono::milliseconds AuthThrottle::delayFor(const QHostAddress &source) const
{
    const auto it = m_sources.constFind(source);
    if (it == m_sources.cend() || m_clock.elapsed() - it->lastFailureMs > m_policy.forgetAfter.count())
        return std::chrono::milliseconds(0);
    const qint64 waited = m_clock.elapsed() - it->lastFailureMs;
    return std::chrono::milliseconds(std::max<qint64>(0, delayAfter(it->failures).count() - waited));
}

int AuthThrottle::recordFailure(const QHostAddress &source)
{
    forgetQuietSources();
    Entry &entry = m_sources[source];
    ++entry.failures;
    entry.lastFailureMs = m_clock.elapsed();
    return entry.failures;
}

void AuthThrottle::recordSuccess(const QHostAddress &source) { m_sources.remove(source); }

// Keeps the table bounded when many sources each fail a little.
void AuthThrottle::forgetQuietSources()
{
    const qint64 now = m_clock.elapsed();
    m_sources.removeIf(
        [&](const auto &entry) { return now - entry.value().lastFailureMs > m_policy.forgetAfter.count(); });
}
