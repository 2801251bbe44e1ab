// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "structure/structurereader.h"

#include <QTextStream>

/**
 * `rackd --check FILE`, like `nginx -t`: reads a structure file and prints the rack it
 * describes, or every finding. Exit status: 0 valid, 1 invalid, 2 unreadable.
 */
class StructureCheck
{
public:
    enum ExitCode { Valid = 0, Invalid = 1, Unreadable = 2 };

    static int run(const QString &path, bool json, QTextStream &out, QTextStream &err);

    static int exitCode(const StructureLoadResult &result);
    /// The human report of a valid rack: summary, the grid as it stands, and a table of stacks.
    static QString describe(const RackStructure &structure);
    static QJsonObject toJson(const StructureLoadResult &result, const QString &path);
};
