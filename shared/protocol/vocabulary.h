// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

/**
 * The protocol's words, in one place: every request method with the role it needs, every event
 * name and its family, the power actions and the node actions. rackd dispatches on these enums
 * (a `switch` without `default`, so a method without a handler does not compile), rackctl and the
 * desktop build their requests from them, and the agent answers the node actions named here.
 *
 * The lists are append-only, in Mumble's MumbleProtocol.h form: each X-macro row makes an enum
 * value and its wire name together, so the two cannot drift apart. docs/protocol.md explains them.
 */
namespace Protocol {

/// What a token may do. Each role can do everything the ones before it can.
enum class Role { Viewer, Operator, Admin };

QString roleName(Role role);
std::optional<Role> roleFromName(const QString &name);

// clang-format off
/// X(Id, "wire name", least role): every request method a client may send to rackd.
#define PIRACK_PROTOCOL_METHODS(X)                          \
    X(Status, "status", Viewer)                             \
    X(ServerInfo, "server.info", Viewer)                    \
    X(Subscribe, "subscribe", Viewer)                       \
    X(Power, "power", Operator)                             \
    X(Audit, "audit", Operator)                             \
    X(TokenCreate, "token.create", Admin)                   \
    X(TokenList, "token.list", Admin)                       \
    X(TokenRevoke, "token.revoke", Admin)                   \
    X(Nodes, "nodes", Viewer)                               \
    X(NodeAssign, "node.assign", Admin)                     \
    X(NodeRename, "node.rename", Admin)                     \
    X(Exec, "exec", Operator)                               \
    X(JoinCreate, "join.create", Admin)                     \
    X(InstallStatus, "install.status", Viewer)              \
    X(InstallPrecheck, "install.precheck", Viewer)          \
    X(InstallStart, "install.start", Admin)                 \
    X(InstallReplace, "install.replace", Admin)             \
    X(InstallDecide, "install.decide", Admin)               \
    X(InstallAddMac, "install.add_mac", Admin)              \
    X(InstallAbort, "install.abort", Admin)                 \
    X(RelayConfirm, "relay.confirm", Operator)              \
    X(Inventory, "inventory", Viewer)                       \
    X(Maintenance, "maintenance", Operator)                 \
    X(RecoveryStop, "recovery.stop", Operator)

/// X(Id, "wire name", broadcast): every event rackd sends (and node.heartbeat, which agents send to
/// rackd). A broadcast event goes to the subscribers of its family, the part before the dot; the
/// others go to the caller of a running request alone.
#define PIRACK_PROTOCOL_EVENTS(X)                           \
    X(RelayChanged, "relay.changed", true)                  \
    X(RelayOperator, "relay.operator", true)                \
    X(RelayOperatorDone, "relay.operator_done", true)       \
    X(NodeUp, "node.up", true)                              \
    X(NodeDown, "node.down", true)                          \
    X(NodeRenamed, "node.renamed", true)                    \
    X(NodeMetrics, "node.metrics", true)                    \
    X(NodeHeartbeat, "node.heartbeat", true)                \
    X(DhcpLease, "dhcp.lease", true)                        \
    X(DhcpRequest, "dhcp.request", true)                    \
    X(DhcpRelease, "dhcp.release", true)                    \
    X(DhcpRestated, "dhcp.restated", true)                  \
    X(InstallChanged, "install.changed", true)              \
    X(InstallStep, "install.step", true)                    \
    X(InstallMac, "install.mac", true)                      \
    X(InstallAnomaly, "install.anomaly", true)              \
    X(ExecResult, "exec.result", false)                     \
    X(RecoveryDetected, "recovery.detected", true)          \
    X(RecoveryCleared, "recovery.cleared", true)            \
    X(RecoveryStep, "recovery.step", true)                  \
    X(RecoveryDone, "recovery.done", true)                  \
    X(RecoveryMaintenance, "recovery.maintenance", true)

/// X(Id, "wire name"): the "action" of a power request.
#define PIRACK_PROTOCOL_POWER_ACTIONS(X)                    \
    X(On, "on")                                             \
    X(Off, "off")                                           \
    X(Cycle, "cycle")                                       \
    X(GracefulOff, "graceful-off")

/// X(Id, "wire name", a person may ask for it with exec): the "action" rackd asks of an agent.
#define PIRACK_PROTOCOL_NODE_ACTIONS(X)                     \
    X(Ping, "ping", true)                                   \
    X(Identify, "identify", true)                           \
    X(Reboot, "reboot", true)                               \
    X(Shutdown, "shutdown", true)                           \
    X(Run, "run", true)                                     \
    X(SetHostname, "set-hostname", false)
// clang-format on

#define PIRACK_PROTOCOL_ENUM_VALUE(id, ...) id,
enum class Method { PIRACK_PROTOCOL_METHODS(PIRACK_PROTOCOL_ENUM_VALUE) };
enum class EventName { PIRACK_PROTOCOL_EVENTS(PIRACK_PROTOCOL_ENUM_VALUE) };
enum class PowerAction { PIRACK_PROTOCOL_POWER_ACTIONS(PIRACK_PROTOCOL_ENUM_VALUE) };
enum class NodeAction { PIRACK_PROTOCOL_NODE_ACTIONS(PIRACK_PROTOCOL_ENUM_VALUE) };
#undef PIRACK_PROTOCOL_ENUM_VALUE

QString name(Method method);
QString name(EventName event);
QString name(PowerAction action);
QString name(NodeAction action);

/// The enum value for a wire name; empty for a name that is not in the list.
template<typename Word>
std::optional<Word> fromName(const QString &name);
template<>
std::optional<Method> fromName<Method>(const QString &name);
template<>
std::optional<EventName> fromName<EventName>(const QString &name);
template<>
std::optional<PowerAction> fromName<PowerAction>(const QString &name);
template<>
std::optional<NodeAction> fromName<NodeAction>(const QString &name);

/// Every value of a list, in its order.
template<typename Word>
QList<Word> all();
template<>
QList<Method> all<Method>();
template<>
QList<EventName> all<EventName>();
template<>
QList<PowerAction> all<PowerAction>();
template<>
QList<NodeAction> all<NodeAction>();

/// The wire names of a list, joined for a message: "on, off, cycle or graceful-off".
template<typename Word>
QString namesForPeople(const QList<Word> &words)
{
    QStringList names;
    for (Word word : words)
        names.append(name(word));
    const QString last = names.isEmpty() ? QString() : names.takeLast();
    return names.isEmpty() ? last : names.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

Role requiredRole(Method method);
/// The family a client subscribes to for this event ("relay" for relay.changed).
QString family(EventName event);
/// Every family, in the order of the list: what `subscribe` accepts.
QStringList eventFamilies();
/// The one method rackd sends an agent: do the NodeAction named in its "action".
QString agentActionMethod();
/// Whether a person may ask for this node action through exec (set-hostname is rackd's alone).
bool isExecAction(NodeAction action);

} // namespace Protocol
