// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

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

/// The saved racks, in the app's settings (QSettings), with the one used last.
class SavedRacks
{
public:
    static QList<SavedRack> load();
    static void save(const QList<SavedRack> &racks);
    /// Adds or replaces (by name).
    static void put(const SavedRack &rack);
    static void remove(const QString &name);
    static QString lastUsed();
    static void setLastUsed(const QString &name);
};
