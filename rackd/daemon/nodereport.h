// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>
#include <optional>

/**
 * What a node says about itself, checked before rackd keeps or forwards any of it: only the keys
 * rackd knows, each of its type and within its bounds, no control characters. Whatever passes is
 * small (a few hundred bytes), so the inventory stays small whatever a node sends.
 */
namespace NodeReport {

/// "dc:a6:32:01:02:03": lower case, nothing before or after (not even a newline).
bool isMac(const QString &text);

/// The identity from a join or login hello (`mac`, `interface`, `hostname`, `model`, `serial`,
/// `cores`), without the MAC; unknown keys are left out. Empty with `problem` set when a known key
/// is malformed.
std::optional<QJsonObject> identity(const QJsonObject &reported, QString *problem);

/// A heartbeat's metrics: the known numbers (or "unavailable") and the throttling flags.
std::optional<QJsonObject> metrics(const QJsonObject &reported, QString *problem);

/// Text from a node made safe for one log line or a terminal: control characters (newlines and
/// escape sequences included) become \xNN, and it is cut at `maximumLength` characters.
QString printable(const QString &text, qsizetype maximumLength = 200);

} // namespace NodeReport
