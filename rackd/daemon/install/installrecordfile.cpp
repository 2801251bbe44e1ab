// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/installrecordfile.h"

#include "storage/jsonfile.h"

#include <QFile>

using namespace Qt::Literals::StringLiterals;

std::optional<InstallRecord> InstallRecordFile::load(const QString &path, QString *problem)
{
    const JsonFile::ReadResult read = JsonFile::read(path);
    if (read.status == JsonFile::ReadResult::Status::Missing)
        return std::nullopt;
    QString error = read.error;
    std::optional<InstallRecord> record;
    if (read.status == JsonFile::ReadResult::Status::Ok)
        record = InstallRecord::fromJson(read.object, &error);
    if (record)
        return record;
    const QString aside = path + u".damaged"_s;
    QFile::remove(aside);
    const bool kept = QFile::rename(path, aside);
    *problem = u"the saved install %1 is not usable: %2 - %3"_s.arg(
        path, error, kept ? u"moved to "_s + aside : u"it could not be moved aside"_s);
    return std::nullopt;
}

bool InstallRecordFile::save(const QString &path, const InstallRecord &record, QString *error)
{
    return JsonFile::write(path, record.toJson(), JsonFile::OwnerOnly, error);
}
