// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "nodeinventory.h"
#include "protocol/installrecord.h"
#include "structure/rackstructure.h"

#include <QHash>
#include <QHostAddress>

/**
 * The install's last step as a calculation: did every Pi it placed come back on its fixed address
 * with its agent? A pure function of a snapshot of rackd's state, so it is tested without timers;
 * StagedInstall takes the snapshot, polls, and decides when to stop waiting.
 */
namespace InstallVerifier {

/// What rackd sees of one node's agent.
struct AgentSighting
{
    /// Connected and reporting, since the rack was switched on after discovery (a connection from a
    /// discovery boot may linger a few heartbeats after its power went).
    bool upSincePowerOn = false;
    QHostAddress peer; ///< Where its connection comes from.
};

struct Snapshot
{
    QList<NodeRecord> placedNodes; ///< The inventory: which MAC holds which slot.
    QHash<QString, AgentSighting> agents; ///< By MAC; a node without an entry has no agent up.
    QHash<QString, QHostAddress> leases; ///< The address each MAC was last given or holds.
};

struct Result
{
    QList<InstallPiCheck> checks; ///< One per slot of the install's stacks, in the structure's order.
    QHash<int, QString> verdicts; ///< Per stack: ok, warning, ko, or empty (no Pi placed).
    bool allOk = false; ///< Every placed Pi is back.
};

/**
 * A stack the install discovered is judged on the Pis it found (fewer, if the operator accepted
 * that); a skipped one, and a replacement's other slots, on the Pis placed there before. An empty
 * slot is not waited for.
 */
Result verify(const RackStructure &structure, const QList<InstallStack> &stacks, const Snapshot &snapshot);

/// One line per stack for the install's log: "stack 2 warning (s2-n3: agent not up, 1 empty slot ...)".
QStringList summary(const QList<InstallStack> &stacks, const QList<InstallPiCheck> &checks);

} // namespace InstallVerifier
