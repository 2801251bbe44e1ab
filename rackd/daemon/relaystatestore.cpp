// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "relaystatestore.h"

#include "storage/jsonfile.h"

#include <QDateTime>
#include <QFile>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qint64 MaximumFileBytes = 1024 * 1024;
}

RelayStateStore::RelayStateStore(QString path)
    : m_path(std::move(path))
{ }

std::optional<RelayStateStore::Saved> RelayStateStore::load(QString *error, bool *damaged) const
{
    *damaged = false;
    const auto fail = [&](const QString &why) -> std::optional<Saved> {
        *damaged = true;
        *error
            = u"the relay state %1 is damaged (%2). rackd will not guess what the relays hold: restore the "
              "file, or remove it to start with every stack off"_s.arg(m_path, why);
        return std::nullopt;
    };
    const JsonFile::ReadResult file = JsonFile::read(m_path, MaximumFileBytes);
    if (file.status == JsonFile::ReadResult::Status::Missing)
        return std::nullopt;
    if (file.status != JsonFile::ReadResult::Status::Ok)
        return fail(file.error);
    // Every key of its type: a file of the wrong shape is damage, never "nothing saved".
    if (!file.object.value(u"boot_id"_s).isString() || !file.object.value(u"stacks"_s).isObject())
        return fail(u"it needs \"boot_id\" and \"stacks\""_s);
    if (file.object.contains(u"switching"_s) && !file.object.value(u"switching"_s).isObject())
        return fail(u"\"switching\" is not an object"_s);
    Saved saved;
    saved.bootId = file.object.value(u"boot_id"_s).toString();
    for (const QString &key : {u"stacks"_s, u"switching"_s}) {
        const QJsonObject stacks = file.object.value(key).toObject();
        for (auto it = stacks.constBegin(); it != stacks.constEnd(); ++it) {
            bool ok = false;
            const int id = it.key().toInt(&ok);
            if (!ok || id < 1 || !it.value().isBool())
                return fail(u"bad entry \"%1\" in \"%2\""_s.arg(it.key(), key));
            (key == u"stacks" ? saved.stacks : saved.switching).insert(id, it.value().toBool());
        }
    }
    if (saved.stacks.isEmpty())
        return fail(u"it holds no stack"_s);
    return saved;
}

bool RelayStateStore::save(const Saved &state, QString *error) const
{
    const auto toJson = [](const QMap<int, bool> &states) {
        QJsonObject object;
        for (auto it = states.cbegin(); it != states.cend(); ++it)
            object.insert(QString::number(it.key()), it.value());
        return object;
    };
    QJsonObject file {{u"boot_id"_s, state.bootId},
        {u"saved"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {u"stacks"_s, toJson(state.stacks)}};
    if (!state.switching.isEmpty())
        file.insert(u"switching"_s, toJson(state.switching));
    return JsonFile::write(m_path, file, JsonFile::WorldReadable, error, MaximumFileBytes);
}

QString RelayStateStore::currentBootId(const QString &bootIdFile)
{
    QFile file(bootIdFile);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(file.readLine(256)).trimmed();
}
