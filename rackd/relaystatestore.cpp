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
    Saved saved;
    saved.bootId = file.object.value(u"boot_id"_s).toString();
    const QJsonObject stacks = file.object.value(u"stacks"_s).toObject();
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
    return JsonFile::write(m_path,
        {{u"boot_id"_s, state.bootId}, {u"saved"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
            {u"stacks"_s, stacks}},
        JsonFile::WorldReadable, error, MaximumFileBytes);
}

QString RelayStateStore::currentBootId(const QString &bootIdFile)
{
    QFile file(bootIdFile);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(file.readLine(256)).trimmed();
}
