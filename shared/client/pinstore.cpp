// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "pinstore.h"

#include "storage/jsonfile.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QStandardPaths>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qint64 MaximumFileBytes = 1024 * 1024;
}

PinStore::PinStore(QString path)
    : m_path(std::move(path))
{ }

QString PinStore::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation))
        .filePath(u"pirack/known-racks.json"_s);
}

QString PinStore::key(const QString &host, quint16 port)
{
    return host.toLower() + u':' + QString::number(port);
}

bool PinStore::load(QString *error)
{
    m_pins.clear();
    const JsonFile::ReadResult file = JsonFile::read(m_path, MaximumFileBytes);
    if (file.status == JsonFile::ReadResult::Status::Missing)
        return true;
    if (file.status != JsonFile::ReadResult::Status::Ok) {
        *error = u"%1 is damaged or unreadable (%2); fix or remove it"_s.arg(m_path, file.error);
        return false;
    }
    const QJsonObject racks = file.object.value(u"racks"_s).toObject();
    for (auto it = racks.constBegin(); it != racks.constEnd(); ++it)
        m_pins.insert(it.key(), it.value().toString());
    return true;
}

QString PinStore::fingerprint(const QString &host, quint16 port) const
{
    return m_pins.value(key(host, port));
}

bool PinStore::pin(const QString &host, quint16 port, const QString &fingerprint, QString *error)
{
    QMap<QString, QString> pins = m_pins;
    pins.insert(key(host, port), fingerprint);
    QJsonObject racks;
    for (auto it = pins.cbegin(); it != pins.cend(); ++it)
        racks.insert(it.key(), it.value());
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    if (!JsonFile::write(m_path, {{u"racks"_s, racks}}, JsonFile::OwnerOnly, error, MaximumFileBytes))
        return false;
    m_pins = pins;
    return true;
}
