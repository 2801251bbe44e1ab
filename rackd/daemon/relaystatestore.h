// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMap>
#include <QString>
#include <optional>

/**
 * The relay states rackd last drove, per stack id, with the boot they were driven in, and the
 * switches under way. A switch is written down before the relay is told (`switching`) and again
 * once it has moved, so that at every instant the file says what the relay holds, or that it is
 * one of two states: a restarted rackd then asks the board (where it can be read) instead of
 * guessing, and never moves a relay by itself.
 */
class RelayStateStore
{
public:
    struct Saved
    {
        QMap<int, bool> stacks; ///< Stack id -> on.
        QString bootId;
        QMap<int, bool> switching; ///< Stack id -> the state it is being switched to.
    };

    explicit RelayStateStore(QString path);
    QString path() const { return m_path; }

    /// Empty when nothing was saved yet; an error (never a guess) when the file is damaged.
    std::optional<Saved> load(QString *error, bool *damaged) const;
    bool save(const Saved &state, QString *error) const;

    /// The kernel's id of the current boot: a different one means the master lost power.
    static QString currentBootId(const QString &bootIdFile);

private:
    QString m_path;
};
