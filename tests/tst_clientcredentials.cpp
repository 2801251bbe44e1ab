// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// What rackctl and the desktop app both do with a token file and a fingerprint from the command
// line: one implementation, so they cannot drift apart.
#include "client/clientcredentials.h"
#include "testfiles.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestClientCredentials : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokenFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"token"_s);
        QVERIFY(writeFile(path, "  prt_secret  \nsecond line ignored\n"));
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QString warning;
        QString error;
        QCOMPARE(ClientCredentials::readTokenFile(path, &warning, &error),
            std::optional<QString>(u"prt_secret"_s));
        QVERIFY(warning.isEmpty());

        // Readable by others: still used, with a warning that says what to do.
        QVERIFY(QFile::setPermissions(
            path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
        QVERIFY(ClientCredentials::readTokenFile(path, &warning, &error));
        QVERIFY2(warning.contains(u"readable by others; chmod 600"_s), qPrintable(warning));

        QVERIFY(!ClientCredentials::readTokenFile(dir.filePath(u"missing"_s), &warning, &error));
        QVERIFY2(error.startsWith(u"cannot read the token file"_s), qPrintable(error));
        QVERIFY(writeFile(dir.filePath(u"empty"_s), "\n"));
        QVERIFY(!ClientCredentials::readTokenFile(dir.filePath(u"empty"_s), &warning, &error));
        QVERIFY2(error.contains(u"holds no token"_s), qPrintable(error));
    }

    void givenFingerprints()
    {
        QTemporaryDir dir;
        PinStore pins(dir.filePath(u"known-racks.json"_s));
        QString error;
        QVERIFY(pins.load(&error));
        const QString canonical = u"SHA256:"_s + QString(64, u'a');

        // Any spelling a person pastes; nothing pinned yet: new.
        auto given
            = ClientCredentials::checkGivenFingerprint(pins, u"rack"_s, 7420, QString(64, u'A'), &error);
        QVERIFY2(given, qPrintable(error));
        QCOMPARE(given->fingerprint, canonical);
        QVERIFY(given->isNew);

        QVERIFY(pins.pin(u"rack"_s, 7420, canonical, &error));
        given = ClientCredentials::checkGivenFingerprint(pins, u"rack"_s, 7420, canonical, &error);
        QVERIFY(given && !given->isNew);

        // Another fingerprint than the pinned one is refused, never replaced silently.
        QVERIFY(!ClientCredentials::checkGivenFingerprint(
            pins, u"rack"_s, 7420, u"SHA256:"_s + QString(64, u'b'), &error));
        QVERIFY2(error.contains(u"refusing to replace a pin silently"_s), qPrintable(error));
        // Another port is another rack.
        QVERIFY(ClientCredentials::checkGivenFingerprint(
            pins, u"rack"_s, 7421, u"SHA256:"_s + QString(64, u'b'), &error));

        QVERIFY(!ClientCredentials::checkGivenFingerprint(pins, u"rack"_s, 7420, u"abc"_s, &error));
        QVERIFY2(error.startsWith(u"--trust-fingerprint takes SHA256:"_s), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestClientCredentials)
#include "tst_clientcredentials.moc"
