// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocol/tlsconfiguration.h"
#include "protocol/tlsidentity.h"
#include "testfiles.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFileInfo>
#include <QSslServer>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace {

struct HandshakeOutcome
{
    bool encrypted = false;
    QSsl::SslProtocol protocol = QSsl::UnknownProtocol;
};

// A real TLS handshake over loopback between a server with `identity` and a client pinned to `pin`.
HandshakeOutcome handshake(const TlsIdentity &identity, const QString &pin)
{
    QSslServer server;
    server.setSslConfiguration(PiRackTls::serverConfiguration(identity));
    if (!server.listen(QHostAddress::LocalHost, 0))
        return {};
    QSslSocket client;
    client.setSslConfiguration(PiRackTls::clientConfiguration());
    QObject::connect(
        &client, &QSslSocket::sslErrors, &client, [&client, pin](const QList<QSslError> &errors) {
            if (!PiRackTls::acceptPinnedPeer(&client, errors, pin))
                client.abort();
        });
    // Whichever comes first ends the wait: success, failure, or the deadline.
    QEventLoop loop;
    bool encrypted = false;
    QObject::connect(&client, &QSslSocket::encrypted, &loop, [&] {
        encrypted = true;
        loop.quit();
    });
    QObject::connect(&client, &QSslSocket::errorOccurred, &loop, &QEventLoop::quit);
    QObject::connect(&client, &QSslSocket::disconnected, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    client.connectToHostEncrypted(u"127.0.0.1"_s, server.serverPort());
    loop.exec();
    return {encrypted && client.isEncrypted(), client.sessionProtocol()};
}

} // namespace

class TestTlsIdentity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generatesASelfSignedP256Identity()
    {
        QString error;
        const auto identity = TlsIdentity::generate(u"rackd"_s, &error);
        QVERIFY2(identity, qPrintable(error));
        QCOMPARE(identity->certificate.subjectInfo(QSslCertificate::CommonName), QStringList {u"rackd"_s});
        QCOMPARE(identity->certificate.issuerInfo(QSslCertificate::CommonName), QStringList {u"rackd"_s});
        QVERIFY(identity->certificate.isSelfSigned());
        // Go's TLS (Prometheus) checks names only in the alternative names.
        QCOMPARE(
            identity->certificate.subjectAlternativeNames().values(QSsl::DnsEntry), QStringList {u"rackd"_s});
        QVERIFY(TlsIdentity::generate(u"not a host name"_s, &error)
                    ->certificate.subjectAlternativeNames()
                    .isEmpty());
        QCOMPARE(identity->key.algorithm(), QSsl::Ec);
        QCOMPARE(identity->key.length(), 256);
        QCOMPARE(identity->key.type(), QSsl::PrivateKey);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(identity->certificate.effectiveDate() <= now);
        QVERIFY(identity->certificate.expiryDate() > now.addYears(10));

        const auto other = TlsIdentity::generate(u"rackd"_s, &error);
        QVERIFY(other);
        QVERIFY(other->fingerprint() != identity->fingerprint());
        QVERIFY(other->certificate.serialNumber() != identity->certificate.serialNumber());
    }

    void fingerprintIsTheSha256OfTheCertificate()
    {
        QString error;
        const auto identity = TlsIdentity::generate(u"rackd"_s, &error);
        QVERIFY(identity);
        QCOMPARE(identity->fingerprint(),
            u"SHA256:"_s
                + QString::fromLatin1(identity->certificate.digest(QCryptographicHash::Sha256).toHex()));
        QCOMPARE(identity->fingerprint().size(), 7 + 64);
    }

    void createsOnceThenLoadsTheSame()
    {
        QTemporaryDir dir;
        QString error;
        const auto created = TlsIdentity::loadOrCreate(dir.path(), u"rackd"_s, u"rackd"_s, &error);
        QVERIFY2(created, qPrintable(error));
        const QFileInfo key(dir.filePath(u"rackd.key"_s));
        QVERIFY(key.exists());
        QCOMPARE(key.permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
            QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QVERIFY(!(key.permissions()
            & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                | QFileDevice::WriteOther)));
        QVERIFY(QFileInfo::exists(dir.filePath(u"rackd.crt"_s)));

        const auto loaded = TlsIdentity::loadOrCreate(dir.path(), u"rackd"_s, u"rackd"_s, &error);
        QVERIFY2(loaded, qPrintable(error));
        QCOMPARE(loaded->fingerprint(), created->fingerprint());
        QCOMPARE(loaded->key.toPem(), created->key.toPem());
    }

    void damagedIdentitiesAreErrorsAndLeftAlone_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("message");
        QTest::newRow("key missing") << u"remove-key"_s << u"rackd.crt exists but %1/rackd.key does not"_s;
        QTest::newRow("key garbage") << u"garbage-key"_s << u"rackd.key is not a PEM EC private key"_s;
        QTest::newRow("certificate garbage") << u"garbage-crt"_s << u"rackd.crt is not a PEM certificate"_s;
        QTest::newRow("key of another identity")
            << u"other-key"_s << u"rackd.key does not belong to the certificate"_s;
    }

    void damagedIdentitiesAreErrorsAndLeftAlone()
    {
        QFETCH(QString, damage);
        QFETCH(QString, message);
        QTemporaryDir dir;
        QString error;
        QVERIFY(TlsIdentity::loadOrCreate(dir.path(), u"rackd"_s, u"rackd"_s, &error));
        const QString keyPath = dir.filePath(u"rackd.key"_s);
        const QString certificatePath = dir.filePath(u"rackd.crt"_s);
        if (damage == u"remove-key")
            QVERIFY(QFile::remove(keyPath));
        else if (damage == u"garbage-key")
            QVERIFY(writeFile(keyPath, "not a key"));
        else if (damage == u"garbage-crt")
            QVERIFY(writeFile(certificatePath, "not a certificate"));
        else
            QVERIFY(writeFile(keyPath, TlsIdentity::generate(u"x"_s, &error)->key.toPem()));
        QFile certificateFile(certificatePath);
        QVERIFY(certificateFile.open(QIODevice::ReadOnly));
        const QByteArray before = certificateFile.readAll();
        certificateFile.close();

        QVERIFY(!TlsIdentity::loadOrCreate(dir.path(), u"rackd"_s, u"rackd"_s, &error));
        QVERIFY2(
            error.contains(message.contains(u"%1"_s) ? message.arg(dir.path()) : message), qPrintable(error));
        QVERIFY(certificateFile.open(QIODevice::ReadOnly));
        QCOMPARE(certificateFile.readAll(), before); // nothing was replaced
        QCOMPARE(QFileInfo::exists(keyPath), damage != u"remove-key");
    }

    void normalizesWhatPeoplePaste_data()
    {
        const QString canonical = u"SHA256:"_s + QString(u"ab"_s).repeated(32);
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("canonical") << canonical << canonical;
        QTest::newRow("no prefix, upper case") << QString(u"AB"_s).repeated(32) << canonical;
        QTest::newRow("colons") << u"sha256:"_s + QString(u"AB:"_s).repeated(31) + u"AB"_s << canonical;
        QTest::newRow("spaces around") << u"  "_s + canonical + u"\n"_s << canonical;
        QTest::newRow("too short") << u"SHA256:abcd"_s << QString();
        QTest::newRow("not hex") << u"SHA256:"_s + QString(u"zz"_s).repeated(32) << QString();
        QTest::newRow("empty") << QString() << QString();
    }

    void normalizesWhatPeoplePaste()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(normalizeFingerprint(text).value_or(QString()), expected);
    }

    void pinnedClientCompletesTheHandshake()
    {
        QString error;
        const auto identity = TlsIdentity::generate(u"rackd"_s, &error);
        QVERIFY(identity);
        const HandshakeOutcome outcome = handshake(*identity, identity->fingerprint());
        QVERIFY(outcome.encrypted);
        QVERIFY2(outcome.protocol == QSsl::TlsV1_2 || outcome.protocol == QSsl::TlsV1_3,
            "TLS older than 1.2 was used");
    }

    void clientPinnedToAnotherFingerprintRefuses()
    {
        QString error;
        const auto identity = TlsIdentity::generate(u"rackd"_s, &error);
        const auto impostor = TlsIdentity::generate(u"rackd"_s, &error);
        QVERIFY(identity && impostor);
        QVERIFY(!handshake(*impostor, identity->fingerprint()).encrypted);
        QVERIFY(!handshake(*identity, QString()).encrypted); // nothing pinned: nothing trusted
    }
};

QTEST_GUILESS_MAIN(TestTlsIdentity)
#include "tst_tlsidentity.moc"
