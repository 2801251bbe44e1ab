// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "rackstructure.h"
#include "structureissue.h"

#include <QByteArray>
#include <optional>

struct StructureLoadResult
{
    enum class Status {
        Valid, ///< Loaded; there may be warnings.
        Invalid, ///< Read, but has errors: no structure is returned, so nothing half-configured starts.
        Unreadable, ///< The file could not be read at all.
    };

    Status status = Status::Unreadable;
    std::optional<RackStructure> structure;
    QList<StructureIssue> issues;
};

/**
 * Reads `structure_rack.ini`: the original PiRack format unchanged, plus PiRack's keys for the
 * relay wiring, power timing and addressing. Every finding names the file, section, key and line.
 */
class StructureReader
{
public:
    /// Files larger than this are refused: a structure file is a few KiB.
    static constexpr qint64 MaximumFileSize = 1024 * 1024;

    static StructureLoadResult readFile(const QString &path);
    static StructureLoadResult parse(const QByteArray &content, const QString &fileName);

    /// Every key the [rack] section and the stack sections know.
    // The [rack] section's name is matched without regard to case, like its keys.
    static bool isRackSection(const QString &sectionName);
    static QStringList rackKeys();
    static QStringList stackKeys();
};
