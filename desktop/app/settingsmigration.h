// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

/**
 * Before rackctl shared them, the app kept its saved racks in its own settings
 * (~/.config/PiRack/pirack.conf) and its token file in ~/.config/PiRack/pirack/tokens.json. Once,
 * both move to ~/.config/pirack/ (racks.json, tokens.json), beside whatever rackctl saved there
 * already (which stays as it is), so an upgrade loses no rack and no token.
 */
namespace SettingsMigration {

/// Returns what was moved, for the log; empty when there was nothing to move.
QString moveToSharedFiles();

} // namespace SettingsMigration
