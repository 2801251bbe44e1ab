// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QFileDevice>
#include <QString>

/// Files replaced in one step (QSaveFile): a reader, or a crash, never sees half of one.
namespace AtomicFile {

constexpr QFileDevice::Permissions OwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions WorldReadable
    = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther;

/// The permissions are set before any byte is written, so a secret is never readable by others.
bool write(
    const QString &path, const QByteArray &content, QFileDevice::Permissions permissions, QString *error);

} // namespace AtomicFile
