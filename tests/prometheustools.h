// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFileInfo>
#include <QStandardPaths>
#include <QString>

/// Prometheus' `promtool` or `prometheus`: unpacked into build-tools/ by scripts/test.sh, else on PATH.
inline QString prometheusTool(const QString &name)
{
    const QString unpacked = QStringLiteral(PIRACK_SOURCE_DIR "/build-tools/prometheus/usr/bin/") + name;
    return QFileInfo(unpacked).isExecutable() ? unpacked : QStandardPaths::findExecutable(name);
}
