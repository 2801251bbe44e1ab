// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Where the desktop keeps tokens. CTest runs this twice: inside a D-Bus session with an unlocked
// gnome-keyring (PIRACK_SECRET_SERVICE=available), and with no session bus at all (=absent).
#include "keyring/tokenkeyring.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

class TestTokenKeyring : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    /// Mode 0600: Qt's "User" flags are the owner's again, as seen by the owner.
    static bool onlyTheOwnerCanRead(const QString &path)
    {
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
            | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::WriteOther
            | QFileDevice::ExeOther;
        const QFileDevice::Permissions permissions = QFile::permissions(path);
        return (permissions & others) == 0
            && permissions.testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }

    static bool secretServiceExpected()
    {
        return qEnvironmentVariable("PIRACK_SECRET_SERVICE") == u"available";
    }

    template<typename Result, typename Call>
    static std::optional<Result> wait(Call call)
    {
        std::optional<Result> result;
        QEventLoop loop;
        call([&](const Result &answer) {
            result = answer;
            loop.quit();
        });
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        if (!result)
            loop.exec();
        return result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString mode = qEnvironmentVariable("PIRACK_SECRET_SERVICE");
        QVERIFY2(mode == u"available" || mode == u"absent",
            "run through CTest, which sets PIRACK_SECRET_SERVICE to available or absent");
    }

    void theTokenGoesToTheKeychainOrTheOperatorIsAsked()
    {
        const QString file = m_dir.filePath(u"config/tokens.json"_s);
        TokenKeyring keyring(file);
        const QString rack = u"rack.example:7420"_s;
        const auto written = wait<TokenKeyring::WriteResult>(
            [&](auto done) { keyring.write(rack, u"pirack_secret_token"_s, done); });
        QVERIFY(written);
        if (secretServiceExpected()) {
            QVERIFY2(written->ok, qPrintable(written->error));
            const auto read = wait<TokenKeyring::ReadResult>([&](auto done) { keyring.read(rack, done); });
            QVERIFY(read && read->token);
            QCOMPARE(*read->token, u"pirack_secret_token"_s);
            QCOMPARE(read->source, u"keychain"_s);
            QVERIFY(!QFile::exists(file)); // nothing in plain text
            bool removed = false;
            QEventLoop loop;
            keyring.remove(rack, [&] {
                removed = true;
                loop.quit();
            });
            QTimer::singleShot(20000, &loop, &QEventLoop::quit);
            if (!removed)
                loop.exec();
            QVERIFY(removed);
            const auto gone = wait<TokenKeyring::ReadResult>([&](auto done) { keyring.read(rack, done); });
            QVERIFY(gone && !gone->token);
            QVERIFY2(gone->error.isEmpty(), qPrintable(gone->error)); // not found is not an error
        } else {
            // No secret service: said so, and nothing was written anywhere.
            QVERIFY(!written->ok);
            QVERIFY(written->keychainUnavailable);
            QVERIFY(!written->error.isEmpty());
            QVERIFY(!QFile::exists(file));
            const auto read = wait<TokenKeyring::ReadResult>([&](auto done) { keyring.read(rack, done); });
            QVERIFY(read && !read->token);
            QVERIFY(!read->error.isEmpty());
        }
    }

    void theFileIsOnlyEverTheOperatorsChoiceAndOnlyTheirs()
    {
        const QString file = m_dir.filePath(u"chosen/tokens.json"_s);
        TokenKeyring keyring(file);
        QString error;
        QVERIFY2(keyring.writeToFile(u"a:7420"_s, u"token-a"_s, &error), qPrintable(error));
        QVERIFY2(keyring.writeToFile(u"b:7420"_s, u"token-b"_s, &error), qPrintable(error));
        QVERIFY(onlyTheOwnerCanRead(file));
        QCOMPARE(keyring.readFromFile(u"a:7420"_s), std::optional<QString>(u"token-a"_s));
        // read() finds it there when the keychain has nothing (or is not there).
        const auto read = wait<TokenKeyring::ReadResult>([&](auto done) { keyring.read(u"b:7420"_s, done); });
        QVERIFY(read && read->token);
        QCOMPARE(*read->token, u"token-b"_s);
        QCOMPARE(read->source, file);
        QVERIFY(keyring.removeFromFile(u"a:7420"_s, &error));
        QVERIFY(!keyring.readFromFile(u"a:7420"_s));
        QCOMPARE(keyring.readFromFile(u"b:7420"_s), std::optional<QString>(u"token-b"_s));
        QVERIFY(onlyTheOwnerCanRead(file));
    }

    void aDamagedOrLockedFileIsNeverWrittenOver()
    {
        const QString file = m_dir.filePath(u"damaged/tokens.json"_s);
        QVERIFY(QDir().mkpath(QFileInfo(file).absolutePath()));
        const QByteArray damaged = R"({"tokens": {"a:7420": "token-a", )";
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly) && out.write(damaged) == damaged.size());
        out.close();
        TokenKeyring keyring(file);
        QString error;
        QVERIFY(!keyring.writeToFile(u"b:7420"_s, u"token-b"_s, &error));
        QVERIFY2(error.contains(u"is damaged or unreadable"_s) && error.contains(file), qPrintable(error));
        QVERIFY(!keyring.removeFromFile(u"a:7420"_s, &error));
        QVERIFY(out.open(QIODevice::ReadOnly));
        QCOMPARE(out.readAll(), damaged); // the other tokens in it are still there to be rescued
        out.close();

        // Another program changing the file: this one waits, then says so, and writes nothing.
        const QString good = m_dir.filePath(u"locked/tokens.json"_s);
        TokenKeyring locked(good);
        QVERIFY(locked.writeToFile(u"a:7420"_s, u"token-a"_s, &error));
        QLockFile other(good + u".lock"_s);
        QVERIFY(other.tryLock(0));
        QVERIFY(!locked.writeToFile(u"b:7420"_s, u"token-b"_s, &error));
        QVERIFY2(error.contains(u"is being changed by another program"_s), qPrintable(error));
        other.unlock();
        QVERIFY(locked.writeToFile(u"b:7420"_s, u"token-b"_s, &error));
        QCOMPARE(locked.readFromFile(u"a:7420"_s), std::optional<QString>(u"token-a"_s));
    }
};

QTEST_GUILESS_MAIN(TestTokenKeyring)
#include "tst_tokenkeyring.moc"
