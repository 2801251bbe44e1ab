// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "joinsecretstore.h"
#include "testfiles.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using std::chrono::seconds;
using Outcome = JoinSecretStore::Outcome;

namespace {
const QString Mac = u"dc:a6:32:00:00:01"_s;
const QString OtherMac = u"dc:a6:32:00:00:02"_s;
} // namespace

class TestJoinSecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void usesExpiryAndPersistence()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"join-secrets.json"_s);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        JoinSecretStore store(path);
        QString error;
        QVERIFY(store.load(&error));
        const auto twice = store.create(seconds(3600), 2, u"admin"_s, now, &error);
        QVERIFY2(twice, qPrintable(error));
        QVERIFY(twice->size() >= 43);

        QCOMPARE(store.consume(*twice, now, &error, Mac, false), Outcome::Accepted);
        JoinSecretStore reloaded(path); // the remaining use survives a restart
        QVERIFY(reloaded.load(&error));
        QCOMPARE(reloaded.consume(*twice, now, &error, Mac, false), Outcome::Accepted);
        QCOMPARE(reloaded.consume(*twice, now, &error, Mac, false), Outcome::UsedUp);
        QCOMPARE(reloaded.consume(u"not-a-secret"_s, now, &error, Mac, false), Outcome::Unknown);
        QCOMPARE(reloaded.consume(*twice, now.addSecs(3601), &error, Mac, false), Outcome::Expired);

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(twice->toUtf8()), "a join secret was stored in clear");
        QCOMPARE(QFileInfo(path).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
            QFileDevice::Permissions());
    }

    void expiredSecretsAreDroppedOnTheNextWrite()
    {
        QTemporaryDir dir;
        JoinSecretStore store(dir.filePath(u"j.json"_s));
        QString error;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(store.create(seconds(60), 1, u"a"_s, now, &error));
        QVERIFY(store.create(seconds(3600), 1, u"a"_s, now.addSecs(120), &error));
        QCOMPARE(store.secrets().size(), 1);
    }

    void limits()
    {
        QTemporaryDir dir;
        JoinSecretStore store(dir.filePath(u"j.json"_s));
        QString error;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(!store.create(seconds(5), 1, u"a"_s, now, &error));
        QCOMPARE(error, u"a join secret lives from 1 minute to 30 days"_s);
        QVERIFY(!store.create(seconds(3600), 0, u"a"_s, now, &error));
        QCOMPARE(error, u"a join secret has from 1 to 10000 uses"_s);
    }

    void aKnownNodeRejoinsOnlyWithASecretMadeForIt()
    {
        QTemporaryDir dir;
        JoinSecretStore store(dir.filePath(u"j.json"_s));
        QString error;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const auto plain = store.create(seconds(3600), 5, u"a"_s, now, &error);
        QVERIFY(plain);
        // A plain secret never takes over a node that joined before, and is not used up by trying.
        QCOMPARE(store.consume(*plain, now, &error, Mac, true), Outcome::AlreadyJoined);
        QVERIFY(JoinSecretStore::describe(Outcome::AlreadyJoined).contains(u"--replace"_s));
        QCOMPARE(store.secrets().constFirst().usesLeft, 5);
        const auto replacing = store.create(seconds(3600), 1, u"a"_s, now, &error, Mac);
        QVERIFY2(replacing, qPrintable(error));
        QCOMPARE(store.consume(*replacing, now, &error, OtherMac, true), Outcome::OtherNode);
        QCOMPARE(store.consume(*replacing, now, &error, OtherMac, false), Outcome::OtherNode);
        JoinSecretStore reloaded(dir.filePath(u"j.json"_s)); // the MAC it is for survives a restart
        QVERIFY(reloaded.load(&error));
        QCOMPARE(reloaded.consume(*replacing, now, &error, Mac, true), Outcome::Accepted);
        QCOMPARE(reloaded.consume(*replacing, now, &error, Mac, true), Outcome::UsedUp);
        QVERIFY(!store.create(seconds(3600), 2, u"a"_s, now, &error, Mac)); // one node, one use
        QVERIFY(!store.create(seconds(3600), 1, u"a"_s, now, &error, Mac + u"\n"_s));
    }

    void wrongShapeIsAnError()
    {
        QTemporaryDir dir;
        for (const QByteArray &content :
            {QByteArray("{}"), QByteArray(R"({"secrets": {}})"), QByteArray(R"({"secrets": [1]})")}) {
            QVERIFY(writeFile(dir.filePath(u"j.json"_s), content));
            JoinSecretStore store(dir.filePath(u"j.json"_s));
            QString error;
            QVERIFY2(!store.load(&error), content.constData());
        }
    }

    void damagedFileIsAnError()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(u"j.json"_s), "[]"));
        JoinSecretStore store(dir.filePath(u"j.json"_s));
        QString error;
        QVERIFY(!store.load(&error));
        QVERIFY(error.contains(u"damaged or unreadable (not a JSON object)"_s));
    }
};

QTEST_GUILESS_MAIN(TestJoinSecretStore)
#include "tst_joinsecretstore.moc"
