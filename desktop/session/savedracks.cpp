// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/savedracks.h"

#include <QSettings>

using namespace Qt::Literals::StringLiterals;

QList<SavedRack> SavedRacks::load()
{
    QSettings settings;
    QList<SavedRack> racks;
    const int count = settings.beginReadArray(u"racks"_s);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        SavedRack rack;
        rack.name = settings.value(u"name"_s).toString();
        rack.host = settings.value(u"host"_s).toString();
        const uint port = settings.value(u"port"_s).toUInt();
        rack.port = port <= 65535 ? quint16(port) : 0;
        if (rack.isValid()) // a hand-edited entry that makes no sense is left out, not guessed at
            racks.append(rack);
    }
    settings.endArray();
    return racks;
}

void SavedRacks::save(const QList<SavedRack> &racks)
{
    QSettings settings;
    settings.remove(u"racks"_s);
    settings.beginWriteArray(u"racks"_s, int(racks.size()));
    for (int i = 0; i < racks.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(u"name"_s, racks.at(i).name);
        settings.setValue(u"host"_s, racks.at(i).host);
        settings.setValue(u"port"_s, racks.at(i).port);
    }
    settings.endArray();
}

void SavedRacks::put(const SavedRack &rack)
{
    QList<SavedRack> racks = load();
    const auto same = [&rack](const SavedRack &other) { return other.name == rack.name; };
    const auto it = std::find_if(racks.begin(), racks.end(), same);
    if (it != racks.end())
        *it = rack;
    else
        racks.append(rack);
    save(racks);
}

void SavedRacks::remove(const QString &name)
{
    QList<SavedRack> racks = load();
    racks.removeIf([&name](const SavedRack &rack) { return rack.name == name; });
    save(racks);
}

QString SavedRacks::lastUsed() { return QSettings().value(u"lastRack"_s).toString(); }

void SavedRacks::setLastUsed(const QString &name) { QSettings().setValue(u"lastRack"_s, name); }
