// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <optional>

/**
 * Which stacks and Pis are in maintenance: someone works on them, so rackd neither recovers nor
 * alerts about them. Kept in maintenance.json in the state directory; every change is written
 * (atomically) before it counts, so a restart never forgets one and a failed write changes nothing.
 */
class MaintenanceStore
{
public:
    struct Entry
    {
        QString reason;
        QString by; ///< The token that switched it on.
        QDateTime since;

        QJsonObject toJson() const;
        static std::optional<Entry> fromJson(const QJsonObject &object);
    };

    explicit MaintenanceStore(QString path);
    QString path() const { return m_path; }

    /// Nothing saved is an empty store; a damaged file is an error (rackd does not start on a guess).
    bool load(QString *error);

    std::optional<Entry> stack(int id) const;
    std::optional<Entry> node(const QString &mac) const;
    const QMap<int, Entry> &stacks() const { return m_stacks; }
    const QMap<QString, Entry> &nodes() const { return m_nodes; }

    /// Switches maintenance on (with `entry`) or off (empty); false with `error` if it cannot be saved.
    bool setStack(int id, const std::optional<Entry> &entry, QString *error);
    bool setNode(const QString &mac, const std::optional<Entry> &entry, QString *error);
    static constexpr int MaximumReasonLength = 200;

private:
    bool save(const QMap<int, Entry> &stacks, const QMap<QString, Entry> &nodes, QString *error);

    QString m_path;
    QMap<int, Entry> m_stacks;
    QMap<QString, Entry> m_nodes;
};
