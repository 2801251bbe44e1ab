// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "auditlog.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
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

QJsonObject AuditLog::boundedParameters(const QJsonObject &parameters)
{
    QJsonObject bounded;
    for (auto it = parameters.constBegin(); it != parameters.constEnd(); ++it) {
        const qsizetype size = it.value().isObject() || it.value().isArray()
            ? QJsonDocument::fromVariant(it.value().toVariant()).toJson(QJsonDocument::Compact).size()
            : it.value().toString().toUtf8().size();
        if (size > MaximumParameterBytes)
            bounded.insert(it.key(), QJsonObject {{u"omitted_bytes"_s, double(size)}});
        else
            bounded.insert(it.key(), it.value());
    }
    return bounded;
}

bool AuditLog::append(QJsonObject entry)
{
    entry.insert(u"time"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    QByteArray line = QJsonDocument(entry).toJson(QJsonDocument::Compact) + '\n';
    if (line.size() > MaximumLineBytes) {
        // Still too long (many parameters, long targets): the keys stay, the values go.
        const QJsonObject params = entry.value(u"params"_s).toObject();
        entry.insert(
            u"params"_s, QJsonObject {{u"keys"_s, QJsonArray::fromStringList(params.keys().mid(0, 32))}});
        if (entry.value(u"targets"_s).toArray().size() > 32)
            entry.insert(
                u"targets"_s, QJsonObject {{u"count"_s, entry.value(u"targets"_s).toArray().size()}});
        line = QJsonDocument(entry).toJson(QJsonDocument::Compact) + '\n';
    }
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
