// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackstructure.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

QString relayBackendName(RelayBackendKind kind)
{
    switch (kind) {
    case RelayBackendKind::Gpio:
        return u"gpio"_s;
    case RelayBackendKind::Serial:
        return u"serial"_s;
    case RelayBackendKind::Simulated:
        return u"simulated"_s;
    case RelayBackendKind::Manual:
        return u"manual"_s;
    }
    return {};
}

std::optional<RelayBackendKind> relayBackendFromName(const QString &name)
{
    for (RelayBackendKind kind : {RelayBackendKind::Gpio, RelayBackendKind::Serial,
             RelayBackendKind::Simulated, RelayBackendKind::Manual}) {
        if (relayBackendName(kind) == name.toLower())
            return kind;
    }
    return std::nullopt;
}

QString serialProtocolName(SerialRelayProtocol protocol)
{
    return protocol == SerialRelayProtocol::Lcus ? u"lcus"_s : u"numato"_s;
}

std::optional<SerialRelayProtocol> serialProtocolFromName(const QString &name)
{
    const QString lower = name.toLower();
    if (lower == u"lcus")
        return SerialRelayProtocol::Lcus;
    if (lower == u"numato")
        return SerialRelayProtocol::Numato;
    return std::nullopt;
}

QString recoveryModeName(RecoveryMode mode)
{
    switch (mode) {
    case RecoveryMode::Off:
        return u"off"_s;
    case RecoveryMode::Notify:
        return u"notify"_s;
    case RecoveryMode::Recover:
        return u"recover"_s;
    }
    return {};
}

std::optional<RecoveryMode> recoveryModeFromName(const QString &name)
{
    for (RecoveryMode mode : {RecoveryMode::Off, RecoveryMode::Notify, RecoveryMode::Recover}) {
        if (recoveryModeName(mode) == name.toLower())
            return mode;
    }
    return std::nullopt;
}

QString sharedStackPolicyName(SharedStackPolicy policy)
{
    return policy == SharedStackPolicy::Drain ? u"drain"_s : u"wait"_s;
}

std::optional<SharedStackPolicy> sharedStackPolicyFromName(const QString &name)
{
    for (SharedStackPolicy policy : {SharedStackPolicy::Wait, SharedStackPolicy::Drain}) {
        if (sharedStackPolicyName(policy) == name.toLower())
            return policy;
    }
    return std::nullopt;
}

ChannelRange relayChannelRange(RelayBackendKind backend, SerialRelayProtocol protocol)
{
    switch (backend) {
    case RelayBackendKind::Gpio:
        return {0, 53}; // the BCM GPIO lines of a Raspberry Pi SoC
    case RelayBackendKind::Serial:
        // LCUS boards number their channels from 1 (up to 8); Numato boards from 0 (up to 32 relays).
        return protocol == SerialRelayProtocol::Lcus ? ChannelRange {1, 8} : ChannelRange {0, 31};
    case RelayBackendKind::Simulated:
    case RelayBackendKind::Manual:
        break;
    }
    return {0, 65535};
}

std::optional<int> originalGpioChannel(int stackId)
{
    switch (stackId) {
    case 1:
        return 18;
    case 2:
        return 25;
    case 3:
        return 12;
    case 4:
        return 21;
    default:
        return std::nullopt;
    }
}

const RackStack *RackStructure::stack(int id) const
{
    for (const RackStack &candidate : stacks) {
        if (candidate.id == id)
            return &candidate;
    }
    return nullptr;
}

const RackStack *RackStructure::stackAt(int row, int column) const
{
    for (const RackStack &candidate : stacks) {
        if (candidate.row == row && candidate.column == column)
            return &candidate;
    }
    return nullptr;
}

int RackStructure::totalPis() const
{
    int total = 0;
    for (const RackStack &stack : stacks)
        total += stack.piCount;
    return total;
}

QString RackStructure::nodeName(int stackId, int slot, int index) const
{
    QString name = addressing.namePattern;
    name.replace(u"{stack}"_s, QString::number(stackId));
    name.replace(u"{slot}"_s, QString::number(slot));
    name.replace(u"{index}"_s, QString::number(index));
    return name;
}

QList<RackSlot> RackStructure::slots() const
{
    QList<RackSlot> result;
    result.reserve(totalPis());
    const quint32 first = addressing.firstAddress.toIPv4Address();
    int index = 0;
    for (const RackStack &stack : stacks) {
        for (int slot = 1; slot <= stack.piCount; ++slot) {
            ++index;
            result.append({stack.id, slot, index, nodeName(stack.id, slot, index),
                QHostAddress(first + quint32(index - 1))});
        }
    }
    return result;
}

namespace {

double seconds(std::chrono::milliseconds duration) { return double(duration.count()) / 1000.0; }

} // namespace

QJsonObject RackStructure::toJson() const
{
    QJsonArray stackArray;
    const QList<RackSlot> allSlots = slots();
    for (const RackStack &stack : stacks) {
        QJsonArray pis;
        for (const RackSlot &slot : allSlots) {
            if (slot.stackId == stack.id) {
                pis.append(QJsonObject {
                    {u"slot"_s, slot.slot}, {u"name"_s, slot.name}, {u"address"_s, slot.address.toString()}});
            }
        }
        stackArray.append(
            QJsonObject {{u"id"_s, stack.id}, {u"row"_s, stack.row}, {u"column"_s, stack.column},
                {u"relay_channel"_s, stack.relayChannel}, {u"pis"_s, stack.piCount}, {u"nodes"_s, pis}});
    }
    QJsonObject relay {{u"backend"_s, relayBackendName(wiring.backend)}};
    switch (wiring.backend) {
    case RelayBackendKind::Gpio:
        relay.insert(u"gpio_chip"_s, wiring.gpioChip);
        relay.insert(u"active_low"_s, wiring.activeLow);
        break;
    case RelayBackendKind::Serial:
        relay.insert(u"serial_port"_s, wiring.serialPort);
        relay.insert(u"serial_protocol"_s, serialProtocolName(wiring.serialProtocol));
        relay.insert(u"serial_baud"_s, wiring.serialBaud);
        relay.insert(u"serial_verify"_s, wiring.serialVerify);
        break;
    case RelayBackendKind::Simulated:
    case RelayBackendKind::Manual:
        break;
    }
    QJsonObject rack {{u"pi_stack"_s, pisPerStack}, {u"rows"_s, rows}, {u"cols"_s, columns},
        {u"stack_count"_s, int(stacks.size())}, {u"total_pis"_s, totalPis()}};
    if (declaredStackCount)
        rack.insert(u"nbr_stack"_s, *declaredStackCount);
    return QJsonObject {
        {u"file"_s, sourceFile},
        {u"rack"_s, rack},
        {u"relay"_s, relay},
        {u"timing"_s,
            QJsonObject {{u"stagger_delay"_s, seconds(timing.staggerDelay)},
                {u"min_off_time"_s, seconds(timing.minimumOffTime)},
                {u"min_switch_interval"_s, seconds(timing.minimumSwitchInterval)}}},
        {u"addressing"_s,
            QJsonObject {
                {u"subnet"_s,
                    QString(addressing.network.toString() + u'/' + QString::number(addressing.prefixLength))},
                {u"master_address"_s, addressing.masterAddress.toString()},
                {u"first_address"_s, addressing.firstAddress.toString()},
                {u"name_pattern"_s, addressing.namePattern}}},
        {u"stacks"_s, stackArray},
    };
}
