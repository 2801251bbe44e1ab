// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QTextStream>

/// How rackctl shows an install (the result of install.status) to a person.
namespace InstallPrinter {

/// The stacks, anomalies, what the install waits for, the per-Pi report and the warnings.
void print(QTextStream &out, const QJsonObject &install);
/// One line: where the install is, and what to type next when it waits for someone.
QString nextStepHint(const QJsonObject &install);
/// Whether a follower can stop: nothing more happens until someone acts, or it is over.
bool isSettled(const QJsonObject &install);

} // namespace InstallPrinter
