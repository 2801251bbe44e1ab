// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/installplacement.h"

using namespace Qt::Literals::StringLiterals;

namespace InstallPlacement {

namespace {

bool isDiscovered(const InstallStack &stack)
{
    return stack.status == InstallStack::Status::Found || stack.status == InstallStack::Status::Accepted;
}

} // namespace

Report placeAll(NodeInventory *inventory, const RackStructure &structure, const InstallRecord &record)
{
    Report report;
    for (const InstallStack &stack : record.stacks) {
        if (!isDiscovered(stack))
            continue;
        for (const InstallMac &mac : stack.macs) {
            const std::optional<NodeRecord> holder
                = mac.slot > 0 ? inventory->nodeAt(stack.id, mac.slot) : std::nullopt;
            if (holder && holder->mac != mac.mac) {
                QString error;
                if (inventory->unassign(holder->mac, &error))
                    report.notes.append(u"%1 (%2) is no longer in stack %3 slot %4: %5 was found there"_s
                                            .arg(holder->mac, holder->name)
                                            .arg(stack.id)
                                            .arg(mac.slot)
                                            .arg(mac.mac));
                else
                    report.warnings.append(error);
            }
            const Report one = place(inventory, structure, record, mac.mac);
            report.notes += one.notes;
            report.warnings += one.warnings;
            report.placedAny = report.placedAny || one.placedAny;
        }
    }
    return report;
}

Report place(
    NodeInventory *inventory, const RackStructure &structure, const InstallRecord &record, const QString &mac)
{
    Report report;
    for (const InstallStack &stack : record.stacks) {
        if (!isDiscovered(stack))
            continue;
        for (const InstallMac &planned : stack.macs) {
            if (planned.mac != mac || planned.slot == 0)
                continue;
            const std::optional<NodeRecord> node = inventory->node(mac);
            if (!node || (node->stack == stack.id && node->slot == planned.slot))
                return report;
            Protocol::Error error;
            if (inventory->assign(
                    mac, stack.id, planned.slot, structure, &error, NodeInventory::TakenSlot::Evict)) {
                report.notes.append(
                    u"%1 is placed as %2 (stack %3 slot %4)"_s.arg(mac, inventory->node(mac)->name)
                        .arg(stack.id)
                        .arg(planned.slot));
                report.placedAny = true;
            } else {
                report.warnings.append(u"cannot place %1: %2"_s.arg(mac, error.message));
                report.notes.append(u"cannot place %1: %2"_s.arg(mac, error.message));
            }
            return report;
        }
    }
    return report;
}

} // namespace InstallPlacement
