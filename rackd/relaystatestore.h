// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMap>
#include <QString>
#include <optional>

/**
 * The relay states rackd last drove, per stack id, with the boot they were driven in. Saved
 * after every change (QSaveFile), so a restarted rackd re-asserts exactly what the relays hold.
 */
class RelayStateStore
{
public:
    struct Saved
    {
        QMap<int, bool> stacks; ///< Stack id -> on.
        QString bootId;
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
