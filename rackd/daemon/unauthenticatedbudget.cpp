// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "unauthenticatedbudget.h"

#include "auththrottle.h"

bool UnauthenticatedBudget::take(const QHostAddress &peer)
{
    const QHostAddress source = AuthThrottle::sourceOf(peer);
    int &fromSource = m_bySource[source];
    if (m_total >= m_limits.maximumTotal || fromSource >= m_limits.maximumPerSource) {
        if (fromSource == 0)
            m_bySource.remove(source);
        return false;
    }
    ++fromSource;
    ++m_total;
    return true;
}

void UnauthenticatedBudget::release(const QHostAddress &peer)
{
    const auto it = m_bySource.find(AuthThrottle::sourceOf(peer));
    if (it == m_bySource.end())
        return;
    --m_total;
    if (--it.value() <= 0)
        m_bySource.erase(it);
}

int UnauthenticatedBudget::fromSource(const QHostAddress &peer) const
{
    return m_bySource.value(AuthThrottle::sourceOf(peer));
}
