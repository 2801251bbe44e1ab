// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agentconfig.h"
#include "testfiles.h"

#include <QDir>

/// An in-process agent's configuration for a node whose /sys, under `root`, says its MAC is `mac`.
inline AgentConfig nodeAgentConfig(const QString &root, const QString &mac)
{
    QDir().mkpath(root + QStringLiteral("/sys/class/net/eth0"));
    writeFile(root + QStringLiteral("/sys/class/net/eth0/address"), mac.toLatin1());
    AgentConfig config;
    config.credentialFile = root + QStringLiteral("/credential");
    config.rootDirectory = root;
    return config;
}
