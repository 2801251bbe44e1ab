// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "client/savedracks.h"

#include <QStringList>
#include <optional>

/// What `pirack` was started with, checked. The window, the designer and the tests start from this.
struct LaunchOptions
{
    /// The rack designer instead of a connection: on this file, or on a new rack when empty.
    std::optional<QString> designFile;
    /// The rack to connect to at once (--host, or --rack NAME); empty: ask.
    std::optional<SavedRack> rack;
    bool rackIsNew = false; ///< Given by --host: saved under its name before connecting.
    QString token; ///< From --token-file or PIRACK_TOKEN; empty: the keyring or a prompt.
    QString tokenFileWarning; ///< The token file is readable by others.
    QString knownRacks; ///< The file of pinned fingerprints.
    QString trustFingerprint; ///< --trust-fingerprint, as given.
    QString screenshotFile; ///< Save a picture of the loaded window here, then quit.
    /// A connect link (`pirack pirack://…`, as a browser or the desktop opens a clicked link): shown in
    /// the connect dialog for confirmation. Checked here, so a bad one ends the start with its reason.
    QString link;

    /// Exit statuses of a start that cannot go on (the same meanings as rackctl's).
    enum ExitCode { Usage = 2, Untrusted = 5 };

    /**
     * Reads the arguments (with the program name first). Empty when the program ends at once with
     * `exitCode`: 0 after --help or --version (`error` is then the text to print), otherwise a wrong
     * option, an unreadable token file or a saved rack that does not exist (`error` says which).
     */
    static std::optional<LaunchOptions> parse(
        const QStringList &arguments, const QList<SavedRack> &savedRacks, QString *error, int *exitCode);
};
