// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "atomicfile.h"

#include <QFileDevice>
#include <QJsonObject>
#include <QString>

/// State files holding one JSON object: read with a size cap, written atomically (AtomicFile).
namespace JsonFile {

struct ReadResult
{
    enum class Status {
        Ok,
        Missing, ///< No file: nothing was saved yet.
        Unreadable, ///< It exists but cannot be read (permissions, I/O).
        Damaged, ///< Read, but not a JSON object (or larger than allowed).
    };
    Status status = Status::Missing;
    QJsonObject object;
    QString error; ///< Why, for Unreadable and Damaged; the caller adds what the file is.
};

/// What a state file may hold by default, for reading and writing alike.
constexpr qint64 DefaultMaximumBytes = 16 * 1024 * 1024;

ReadResult read(const QString &path, qint64 maximumBytes = DefaultMaximumBytes);

/**
 * Replaces the file in one step, compact; the permissions are set before anything is written.
 * Refuses (and keeps the old file) when the result would be larger than `maximumBytes`: a file
 * its own reader would refuse must never be written.
 */
bool write(const QString &path, const QJsonObject &object, QFileDevice::Permissions permissions,
    QString *error, qint64 maximumBytes = DefaultMaximumBytes);

constexpr QFileDevice::Permissions OwnerOnly = AtomicFile::OwnerOnly;
constexpr QFileDevice::Permissions WorldReadable = AtomicFile::WorldReadable;

} // namespace JsonFile
