// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "auditlog.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

AuditLog::AuditLog(QString path, qint64 maximumBytes, int filesKept)
    : m_path(std::move(path))
    , m_maximumBytes(maximumBytes)
    , m_filesKept(filesKept)
{ }

QString AuditLog::rotatedPath(int index) const
{
    return index == 0 ? m_path : m_path + u'.' + QString::number(index);
}

void AuditLog::rotate()
{
    QFile::remove(rotatedPath(m_filesKept));
    for (int index = m_filesKept - 1; index >= 0; --index) {
        if (QFile::exists(rotatedPath(index)))
            QFile::rename(rotatedPath(index), rotatedPath(index + 1));
    }
}

bool AuditLog::append(QJsonObject entry)
{
    entry.insert(u"time"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    const QByteArray line = QJsonDocument(entry).toJson(QJsonDocument::Compact) + '\n';
    if (QFileInfo(m_path).size() + line.size() > m_maximumBytes)
        rotate();
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
        return false;
    // One write of a whole line: a crash leaves at most one torn line at the end, which last() skips.
    return file.write(line) == line.size() && file.flush();
}

QList<QJsonObject> AuditLog::last(int count) const
{
    QList<QJsonObject> entries;
    for (int index = 0; index <= m_filesKept && entries.size() < count; ++index) {
        QFile file(rotatedPath(index));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        QList<QJsonObject> fileEntries;
        const QList<QByteArray> lines = file.readAll().split('\n');
        for (const QByteArray &line : lines) {
            const QJsonDocument document = QJsonDocument::fromJson(line);
            if (document.isObject())
                fileEntries.append(document.object());
        }
        entries = fileEntries + entries;
    }
    if (entries.size() > count)
        entries = entries.mid(entries.size() - count);
    return entries;
}
