// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/installrecord.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

/**
 * The install record rackd announces (docs/protocol.md, "The install record"), read into the typed
 * InstallRecord that rackd itself writes, and what the app says about it. It came from the
 * network: a record that cannot be read is no record (empty), never half of one.
 */
namespace InstallJson {

using Step = InstallRecord::Step;
using Outcome = InstallRecord::Outcome;
using Status = InstallStack::Status;

/// Empty when no install has run (rackd answers {"outcome": "none"}) or the record cannot be read.
inline std::optional<InstallRecord> read(const QJsonObject &record)
{
    QString error;
    return InstallRecord::fromJson(record, &error);
}

inline bool isActive(const std::optional<InstallRecord> &record) { return record && record->isActive(); }
inline QString id(const std::optional<InstallRecord> &record) { return record ? record->id : QString(); }

/// The stack being discovered; 0 when none is.
inline int currentStack(const InstallRecord &record)
{
    return record.step == Step::Discovery && record.current < record.stacks.size()
        ? record.stacks.at(record.current).id
        : 0;
}

/// The record's entry for `stack`; empty when the install does not cover it.
inline std::optional<InstallStack> stack(const InstallRecord &record, int id)
{
    if (const InstallStack *found = record.stack(id))
        return *found;
    return std::nullopt;
}

/// A stack whose discovery is over, one way or another.
inline bool isSettled(const InstallStack &stack)
{
    return stack.status == Status::Found || stack.status == Status::Accepted
        || stack.status == Status::Skipped;
}

/// "1 Pi", "3 Pis": the plural in English, with no translation file to pick it.
inline QString pis(qsizetype count)
{
    return count == 1 ? QCoreApplication::translate("InstallJson", "1 Pi")
                      : QCoreApplication::translate("InstallJson", "%1 Pis").arg(count);
}

/**
 * The Pis verification waits for in a stack: those placed (from the checks, once rackd verifies;
 * before that, the Pis the stack's discovery found). -1 when nothing says yet.
 */
inline int placedPis(const InstallRecord &record, const InstallStack &stack)
{
    int placed = 0;
    bool checked = false;
    for (const InstallPiCheck &check : record.checks) {
        if (check.stack != stack.id)
            continue;
        checked = true;
        placed += check.mac.isEmpty() ? 0 : 1;
    }
    if (checked)
        return placed;
    if (stack.status == Status::Found || stack.status == Status::Accepted)
        return int(stack.macs.size());
    return -1;
}

/// Why a stack's verdict is what it is, when that is not obvious: judged on fewer Pis, or on none.
inline QString verdictNote(const InstallRecord &record, const InstallStack &stack)
{
    const int placed = placedPis(record, stack);
    const int slots = stack.expected();
    if (placed == 0)
        return stack.status == Status::Skipped
            ? QCoreApplication::translate("InstallJson", "skipped: no Pi placed, nothing to wait for")
            : QCoreApplication::translate("InstallJson", "accepted with no Pi: nothing to wait for");
    if (placed > 0 && placed < slots)
        return QCoreApplication::translate(
            "InstallJson", "judged on the %1 placed; %2 of %3 slots left empty")
            .arg(pis(placed))
            .arg(slots - placed)
            .arg(slots);
    return {};
}

} // namespace InstallJson
