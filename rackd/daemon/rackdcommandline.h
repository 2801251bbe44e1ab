// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "rackdconfig.h"

#include <QStringList>
#include <QTextStream>
#include <optional>

/// rackd's command line: either an answer right away (help, check, fingerprint) or a daemon to run.
class RackdCommandLine
{
public:
    /// For a command line that cannot be understood (sysexits' EX_USAGE).
    static constexpr int UsageError = 64;
    /// For a configuration that cannot be used (sysexits' EX_CONFIG).
    static constexpr int ConfigError = 78;
    static constexpr const char *DefaultConfig = "/etc/pirack/rackd.conf";

    struct Outcome
    {
        std::optional<int> exitCode; ///< Set: exit with it now.
        std::optional<RackdConfig> daemon; ///< Set: run the daemon with this configuration.
    };

    static Outcome run(const QStringList &arguments, QTextStream &out, QTextStream &err);
};
