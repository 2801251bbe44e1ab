// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// An upgraded app finds its saved racks and its token file where rackctl finds them too.
#include "app/settingsmigration.h"
#include "client/savedracks.h"
#include "keyring/tokenkeyring.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestSettingsMigration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(u"PiRack"_s);
        QCoreApplication::setApplicationName(u"pirack"_s);
        QStandardPaths::setTestModeEnabled(true);
        QFile::remove(SavedRacks::defaultPath());
        QFile::remove(TokenKeyring::defaultFallbackFile());
    }

    void theAppsRacksAndTokenFileMoveOnceAndNothingIsLost()
    {
        QSettings settings;
        settings.beginWriteArray(u"racks"_s, 2);
        settings.setArrayIndex(0);
        settings.setValue(u"name"_s, u"lab"_s);
        settings.setValue(u"host"_s, u"10.42.0.1"_s);
        settings.setValue(u"port"_s, 7420);
        settings.setArrayIndex(1);
        settings.setValue(u"name"_s, u"home"_s);
        settings.setValue(u"host"_s, u"home.lan"_s);
        settings.setValue(u"port"_s, 17420);
        settings.endArray();
        settings.setValue(u"lastRack"_s, u"home"_s);
        settings.sync();
        const QString legacyTokens = QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
                                         .filePath(u"tokens.json"_s);
        QVERIFY(QDir().mkpath(QFileInfo(legacyTokens).absolutePath()));
        QFile legacy(legacyTokens);
        QVERIFY(legacy.open(QIODevice::WriteOnly));
        legacy.write(R"({"tokens":{"10.42.0.1:7420":"prt_lab"}})");
        legacy.close();

        // rackctl saved a rack (and its token) before the app was upgraded: both stay as they are.
        QString error;
        QVERIFY(SavedRacks().put({u"attic"_s, u"attic.lan"_s, 7420}, &error));
        QVERIFY(SavedRacks().setCurrent(u"attic"_s, &error));
        QVERIFY(TokenKeyring(TokenKeyring::defaultFallbackFile())
                    .writeToFile(u"attic.lan:7420"_s, u"prt_attic"_s, &error));

        const QString moved = SettingsMigration::moveToSharedFiles();
        QVERIFY2(moved.contains(u"2 saved racks"_s) && moved.contains(u"1 tokens"_s), qPrintable(moved));
        SavedRacks racks;
        QVERIFY2(racks.load(&error), qPrintable(error));
        QCOMPARE(racks.racks().size(), 3);
        QCOMPARE(racks.find(u"home"_s)->port, quint16(17420));
        QCOMPARE(racks.current(), u"attic"_s); // what rackctl chose
        QCOMPARE(TokenKeyring(TokenKeyring::defaultFallbackFile()).readFromFile(u"attic.lan:7420"_s),
            std::optional<QString>(u"prt_attic"_s));
        QCOMPARE(TokenKeyring(TokenKeyring::defaultFallbackFile()).readFromFile(u"10.42.0.1:7420"_s),
            std::optional<QString>(u"prt_lab"_s));
        QVERIFY(!QFile::exists(legacyTokens)); // no second copy of a secret
        QSettings after;
        QVERIFY(!after.contains(u"lastRack"_s));

        // Once moved, a later start moves nothing and changes nothing.
        QVERIFY(SettingsMigration::moveToSharedFiles().isEmpty());
        QVERIFY(racks.load(&error));
        QCOMPARE(racks.racks().size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestSettingsMigration)
#include "tst_settingsmigration.moc"
