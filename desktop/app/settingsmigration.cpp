// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/settingsmigration.h"

#include "client/savedracks.h"
#include "desktoplogging.h"
#include "keyring/tokenkeyring.h"
#include "storage/jsonfile.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>

using namespace Qt::Literals::StringLiterals;

namespace SettingsMigration {

namespace {

int moveRacks(QString *error)
{
    SavedRacks shared;
    QSettings settings;
    if (!settings.contains(u"racks/size"_s))
        return 0;
    // The shared file may exist already (rackctl rack add before this app was upgraded): what is
    // there stays, the app's own racks are added beside it.
    if (!shared.load(error))
        return -1;
    const int count = settings.beginReadArray(u"racks"_s);
    QList<SavedRack> racks;
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        const uint port = settings.value(u"port"_s).toUInt();
        const SavedRack rack {settings.value(u"name"_s).toString(), settings.value(u"host"_s).toString(),
            port <= 65535 ? quint16(port) : quint16(0)};
        if (rack.isValid() && SavedRacks::isRackName(rack.name))
            racks.append(rack);
    }
    settings.endArray();
    const QString last = settings.value(u"lastRack"_s).toString();
    int moved = 0;
    for (const SavedRack &rack : std::as_const(racks)) {
        if (shared.find(rack.name))
            continue;
        if (!shared.put(rack, error))
            return -1;
        ++moved;
    }
    if (shared.current().isEmpty() && shared.find(last) && !shared.setCurrent(last, error))
        return -1;
    settings.remove(u"racks"_s); // only once all of them are in the shared file
    settings.remove(u"lastRack"_s);
    return moved;
}

int moveTokenFile(QString *error)
{
    const QString legacy = QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
                               .filePath(u"tokens.json"_s);
    const QString shared = TokenKeyring::defaultFallbackFile();
    if (legacy == shared || !QFile::exists(legacy))
        return 0;
    const JsonFile::ReadResult file = JsonFile::read(legacy, 1024 * 1024);
    if (file.status != JsonFile::ReadResult::Status::Ok) {
        *error = u"%1 cannot be read (%2): its tokens are not moved"_s.arg(legacy, file.error);
        return -1;
    }
    TokenKeyring keyring(shared);
    const QJsonObject tokens = file.object.value(u"tokens"_s).toObject();
    int moved = 0;
    for (auto it = tokens.constBegin(); it != tokens.constEnd(); ++it) {
        if (!it.value().isString() || keyring.readFromFile(it.key()))
            continue; // a token rackctl stored since is the newer one
        if (!keyring.writeToFile(it.key(), it.value().toString(), error))
            return -1;
        ++moved;
    }
    if (!QFile::remove(legacy)) // a copy of a secret left behind is a secret left behind
        qCWarning(lcDesktop).noquote() << "cannot remove" << legacy << "after moving its tokens";
    return moved;
}

} // namespace

QString moveToSharedFiles()
{
    QString error;
    QStringList moved;
    const int racks = moveRacks(&error);
    if (racks > 0)
        moved.append(u"%1 saved racks to %2"_s.arg(racks).arg(SavedRacks::defaultPath()));
    const int tokens = racks < 0 ? 0 : moveTokenFile(&error);
    if (tokens > 0)
        moved.append(u"%1 tokens to %2"_s.arg(tokens).arg(TokenKeyring::defaultFallbackFile()));
    if (!error.isEmpty())
        qCWarning(lcDesktop).noquote() << "the app's earlier settings were not all moved:" << error;
    if (!moved.isEmpty())
        qCInfo(lcDesktop).noquote() << "moved" << moved.join(u", "_s);
    return moved.join(u", "_s);
}

} // namespace SettingsMigration
