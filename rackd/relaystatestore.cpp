// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "relaystatestore.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

using namespace Qt::Literals::StringLiterals;

RelayStateStore::RelayStateStore(QString path)
    : m_path(std::move(path))
{ }

std::optional<RelayStateStore::Saved> RelayStateStore::load(QString *error, bool *damaged) const
{
    *damaged = false;
    QFile file(m_path);
    if (!file.exists())
        return std::nullopt;
    const auto fail = [&](const QString &why) -> std::optional<Saved> {
        *damaged = true;
        *error
            = u"the relay state %1 is damaged (%2). rackd will not guess what the relays hold: restore the "
              "file, or remove it to start with every stack off"_s.arg(m_path, why);
        return std::nullopt;
    };
    if (!file.open(QIODevice::ReadOnly))
        return fail(file.errorString());
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(1024 * 1024), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return fail(parseError.errorString());
    Saved saved;
    saved.bootId = document.object().value(u"boot_id"_s).toString();
    const QJsonObject stacks = document.object().value(u"stacks"_s).toObject();
    for (auto it = stacks.constBegin(); it != stacks.constEnd(); ++it) {
        bool ok = false;
        const int id = it.key().toInt(&ok);
        if (!ok || !it.value().isBool())
            return fail(u"bad entry \"%1\""_s.arg(it.key()));
        saved.stacks.insert(id, it.value().toBool());
    }
    return saved;
}

bool RelayStateStore::save(const Saved &state, QString *error) const
{
    QJsonObject stacks;
    for (auto it = state.stacks.cbegin(); it != state.stacks.cend(); ++it)
        stacks.insert(QString::number(it.key()), it.value());
    const QByteArray content = QJsonDocument(
        QJsonObject {{u"boot_id"_s, state.bootId},
            {u"saved"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
            {u"stacks"_s, stacks}}).toJson();
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size() || !file.commit()) {
        *error = u"cannot save the relay state %1: %2"_s.arg(m_path, file.errorString());
        return false;
    }
    return true;
}

QString RelayStateStore::currentBootId(const QString &bootIdFile)
{
    QFile file(bootIdFile);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(file.readLine(256)).trimmed();
}
