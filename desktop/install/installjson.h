// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/installrecord.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

/**
 * Reading the install record rackd announces (docs/protocol.md, "The install record"). It came from
 * the network: every accessor copes with a missing or mistyped field by answering "nothing". Its
 * words (steps, outcomes, stack statuses) are InstallRecord's, read back into their enums.
 */
namespace InstallJson {

using Step = InstallRecord::Step;
using Outcome = InstallRecord::Outcome;
using Status = InstallStack::Status;

inline QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}
inline bool isActive(const QJsonObject &record) { return record.value(QLatin1String("active")).toBool(); }
/// Empty when no install has run ("none") or the word is not one of InstallRecord's.
inline std::optional<Outcome> outcome(const QJsonObject &record)
{
    return InstallRecord::outcomeFromName(text(record, "outcome"));
}
inline std::optional<Step> step(const QJsonObject &record)
{
    return InstallRecord::stepFromName(text(record, "step"));
}
inline std::optional<Status> status(const QJsonObject &stack)
{
    return InstallStack::statusFromName(text(stack, "status"));
}
inline int currentStack(const QJsonObject &record)
{
    return record.value(QLatin1String("current_stack")).toInt();
}
inline bool waitsForDecision(const QJsonObject &record)
{
    return outcome(record) == Outcome::WaitingForDecision;
}

/// The record's entry for `stack`; empty when the install does not cover it.
inline QJsonObject stack(const QJsonObject &record, int id)
{
    for (const QJsonValue &value : record.value(QLatin1String("stacks")).toArray()) {
        if (value[QLatin1String("id")].toInt() == id)
            return value.toObject();
    }
    return {};
}

/// A stack whose discovery is over, one way or another.
inline bool isSettled(const QJsonObject &stack)
{
    const std::optional<Status> word = status(stack);
    return word == Status::Found || word == Status::Accepted || word == Status::Skipped;
}

/// "1 Pi", "3 Pis": the plural in English, with no translation file to pick it.
inline QString pis(int count)
{
    return count == 1 ? QCoreApplication::translate("InstallJson", "1 Pi")
                      : QCoreApplication::translate("InstallJson", "%1 Pis").arg(count);
}

/**
 * The Pis verification waits for in a stack: those placed (from the checks, once rackd verifies;
 * before that, the Pis the stack's discovery found). -1 when nothing says yet.
 */
inline int placedPis(const QJsonObject &record, const QJsonObject &stack)
{
    const int id = stack.value(QLatin1String("id")).toInt();
    int placed = 0;
    bool checked = false;
    for (const QJsonValue &check : record.value(QLatin1String("checks")).toArray()) {
        if (check[QLatin1String("stack")].toInt() != id)
            continue;
        checked = true;
        placed += check[QLatin1String("mac")].toString().isEmpty() ? 0 : 1;
    }
    if (checked)
        return placed;
    if (status(stack) == Status::Found || status(stack) == Status::Accepted)
        return stack.value(QLatin1String("found")).toInt();
    return -1;
}

/// Why a stack's verdict is what it is, when that is not obvious: judged on fewer Pis, or on none.
inline QString verdictNote(const QJsonObject &record, const QJsonObject &stack)
{
    const int placed = placedPis(record, stack);
    const int slots = stack.value(QLatin1String("expected")).toInt();
    if (placed == 0)
        return status(stack) == Status::Skipped
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
