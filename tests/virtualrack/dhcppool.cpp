// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "dhcppool.h"

using namespace Qt::Literals::StringLiterals;

bool DhcpPool::contains(const QHostAddress &address) const
{
    const quint32 value = address.toIPv4Address();
    return value >= first.toIPv4Address() && value <= last.toIPv4Address();
}

std::optional<DhcpPool> DhcpPool::forStructure(const RackStructure &structure, QString *error)
{
    const Addressing &addressing = structure.addressing;
    const quint32 network = addressing.network.toIPv4Address();
    const quint32 hostBits = 32 - quint32(addressing.prefixLength);
    const quint32 broadcast = hostBits >= 32 ? 0xffffffffu : network | ((1u << hostBits) - 1);
    const quint32 fixedEnd = addressing.firstAddress.toIPv4Address() + quint32(structure.totalPis()) - 1;
    const quint32 master = addressing.masterAddress.toIPv4Address();
    quint32 first = fixedEnd + 1;
    if (first == master)
        ++first;
    const quint32 last = broadcast - 1;
    const quint32 needed = quint32(std::max(structure.totalPis(), 1));
    if (first > last || last - first + 1 < needed) {
        *error = u"the subnet %1/%2 has no room after the fixed addresses (up to %3) for a DHCP pool of %4 "
                 u"addresses: use a larger subnet"_s.arg(addressing.network.toString())
                     .arg(addressing.prefixLength)
                     .arg(QHostAddress(fixedEnd).toString())
                     .arg(needed);
        return std::nullopt;
    }
    const quint32 mask = hostBits >= 32 ? 0 : ~((1u << hostBits) - 1);
    return DhcpPool {QHostAddress(first), QHostAddress(last), QHostAddress(mask)};
}
