// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

/**
 * Who did what to the rack: one JSON object per line, appended and flushed per entry, the file
 * rotated by size (audit.log -> audit.log.1 -> ... , the oldest dropped).
 */
class AuditLog
{
public:
    AuditLog(QString path, qint64 maximumBytes, int filesKept);

    /// Adds "time" (UTC, ISO 8601 with milliseconds) and appends. False when it cannot be written.
    bool append(QJsonObject entry);
    /// The newest `count` entries, oldest first, across the rotated files.
    QList<QJsonObject> last(int count) const;
    QString path() const { return m_path; }

private:
    void rotate();
    QString rotatedPath(int index) const;

    QString m_path;
    qint64 m_maximumBytes;
    int m_filesKept;
};
