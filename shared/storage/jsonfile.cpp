// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "jsonfile.h"

#include <QFile>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace JsonFile {

ReadResult read(const QString &path, qint64 maximumBytes)
{
    using Status = ReadResult::Status;
    QFile file(path);
    if (!file.exists())
        return {Status::Missing, {}, {}};
    if (!file.open(QIODevice::ReadOnly))
        return {Status::Unreadable, {}, file.errorString()};
    const QByteArray content = file.read(maximumBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return {Status::Unreadable, {}, file.errorString()};
    if (content.size() > maximumBytes)
        return {Status::Damaged, {}, u"larger than %1 bytes"_s.arg(maximumBytes)};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(content, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return {Status::Damaged, {}, u"%1 at byte %2"_s.arg(parseError.errorString()).arg(parseError.offset)};
    if (!document.isObject())
        return {Status::Damaged, {}, u"not a JSON object"_s};
    return {Status::Ok, document.object(), {}};
}

bool write(const QString &path, const QJsonObject &object, QFileDevice::Permissions permissions,
    QString *error, qint64 maximumBytes)
{
    const QByteArray content = QJsonDocument(object).toJson(QJsonDocument::Compact);
    if (content.size() > maximumBytes) {
        *error = u"cannot write %1: %2 bytes, more than the %3 it may hold (the previous file is unchanged)"_s
                     .arg(path)
                     .arg(content.size())
                     .arg(maximumBytes);
        return false;
    }
    return AtomicFile::write(path, content, permissions, error);
}

} // namespace JsonFile
