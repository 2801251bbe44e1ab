// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/installrecord.h"

/**
 * install.json in rackd's state directory: the install as it was last announced, written
 * atomically before each announcement so a restarted rackd resumes where it was.
 */
namespace InstallRecordFile {

/**
 * The saved install. A missing file is no install (empty, `problem` empty). A damaged one is kept
 * for a person to look at, as install.json.damaged, and reported in `problem`; a new install then
 * starts from nothing.
 */
std::optional<InstallRecord> load(const QString &path, QString *problem);
/// Replaces the file atomically (readable by rackd's user only); false, with why, when it could not.
bool save(const QString &path, const InstallRecord &record, QString *error);

} // namespace InstallRecordFile
