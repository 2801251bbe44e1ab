// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QHostAddress>

/**
 * Connections whose peer has not proven who it is yet (TLS handshake, then the hello), counted
 * in total and per source, apart from the people and nodes already known: strangers can use up
 * these slots, never those of the clients and agents that authenticated.
 */
class UnauthenticatedBudget
{
public:
    struct Limits
    {
        int maximumTotal = 128;
        int maximumPerSource = 16; ///< A source is an IPv4 address or an IPv6 /64.
    };

    UnauthenticatedBudget() = default;
    explicit UnauthenticatedBudget(Limits limits)
        : m_limits(limits)
    { }

    void setLimits(Limits limits) { m_limits = limits; }
    Limits limits() const { return m_limits; }

    /// Takes a slot for a connection from `peer`; false when its source or everyone is at the limit.
    bool take(const QHostAddress &peer);
    /// Gives back a slot taken for `peer`.
    void release(const QHostAddress &peer);
    int total() const { return m_total; }
    int fromSource(const QHostAddress &peer) const;

private:
    Limits m_limits;
    int m_total = 0;
    QHash<QHostAddress, int> m_bySource;
};
