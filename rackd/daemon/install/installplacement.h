// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "nodeinventory.h"
#include "protocol/installrecord.h"

/**
 * Where the install puts the Pis it found: each MAC of a stack it discovered (found, or accepted by
 * the operator) takes its planned slot in the inventory, which names it and gives it the slot's
 * address. A Pi that joins only later is placed when it first connects.
 */
namespace InstallPlacement {

/// What placing did, for the install's log and its warnings.
struct Report
{
    QStringList notes;
    QStringList warnings;
    bool placedAny = false; ///< At least one node changed its place.
};

/**
 * Places every MAC the install planned; a slot where the install found another Pi than the
 * inventory's is freed first (that Pi is gone, whether or not the new one joined yet).
 */
Report placeAll(NodeInventory *inventory, const RackStructure &structure, const InstallRecord &record);
/// Places one MAC if the install planned a slot for it and it is not there yet.
Report place(NodeInventory *inventory, const RackStructure &structure, const InstallRecord &record,
    const QString &mac);

} // namespace InstallPlacement
