// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "pinstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

using namespace Qt::Literals::StringLiterals;

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
    QFile file(m_path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(m_path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(1024 * 1024), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = u"%1 is damaged (%2); fix or remove it"_s.arg(m_path, parseError.errorString());
        return false;
    }
    const QJsonObject racks = document.object().value(u"racks"_s).toObject();
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
    const QByteArray content = QJsonDocument(QJsonObject {{u"racks"_s, racks}}).toJson();
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size() || !file.commit()) {
        *error = u"cannot save %1: %2"_s.arg(m_path, file.errorString());
        return false;
    }
    m_pins = pins;
    return true;
}
