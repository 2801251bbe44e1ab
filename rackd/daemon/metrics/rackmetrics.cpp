// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackmetrics.h"

#include "prometheusexposition.h"

using namespace Qt::Literals::StringLiterals;

namespace {

using Labels = PrometheusExposition::Labels;
using Type = PrometheusExposition::Type;

QString optionalNumber(const std::optional<int> &value)
{
    return value ? QString::number(*value) : QString();
}

Labels nodeLabels(const RackMetrics::Node &node)
{
    return {{u"node"_s, node.name}, {u"stack"_s, optionalNumber(node.stack)},
        {u"slot"_s, optionalNumber(node.slot)}};
}

/// A reported number, or nothing when the Pi said "unavailable" or did not say.
std::optional<double> reported(const QJsonObject &report, const QString &key)
{
    const QJsonValue value = report.value(key);
    return value.isDouble() ? std::optional<double>(value.toDouble()) : std::nullopt;
}

struct NodeGauge
{
    QString name;
    QString help;
    QString key; ///< In the heartbeat's metrics.
    double scale; ///< To the base unit.
};

const QList<NodeGauge> &nodeGauges()
{
    static const QList<NodeGauge> gauges {
        {u"pirack_node_cpu_usage_ratio"_s,
            u"Share of CPU time the Pi spent busy (0 to 1), as last reported"_s, u"cpu_percent"_s, 0.01},
        {u"pirack_node_temperature_celsius"_s, u"The Pi's SoC temperature, as last reported"_s,
            u"temperature_c"_s, 1},
        {u"pirack_node_memory_total_bytes"_s, u"The Pi's memory"_s, u"memory_total_kib"_s, 1024},
        {u"pirack_node_memory_available_bytes"_s, u"The Pi's memory available to new programs"_s,
            u"memory_available_kib"_s, 1024},
        {u"pirack_node_load1"_s, u"The Pi's 1-minute load average"_s, u"load1"_s, 1},
        {u"pirack_node_load5"_s, u"The Pi's 5-minute load average"_s, u"load5"_s, 1},
        {u"pirack_node_load15"_s, u"The Pi's 15-minute load average"_s, u"load15"_s, 1},
        {u"pirack_node_uptime_seconds"_s, u"Time since the Pi booted, as last reported"_s, u"uptime_s"_s, 1},
    };
    return gauges;
}

const QStringList &throttlingFlags()
{
    // As the firmware's get_throttled word names them (NodeReport keeps these).
    static const QStringList flags {u"under_voltage"_s, u"frequency_capped"_s, u"throttled"_s,
        u"soft_temperature_limit"_s, u"under_voltage_occurred"_s, u"throttled_occurred"_s};
    return flags;
}

void writeStacks(PrometheusExposition &out, const QList<RackMetrics::Stack> &stacks)
{
    out.family(u"pirack_stack_power_on"_s, Type::Gauge,
        u"1 when the stack's relay gives its Pis power, 0 when it does not (absent while unknown)"_s);
    for (const RackMetrics::Stack &stack : stacks) {
        if (stack.relayOn)
            out.sample({{u"stack"_s, QString::number(stack.id)}}, *stack.relayOn ? 1 : 0);
    }
    out.family(u"pirack_stack_verdict"_s, Type::Gauge,
        u"1 for the stack's verdict in the last install (ok, warning, ko or empty)"_s);
    for (const RackMetrics::Stack &stack : stacks) {
        if (!stack.verdict.isEmpty())
            out.sample({{u"stack"_s, QString::number(stack.id)}, {u"verdict"_s, stack.verdict}}, 1);
    }
    out.family(u"pirack_stack_maintenance"_s, Type::Gauge,
        u"1 while the stack is in maintenance (or the whole rack, while the staged install runs)"_s);
    for (const RackMetrics::Stack &stack : stacks)
        out.sample({{u"stack"_s, QString::number(stack.id)}}, stack.maintenance ? 1 : 0);
    out.family(u"pirack_stack_recovering"_s, Type::Gauge,
        u"1 while rackd recovers the stack, with the phase (draining, cycling, returning)"_s);
    for (const RackMetrics::Stack &stack : stacks) {
        if (!stack.recoveryPhase.isEmpty())
            out.sample({{u"stack"_s, QString::number(stack.id)}, {u"phase"_s, stack.recoveryPhase}}, 1);
    }
    out.family(u"pirack_relay_switches_total"_s, Type::Counter, u"Times the stack's relay was switched"_s);
    for (const RackMetrics::Stack &stack : stacks)
        out.sample({{u"stack"_s, QString::number(stack.id)}}, double(stack.switches));
    out.family(u"pirack_relay_switch_failures_total"_s, Type::Counter,
        u"Times switching the stack's relay failed"_s);
    for (const RackMetrics::Stack &stack : stacks)
        out.sample({{u"stack"_s, QString::number(stack.id)}}, double(stack.switchFailures));
}

void writeNodes(PrometheusExposition &out, const QList<RackMetrics::Node> &nodes)
{
    out.family(u"pirack_node_up"_s, Type::Gauge, u"1 while the Pi's agent is connected and heartbeating"_s);
    for (const RackMetrics::Node &node : nodes)
        out.sample(nodeLabels(node), node.up ? 1 : 0);
    out.family(u"pirack_node_maintenance"_s, Type::Gauge,
        u"1 while the Pi, its stack or the rack is in maintenance (alerts stay quiet)"_s);
    for (const RackMetrics::Node &node : nodes)
        out.sample(nodeLabels(node), node.maintenance ? 1 : 0);
    out.family(u"pirack_node_condition"_s, Type::Gauge,
        u"1 for what rackd's recovery sees wrong with the Pi: lost, unhealthy, agent-gone or given-up"_s);
    for (const RackMetrics::Node &node : nodes) {
        if (node.condition != u"ok") {
            Labels labels = nodeLabels(node);
            labels.append({u"condition"_s, node.condition});
            out.sample(labels, 1);
        }
    }
    out.family(u"pirack_node_heartbeat_age_seconds"_s, Type::Gauge,
        u"Time since rackd last heard the Pi's heartbeat"_s);
    for (const RackMetrics::Node &node : nodes) {
        if (node.heartbeatAgeSeconds)
            out.sample(nodeLabels(node), *node.heartbeatAgeSeconds);
    }
    for (const NodeGauge &gauge : nodeGauges()) {
        out.family(gauge.name, Type::Gauge, gauge.help);
        for (const RackMetrics::Node &node : nodes) {
            if (const std::optional<double> value = reported(node.lastReport, gauge.key))
                out.sample(nodeLabels(node), *value * gauge.scale);
        }
    }
    out.family(u"pirack_node_throttling"_s, Type::Gauge,
        u"1 when the Pi's firmware reports the flag (now, or since boot for the *_occurred ones)"_s);
    for (const RackMetrics::Node &node : nodes) {
        const QJsonObject throttled = node.lastReport.value(u"throttled"_s).toObject();
        for (const QString &flag : throttlingFlags()) {
            if (throttled.value(flag).isBool()) {
                Labels labels = nodeLabels(node);
                labels.append({u"flag"_s, flag});
                out.sample(labels, throttled.value(flag).toBool() ? 1 : 0);
            }
        }
    }
}

} // namespace

void RackMetrics::Durations::observe(double seconds)
{
    qsizetype bucket = 0;
    while (bucket < upperBoundsSeconds.size() && seconds > upperBoundsSeconds.at(bucket))
        ++bucket;
    counts[bucket] += 1;
    sumSeconds += seconds;
}

QByteArray RackMetrics::exposition() const
{
    PrometheusExposition out;
    out.family(u"pirack_build_info"_s, Type::Gauge, u"Always 1; rackd's version in its label"_s);
    out.sample({{u"version"_s, version}}, 1);
    out.family(u"pirack_start_time_seconds"_s, Type::Gauge, u"When rackd started, in Unix time"_s);
    out.sample({}, double(startTimeSeconds));
    writeStacks(out, stacks);
    writeNodes(out, nodes);
    out.family(u"pirack_agents_connected"_s, Type::Gauge, u"Agents with a connection to rackd"_s);
    out.sample({}, agentsConnected);
    out.family(u"pirack_clients_connected"_s, Type::Gauge, u"Control clients (pirack, rackctl) connected"_s);
    out.sample({}, clientsConnected);
    out.family(u"pirack_fanout_rounds_total"_s, Type::Counter, u"Actions sent to many Pis at once"_s);
    out.sample({}, double(fanOutRounds));
    out.family(u"pirack_fanout_duration_seconds"_s, Type::Histogram,
        u"How long a fan-out round took, until every Pi answered or its deadline passed"_s);
    out.histogram({}, fanOutDurations.upperBoundsSeconds, fanOutDurations.counts, fanOutDurations.sumSeconds);
    out.family(
        u"pirack_install_step"_s, Type::Gauge, u"1 for the staged install's step; idle when none runs"_s);
    out.sample({{u"step"_s, installStep.isEmpty() ? u"idle"_s : installStep}}, 1);
    return out.text();
}
