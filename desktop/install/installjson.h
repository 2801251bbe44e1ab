// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

/**
 * Reading the install record rackd announces (docs/protocol.md, "The install record"). It came from
 * the network: every accessor copes with a missing or mistyped field by answering "nothing".
 */
namespace InstallJson {

inline QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}
inline bool isActive(const QJsonObject &record) { return record.value(QLatin1String("active")).toBool(); }
inline QString outcome(const QJsonObject &record) { return text(record, "outcome"); }
inline QString step(const QJsonObject &record) { return text(record, "step"); }
inline int currentStack(const QJsonObject &record) { return record.value(QLatin1String("current_stack")).toInt(); }
inline bool waitsForDecision(const QJsonObject &record) { return outcome(record) == QLatin1String("waiting-for-decision"); }

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
    const QString status = text(stack, "status");
    return status == QLatin1String("found") || status == QLatin1String("accepted")
        || status == QLatin1String("skipped");
}

} // namespace InstallJson
