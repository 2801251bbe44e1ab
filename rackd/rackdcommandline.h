// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <QTextStream>

/// rackd's command line. Returns the process exit status; main() only builds the application.
class RackdCommandLine
{
public:
    /// For a command line that cannot be understood (sysexits' EX_USAGE).
    static constexpr int UsageError = 64;

    static int run(const QStringList &arguments, QTextStream &out, QTextStream &err);
};
