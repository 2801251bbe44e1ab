// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

/// The process's limit on open files, as it is after raiseOpenFileLimit().
struct OpenFileLimit
{
    quint64 soft = 0;
    quint64 hard = 0;
    bool raised = false; ///< The soft limit was below the hard one and is now equal to it.
};

/**
 * rackd holds one socket per connected agent and client; the usual soft limit of 1024 open files
 * would turn away the agents of a large rack. Raises the soft limit to the hard one, which needs no
 * privilege. Only when it is lower: under a unit that sets LimitNOFILE (and filters @resources,
 * as rackd.service does) nothing is called.
 */
OpenFileLimit raiseOpenFileLimit();
