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

    /// A line's largest size: larger parameters are summarised (how many bytes, which keys).
    static constexpr qsizetype MaximumLineBytes = 4096;
    /// One parameter's largest size in a line.
    static constexpr qsizetype MaximumParameterBytes = 1024;

    /// Adds "time" (UTC, ISO 8601 with milliseconds) and appends. False when it cannot be written.
    bool append(QJsonObject entry);
    /// A request's parameters as the log keeps them: each at most MaximumParameterBytes.
    static QJsonObject boundedParameters(const QJsonObject &parameters);
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
