// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/installverifier.h"

using namespace Qt::Literals::StringLiterals;

namespace InstallVerifier {

namespace {

QString placedMac(const QList<NodeRecord> &nodes, int stack, int slot)
{
    for (const NodeRecord &node : nodes) {
        if (node.stack == stack && node.slot == slot)
            return node.mac;
    }
    return {};
}

} // namespace

Result verify(const RackStructure &structure, const QList<InstallStack> &stacks, const Snapshot &snapshot)
{
    Result result;
    result.allOk = true;
    const QList<RackSlot> slots = structure.slots();
    for (const InstallStack &stack : stacks) {
        int ok = 0;
        int placed = 0;
        const bool discovered
            = stack.status == InstallStack::Status::Found || stack.status == InstallStack::Status::Accepted;
        for (const RackSlot &slot : slots) {
            if (slot.stackId != stack.id)
                continue;
            InstallPiCheck check {stack.id, slot.slot, slot.name, slot.address.toString()};
            // (A replace discovers one slot; the stack's other slots keep their Pis.)
            const bool slotDiscovered = discovered && stack.slots.contains(slot.slot);
            for (const InstallMac &mac : stack.macs) {
                if (mac.slot == slot.slot && slotDiscovered)
                    check.mac = mac.mac;
            }
            if (check.mac.isEmpty() && !slotDiscovered)
                check.mac = placedMac(snapshot.placedNodes, stack.id, slot.slot);
            if (!check.mac.isEmpty()) {
                const AgentSighting agent = snapshot.agents.value(check.mac);
                const QHostAddress lease = snapshot.leases.value(check.mac);
                check.up = agent.upSincePowerOn;
                const bool peerFixed
                    = check.up && agent.peer.isEqual(slot.address, QHostAddress::ConvertV4MappedToIPv4);
                check.onFixedAddress = peerFixed || (!lease.isNull() && lease == slot.address);
                check.seenAddress = peerFixed ? slot.address.toString()
                    : !lease.isNull()         ? lease.toString()
                                              : QString();
                placed += 1;
                ok += check.isOk() ? 1 : 0;
            }
            result.checks.append(check);
        }
        result.verdicts.insert(stack.id,
            placed == 0        ? u"empty"_s
                : ok == placed ? u"ok"_s
                : ok > 0       ? u"warning"_s
                               : u"ko"_s);
        result.allOk = result.allOk && ok == placed;
    }
    return result;
}

QStringList summary(const QList<InstallStack> &stacks, const QList<InstallPiCheck> &checks)
{
    QStringList lines;
    for (const InstallStack &stack : stacks) {
        QStringList missing;
        int empty = 0;
        for (const InstallPiCheck &check : checks) {
            if (check.stack != stack.id || check.isOk())
                continue;
            if (check.mac.isEmpty())
                empty += 1;
            else
                missing.append(
                    check.name + (!check.up ? u": agent not up"_s : QString(u": not on "_s + check.address)));
        }
        if (empty > 0)
            missing.append(
                u"%1 empty slot%2 not waited for"_s.arg(empty).arg(empty == 1 ? QString() : u"s"_s));
        lines.append(u"stack %1 %2%3"_s.arg(stack.id).arg(
            stack.verdict, missing.isEmpty() ? QString() : u" ("_s + missing.join(u", "_s) + u')'));
    }
    return lines;
}

} // namespace InstallVerifier
