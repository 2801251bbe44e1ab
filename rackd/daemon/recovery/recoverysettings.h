// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "structure/inifile.h"
#include "structure/rackstructure.h"

#include <QStringList>
#include <chrono>

/**
 * How rackd heals hung Pis: the `recovery*` and `shared_stack` keys of rackd.conf (docs/recovery.md).
 * A stack's section of the structure file may set `recovery` and `shared_stack` for that stack.
 */
struct RecoverySettings
{
    RecoveryMode mode = RecoveryMode::Notify;
    SharedStackPolicy sharedStack = SharedStackPolicy::Wait;
    /// A node that is down (three heartbeats missed) for this much longer counts as lost.
    std::chrono::milliseconds lostAfter {30000};
    /// How long Pis get to come up after their stack's relay switched on (and after rackd started).
    std::chrono::milliseconds bootTime {180000};
    /// How long the healthy Pis of a shared stack get to shut down before a drain gives up.
    std::chrono::milliseconds drainTimeout {120000};
    int attempts = 3; ///< Recoveries per node within `window`; then rackd gives up on it.
    std::chrono::milliseconds window {3600000};
    double temperatureLimit = 80.0; ///< °C: a node reporting more is unhealthy.

    /// The keys this class reads.
    static QStringList keys();
    /// Reads one of keys(); false with `problem` when the value is not valid.
    bool read(const IniEntry &entry, QString *problem);
    /// What a stack gets: its own setting from the structure file, or this.
    RecoveryMode modeFor(const RackStack &stack) const { return stack.recovery.value_or(mode); }
    SharedStackPolicy sharedStackFor(const RackStack &stack) const
    {
        return stack.sharedStack.value_or(sharedStack);
    }
    /// The pause before attempt `attempt` (2, 3, ...): recovery_after, doubled for each attempt after the
    /// second.
    std::chrono::milliseconds backoffBefore(int attempt) const;
};
