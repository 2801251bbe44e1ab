// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "metricscollector.h"

#include "controlserver.h"
#include "install/stagedinstall.h"
#include "nodeinventory.h"
#include "nodemanager.h"
#include "powercontroller.h"
#include "recovery/recoveryengine.h"

#include <QDateTime>

using namespace Qt::Literals::StringLiterals;

RackMetrics collectRackMetrics(const MetricsSources &sources)
{
    RackMetrics metrics;
    metrics.version = QStringLiteral(PIRACK_VERSION_STRING);
    metrics.startTimeSeconds = sources.startTimeSeconds;

    std::optional<InstallRecord> install;
    if (sources.install)
        install = sources.install->record();
    for (const RackStack &stack : sources.power->structure().stacks) {
        RackMetrics::Stack entry;
        entry.id = stack.id;
        entry.relayOn = sources.power->relayState(stack.id);
        const PowerController::Counters counters = sources.power->counters(stack.id);
        entry.switches = counters.switches;
        entry.switchFailures = counters.failures;
        if (install) {
            if (const InstallStack *installed = install->stack(stack.id))
                entry.verdict = installed->verdict;
        }
        if (sources.recovery) {
            const QJsonObject state = sources.recovery->stackJson(stack.id);
            entry.maintenance
                = state.contains(u"maintenance"_s) || !sources.recovery->rackMaintenance().isEmpty();
            entry.recoveryPhase = state.value(u"recovery"_s)[u"phase"_s].toString();
        }
        metrics.stacks.append(entry);
    }

    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const NodeRecord &record : sources.nodes->inventory()->nodes()) {
        RackMetrics::Node node;
        node.name = record.name.isEmpty() ? record.mac : record.name;
        node.stack = record.stack;
        node.slot = record.slot;
        node.up = sources.nodes->state(record.mac) == NodeManager::State::Up;
        node.heartbeatAgeSeconds = sources.nodes->heartbeatAgeSeconds(record.mac);
        if (!node.heartbeatAgeSeconds && record.lastSeen.isValid())
            node.heartbeatAgeSeconds = double(record.lastSeen.msecsTo(now)) / 1000.0;
        // A node that is down reports nothing now: its last figures would read as current.
        if (node.up)
            node.lastReport = record.lastMetrics;
        if (sources.recovery) {
            const QJsonObject state = sources.recovery->nodeJson(record.mac);
            node.condition = state.value(u"condition"_s).toString(u"ok"_s);
            const auto stack = std::find_if(metrics.stacks.cbegin(), metrics.stacks.cend(),
                [&record](const RackMetrics::Stack &entry) { return record.stack == entry.id; });
            node.maintenance = state.contains(u"maintenance"_s)
                || (stack != metrics.stacks.cend() && stack->maintenance)
                || !sources.recovery->rackMaintenance().isEmpty();
        }
        metrics.nodes.append(node);
    }
    metrics.agentsConnected = sources.nodes->connectedAgentCount();
    metrics.clientsConnected = sources.control ? sources.control->clientSessionCount() : 0;
    metrics.fanOutRounds = sources.nodes->fanOutRounds();
    metrics.fanOutDurations = sources.nodes->fanOutDurations();
    metrics.installStep = install && install->isActive() ? InstallRecord::stepName(install->step) : u"idle"_s;
    return metrics;
}
