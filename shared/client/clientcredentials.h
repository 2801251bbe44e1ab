// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "client/pinstore.h"

#include <QString>
#include <optional>

/**
 * What rackctl and the desktop app both do with a token file and a fingerprint given on the
 * command line, in one place so the two cannot drift apart.
 */
namespace ClientCredentials {

/**
 * The token in a file: its first line, trimmed. `warning` says so when the file can be read by its
 * group or by others (a token is a password). Empty, with `error`, when it cannot be read or holds
 * no token.
 */
std::optional<QString> readTokenFile(const QString &path, QString *warning, QString *error);

/// A fingerprint given on the command line, checked against what is pinned for the rack.
struct GivenFingerprint
{
    QString fingerprint; ///< In canonical form: what the rack must present.
    bool isNew = false; ///< Nothing is pinned for the rack yet: pin it (once it proved right, or now).
};

/**
 * Accepts any spelling a person pastes (normalizeFingerprint). Refuses, with `error`, a text that
 * is not a fingerprint, and one that differs from the fingerprint already pinned for the rack: a pin
 * is never replaced silently.
 */
std::optional<GivenFingerprint> checkGivenFingerprint(
    const PinStore &pins, const QString &host, quint16 port, const QString &given, QString *error);

} // namespace ClientCredentials
