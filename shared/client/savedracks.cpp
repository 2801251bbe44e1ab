// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "savedracks.h"

#include "storage/jsonfile.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QLockFile>
#include <QStandardPaths>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qint64 MaximumFileBytes = 1024 * 1024;
constexpr qsizetype MaximumNameLength = 100;
} // namespace

SavedRacks::SavedRacks(QString path)
    : m_path(std::move(path))
{ }

QString SavedRacks::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation))
        .filePath(u"pirack/racks.json"_s);
}

bool SavedRacks::isRackName(const QString &name)
{
    return !name.trimmed().isEmpty() && name.size() <= MaximumNameLength
        && std::none_of(
            name.cbegin(), name.cend(), [](QChar c) { return c.category() == QChar::Other_Control; });
}

bool SavedRacks::load(QString *error)
{
    m_racks.clear();
    m_current.clear();
    const JsonFile::ReadResult file = JsonFile::read(m_path, MaximumFileBytes);
    if (file.status == JsonFile::ReadResult::Status::Missing)
        return true;
    if (file.status != JsonFile::ReadResult::Status::Ok) {
        *error = u"%1 is damaged or unreadable (%2); fix or remove it"_s.arg(m_path, file.error);
        return false;
    }
    const QJsonArray racks = file.object.value(u"racks"_s).toArray();
    for (qsizetype i = 0; i < racks.size(); ++i) {
        const QJsonObject entry = racks.at(i).toObject();
        SavedRack rack;
        rack.name = entry.value(u"name"_s).toString();
        rack.host = entry.value(u"host"_s).toString();
        const int port = entry.value(u"port"_s).toInt(-1);
        rack.port = port > 0 && port <= 65535 ? quint16(port) : 0;
        if (!rack.isValid() || !isRackName(rack.name) || find(rack.name)) {
            *error
                = u"%1: rack %2 is not a name, a host and a port from 1 to 65535 (or its name is taken); fix "
                  u"or remove it"_s.arg(m_path)
                      .arg(i + 1);
            m_racks.clear();
            return false;
        }
        m_racks.append(rack);
    }
    m_current = file.object.value(u"current"_s).toString();
    if (!find(m_current))
        m_current.clear();
    return true;
}

std::optional<SavedRack> SavedRacks::find(const QString &name) const
{
    for (const SavedRack &rack : m_racks) {
        if (rack.name == name)
            return rack;
    }
    return std::nullopt;
}

bool SavedRacks::save(const QList<SavedRack> &racks, const QString &current, QString *error)
{
    QJsonArray entries;
    for (const SavedRack &rack : racks)
        entries.append(QJsonObject {{u"name"_s, rack.name}, {u"host"_s, rack.host}, {u"port"_s, rack.port}});
    QJsonObject object {{u"racks"_s, entries}};
    if (!current.isEmpty())
        object.insert(u"current"_s, current);
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
        *error = u"cannot make the folder of %1"_s.arg(m_path);
        return false;
    }
    if (!JsonFile::write(m_path, object, JsonFile::OwnerOnly, error, MaximumFileBytes))
        return false;
    m_racks = racks;
    m_current = current;
    return true;
}

bool SavedRacks::change(
    const std::function<bool(QList<SavedRack> &, QString &, QString *)> &edit, QString *error)
{
    // What the other program saved since this one read the file is kept: one program at a time reads
    // the file again, changes it and writes it.
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
        *error = u"cannot make the folder of %1"_s.arg(m_path);
        return false;
    }
    QLockFile lock(m_path + u".lock"_s);
    if (!lock.tryLock(5000)) {
        *error = u"%1 is being changed by another program (%1.lock)"_s.arg(m_path);
        return false;
    }
    if (!load(error))
        return false;
    QList<SavedRack> racks = m_racks;
    QString current = m_current;
    return edit(racks, current, error) && save(racks, current, error);
}

bool SavedRacks::put(const SavedRack &rack, QString *error)
{
    if (!rack.isValid() || !isRackName(rack.name)) {
        *error = u"a saved rack needs a name (at most %1 characters, no control characters), a host and a "
                 u"port"_s.arg(MaximumNameLength);
        return false;
    }
    return change(
        [&rack](QList<SavedRack> &racks, QString &, QString *) {
            const auto it = std::find_if(racks.begin(), racks.end(),
                [&rack](const SavedRack &other) { return other.name == rack.name; });
            if (it != racks.end())
                *it = rack;
            else
                racks.append(rack);
            return true;
        },
        error);
}

bool SavedRacks::remove(const QString &name, QString *error)
{
    return change(
        [&name, this](QList<SavedRack> &racks, QString &current, QString *why) {
            if (racks.removeIf([&name](const SavedRack &rack) { return rack.name == name; }) == 0) {
                *why = u"there is no saved rack called \"%1\" in %2"_s.arg(name, m_path);
                return false;
            }
            if (current == name)
                current.clear();
            return true;
        },
        error);
}

bool SavedRacks::setCurrent(const QString &name, QString *error)
{
    return change(
        [&name, this](QList<SavedRack> &racks, QString &current, QString *why) {
            if (std::none_of(
                    racks.cbegin(), racks.cend(), [&name](const SavedRack &r) { return r.name == name; })) {
                *why = u"there is no saved rack called \"%1\" in %2"_s.arg(name, m_path);
                return false;
            }
            current = name;
            return true;
        },
        error);
}
