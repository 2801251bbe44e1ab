// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "testfiles.h"
#include "tokenstore.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestTokenStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createAuthenticateRevoke()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"tokens.json"_s);
        TokenStore store(path);
        QString error;
        QVERIFY(store.load(&error));
        QVERIFY(store.isEmpty());
        Protocol::Error failure;
        const auto admin = store.create(u"admin"_s, Role::Admin, &failure);
        const auto viewer = store.create(u"lab-screen"_s, Role::Viewer, &failure);
        QVERIFY2(admin && viewer, qPrintable(failure.message));
        QVERIFY(admin->startsWith(u"prt_"_s));
        QVERIFY(admin->size() >= 40);
        QCOMPARE(store.authenticate(*viewer)->name, u"lab-screen"_s);
        QCOMPARE(store.authenticate(*viewer)->role, Role::Viewer);
        QVERIFY(!store.authenticate(u"prt_guess"_s));

        // Stored hashed, never in clear, readable by the owner only.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY(!content.contains(admin->toUtf8()));
        QVERIFY(!content.contains(viewer->mid(4).toUtf8()));
        QCOMPARE(QFileInfo(path).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
            QFileDevice::Permissions());

        TokenStore reloaded(path);
        QVERIFY(reloaded.load(&error));
        QCOMPARE(reloaded.tokens().size(), 2);
        QCOMPARE(reloaded.authenticate(*admin)->role, Role::Admin);
        QVERIFY(reloaded.revoke(u"lab-screen"_s, &failure));
        QVERIFY(!reloaded.authenticate(*viewer));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("code");
        QTest::newRow("duplicate") << u"admin"_s << u"a token named \"admin\" exists already"_s
                                   << Protocol::ErrorCode::Conflict;
        QTest::newRow("bad name")
            << u"a b"_s << u"\"a b\" is not a token name (letters, digits, '.', '_' and '-', up to 64)"_s
            << Protocol::ErrorCode::BadRequest;
        QTest::newRow("empty") << QString()
                               << u"\"\" is not a token name (letters, digits, '.', '_' and '-', up to 64)"_s
                               << Protocol::ErrorCode::BadRequest;
    }

    void refusals()
    {
        QFETCH(QString, name);
        QFETCH(QString, error);
        QFETCH(QString, code);
        QTemporaryDir dir;
        TokenStore store(dir.filePath(u"tokens.json"_s));
        Protocol::Error found;
        QVERIFY(store.create(u"admin"_s, Role::Admin, &found));
        QVERIFY(!store.create(name, Role::Viewer, &found));
        QCOMPARE(found.message, error);
        QCOMPARE(found.code, code);
    }

    void lastAdminCannotBeRevoked()
    {
        QTemporaryDir dir;
        TokenStore store(dir.filePath(u"tokens.json"_s));
        Protocol::Error error;
        QVERIFY(store.create(u"admin"_s, Role::Admin, &error));
        QVERIFY(!store.revoke(u"admin"_s, &error));
        QCOMPARE(error.message, u"\"admin\" is the last admin token; create another admin token first"_s);
        QCOMPARE(error.code, Protocol::ErrorCode::Conflict);
        QVERIFY(!store.revoke(u"nobody"_s, &error));
        QCOMPARE(error.message, u"there is no token named \"nobody\""_s);
        QCOMPARE(error.code, Protocol::ErrorCode::NotFound);
    }

    void damagedFileIsAnErrorAndKept()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"tokens.json"_s);
        QVERIFY(writeFile(path, "{oops"));
        TokenStore store(path);
        QString error;
        QVERIFY(!store.load(&error));
        QVERIFY2(error.contains(u"is damaged"_s), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("{oops"));
    }
};

QTEST_GUILESS_MAIN(TestTokenStore)
#include "tst_tokenstore.moc"
