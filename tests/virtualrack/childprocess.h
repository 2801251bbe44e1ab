// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QProcess>
#include <QStringList>
#include <chrono>

/**
 * The virtual rack's processes (rackd, dnsmasq, DHCP clients, agents) are its children in the strict
 * sense: each gets its own process group, so a Ctrl-C at the terminal reaches only the virtual rack,
 * which then stops them in order; and each dies with it (PR_SET_PDEATHSIG), so nothing outlives a
 * virtual rack that was killed.
 */
namespace ChildProcess {

/// Sets the group and death signal, and appends stdout and stderr to `logFile`.
void prepare(QProcess *process, const QString &logFile);
/// SIGTERM, then SIGKILL after `grace`; waits for the end. For stopping in order, not for power cuts.
void stop(QProcess *process, std::chrono::milliseconds grace);
/// Runs a short command to its end; false with its output in `error` when it fails.
bool run(const QString &program, const QStringList &arguments, QString *error,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(20000), QByteArray *output = nullptr);

} // namespace ChildProcess
