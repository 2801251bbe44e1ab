// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <functional>
#include <optional>

/// A rack the operator saved: what they call it and where its rackd answers.
struct SavedRack
{
    QString name;
    QString host;
    quint16 port = 7420;

    /// How the rack is known to the pin store and the keyring: "host:port".
    QString key() const { return host + QLatin1Char(':') + QString::number(port); }
    bool isValid() const { return !name.trimmed().isEmpty() && !host.trimmed().isEmpty() && port != 0; }
};

/**
 * The racks this user saved, shared by the app and rackctl: one JSON file (default
 * ~/.config/pirack/racks.json, beside known-racks.json), with the rack used last ("current": what
 * rackctl talks to when told nothing else). Every change re-reads the file and replaces it
 * atomically, so the two programs never undo each other's change; a damaged file is reported and
 * never overwritten.
 */
class SavedRacks
{
public:
    explicit SavedRacks(QString path = defaultPath());
    static QString defaultPath();
    QString path() const { return m_path; }

    /// A missing file is no racks. False, with `error` naming the file, when it cannot be read.
    bool load(QString *error);
    QList<SavedRack> racks() const { return m_racks; }
    std::optional<SavedRack> find(const QString &name) const;
    QString current() const { return m_current; }

    /// Adds or replaces (by name).
    bool put(const SavedRack &rack, QString *error);
    /// Removing the current rack leaves none current.
    bool remove(const QString &name, QString *error);
    /// `name` must be saved.
    bool setCurrent(const QString &name, QString *error);

    /// Names may be anything a person types, but not empty, not over 100 characters, no control characters.
    static bool isRackName(const QString &name);

private:
    bool change(const std::function<bool(QList<SavedRack> &, QString &, QString *)> &edit, QString *error);
    bool save(const QList<SavedRack> &racks, const QString &current, QString *error);

    QString m_path;
    QList<SavedRack> m_racks;
    QString m_current;
};
