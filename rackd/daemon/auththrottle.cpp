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

QHostAddress AuthThrottle::sourceOf(const QHostAddress &address)
{
    bool isIpv4 = false;
    const quint32 ipv4 = address.toIPv4Address(&isIpv4);
    if (isIpv4)
        return QHostAddress(ipv4);
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return address;
    Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        bytes[i] = 0;
    return QHostAddress(bytes);
}

std::chrono::milliseconds AuthThrottle::delayAfter(int failures) const
{
    if (failures < m_policy.freeFailures)
        return std::chrono::milliseconds(0);
    const int doublings = std::min(failures - m_policy.freeFailures, 30);
    const qint64 delay = qint64(m_policy.firstDelay.count()) << doublings;
    return std::chrono::milliseconds(std::min<qint64>(delay, m_policy.maximumDelay.count()));
}

std::chrono::milliseconds AuthThrottle::delayFor(const QHostAddress &address) const
{
    const auto it = m_sources.constFind(sourceOf(address));
    if (it == m_sources.cend() || m_clock.elapsed() - it->lastFailureMs > m_policy.forgetAfter.count())
        return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(std::max<qint64>(0, it->nextAttemptMs - m_clock.elapsed()));
}

std::chrono::milliseconds AuthThrottle::admit(const QHostAddress &address)
{
    const std::chrono::milliseconds wait = delayFor(address);
    if (wait.count() > 0)
        return wait;
    // If this attempt fails, the next must wait: it is held back that long already, so that attempts
    // in parallel are checked one after another.
    const QHostAddress source = sourceOf(address);
    auto it = m_sources.find(source);
    const bool known
        = it != m_sources.end() && m_clock.elapsed() - it->lastFailureMs <= m_policy.forgetAfter.count();
    const std::chrono::milliseconds holdNext = delayAfter(known ? it->failures + 1 : 1);
    if (holdNext.count() > 0) {
        if (!known) {
            forgetQuietSources();
            it = m_sources.insert(source, Entry {0, m_clock.elapsed(), 0});
        }
        it->nextAttemptMs = m_clock.elapsed() + holdNext.count();
    }
    return std::chrono::milliseconds(0);
}

int AuthThrottle::recordFailure(const QHostAddress &address)
{
    forgetQuietSources();
    Entry &entry = m_sources[sourceOf(address)];
    ++entry.failures;
    entry.lastFailureMs = m_clock.elapsed();
    entry.nextAttemptMs
        = std::max(entry.nextAttemptMs, entry.lastFailureMs + delayAfter(entry.failures).count());
    return entry.failures;
}

void AuthThrottle::recordSuccess(const QHostAddress &address) { m_sources.remove(sourceOf(address)); }

// Keeps the table bounded when many sources each fail a little.
void AuthThrottle::forgetQuietSources()
{
    const qint64 now = m_clock.elapsed();
    m_sources.removeIf(
        [&](const auto &entry) { return now - entry.value().lastFailureMs > m_policy.forgetAfter.count(); });
}
