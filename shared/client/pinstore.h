// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMap>
#include <QString>

/**
 * The racks this user trusts: "host:port" -> pinned certificate fingerprint, in one JSON file
 * (default ~/.config/pirack/known-racks.json), replaced atomically.
 */
class PinStore
{
public:
    explicit PinStore(QString path = defaultPath());
    static QString defaultPath();

    bool load(QString *error);
    QString fingerprint(const QString &host, quint16 port) const;
    bool pin(const QString &host, quint16 port, const QString &fingerprint, QString *error);

private:
    static QString key(const QString &host, quint16 port);
    QString m_path;
    QMap<QString, QString> m_pins;
};
