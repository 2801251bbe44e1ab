// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHostAddress>
#include <QJsonObject>
#include <QString>
#include <optional>

/**
 * What vrack-hook tells the virtual rack over its control socket, one JSON object per line: a
 * virtual Pi's DHCP client got an address ("bound"), its OS was asked to shut down or reboot, or
 * dnsmasq reported a lease ("dhcp", with the arguments dnsmasq gives its --dhcp-script).
 */
struct HookMessage
{
    enum class Kind { Bound, Shutdown, Reboot, Dhcp };

    Kind kind = Kind::Bound;
    QString pi; ///< The Pi's name (not for Dhcp).
    QHostAddress address;
    int prefixLength = 0; ///< Bound only.
    QString action; ///< Dhcp: add, old or del.
    QString mac; ///< Dhcp.
    QString hostname; ///< Dhcp: what the client supplied, maybe empty.

    QJsonObject toJson() const;
    /// Everything is checked: the socket is the virtual rack's only way in from its Pis.
    static std::optional<HookMessage> fromJson(const QJsonObject &json, QString *error);
};

/// The environment that tells vrack-hook where the virtual rack listens and which Pi it runs on.
namespace HookEnvironment {
inline constexpr char Socket[] = "PIRACK_VRACK_SOCKET";
inline constexpr char Pi[] = "PIRACK_VRACK_PI";
} // namespace HookEnvironment
