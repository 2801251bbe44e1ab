// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "rackmetrics.h"

class ControlServer;
class NodeManager;
class PowerController;
class RecoveryEngine;
class StagedInstall;

/// Where a scrape's figures come from: the daemon's parts, read at scrape time (nothing is cached).
struct MetricsSources
{
    const PowerController *power = nullptr;
    const NodeManager *nodes = nullptr;
    const ControlServer *control = nullptr; ///< May be null (then no client count).
    const StagedInstall *install = nullptr; ///< May be null.
    const RecoveryEngine *recovery = nullptr; ///< May be null (then no maintenance, no conditions).
    qint64 startTimeSeconds = 0;
};

/// The rack as /metrics shows it now.
RackMetrics collectRackMetrics(const MetricsSources &sources);
