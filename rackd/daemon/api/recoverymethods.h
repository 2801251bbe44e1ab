// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/caller.h"
#include "api/requestaudit.h"
#include "recovery/recoveryengine.h"

/// maintenance and recovery.stop: what people tell the recovery engine (docs/recovery.md).
class RecoveryMethods
{
public:
    RecoveryMethods(RecoveryEngine *engine, NodeManager *nodes, PowerController *power, RequestAudit *audit);

    /// {"on": bool, "stack": N} or {"on": bool, "node": "name or MAC"}, with an optional "reason".
    void maintenance(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    /// {"stack": N}: stops the recovery under way and leaves the stack in maintenance.
    void stop(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);

private:
    RecoveryEngine *m_engine;
    NodeManager *m_nodes;
    PowerController *m_power;
    RequestAudit *m_audit;
};
