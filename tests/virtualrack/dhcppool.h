// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "structure/rackstructure.h"

#include <QHostAddress>
#include <optional>

/**
 * The addresses the virtual rack's DHCP server hands to Pis it has no reservation for: the block
 * after the fixed addresses, up to the end of the subnet, so a new Pi never gets a fixed address
 * that belongs to another slot. It must hold at least one address per Pi.
 */
struct DhcpPool
{
    QHostAddress first;
    QHostAddress last;
    QHostAddress netmask;

    bool contains(const QHostAddress &address) const;
    static std::optional<DhcpPool> forStructure(const RackStructure &structure, QString *error);
};
