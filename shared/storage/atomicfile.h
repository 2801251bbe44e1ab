// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QFileDevice>
#include <QString>

/**
 * Files replaced in one step: a reader, or a crash, never sees half of one, and a failed write
 * (a full disk, an I/O error) leaves the previous file exactly as it was.
 *
 * Not QSaveFile: Qt 6.4's QSaveFile::commit() ignores an error of its final flush and renames a
 * short or empty temporary file over the real one (ENOSPC on a full SD card). Here every step is
 * checked: write() of every byte, fdatasync(), close(), rename(), and the directory is synced so
 * the rename itself survives a power cut.
 */
namespace AtomicFile {

constexpr QFileDevice::Permissions OwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions WorldReadable
    = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther;

/// The permissions are set before any byte is written, so a secret is never readable by others.
/// On failure `error` names the file and the step that failed, and the old file is untouched.
bool write(
    const QString &path, const QByteArray &content, QFileDevice::Permissions permissions, QString *error);

} // namespace AtomicFile
