// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// How `pirack` reads its command line: what starts a connection, the designer, or ends at once.
#include "app/launchoptions.h"
#include "testfiles.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {
std::optional<LaunchOptions> parse(
    const QStringList &arguments, QString *error = nullptr, int *exitCode = nullptr)
{
    QString ignoredError;
    int ignoredCode = -1;
    return LaunchOptions::parse(QStringList {u"pirack"_s} + arguments, {{u"lab"_s, u"10.42.0.1"_s, 7420}},
        error ? error : &ignoredError, exitCode ? exitCode : &ignoredCode);
}
} // namespace

class TestLaunchOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aHostIsSavedUnderItsName()
    {
        const auto options = parse({u"--host"_s, u"rack.local"_s, u"--port"_s, u"7421"_s});
        QVERIFY(options && options->rack);
        QCOMPARE(options->rack->name, u"rack.local:7421"_s);
        QCOMPARE(options->rack->port, quint16(7421));
        QVERIFY(options->rackIsNew);
        QVERIFY(!options->designFile);
        const auto named = parse({u"--host"_s, u"rack.local"_s, u"--name"_s, u"Lab"_s});
        QCOMPARE(named->rack->name, u"Lab"_s);
    }

    void aSavedRackByName()
    {
        const auto options = parse({u"--rack"_s, u"lab"_s});
        QVERIFY(options && options->rack);
        QCOMPARE(options->rack->host, u"10.42.0.1"_s);
        QVERIFY(!options->rackIsNew);
        QVERIFY(!parse({}).value().rack); // nothing given: the app asks
    }

    void theDesigner()
    {
        const auto options = parse({u"--design"_s, u"rack.ini"_s});
        QVERIFY(options && options->designFile);
        QCOMPARE(*options->designFile, u"rack.ini"_s);
        QCOMPARE(parse({u"--design"_s})->designFile, std::optional<QString>(QString()));
    }

    void tokenFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"token"_s);
        QVERIFY(writeFile(path, "prt_abc\n"));
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::ReadGroup));
        const auto options = parse({u"--rack"_s, u"lab"_s, u"--token-file"_s, path});
        QVERIFY(options);
        QCOMPARE(options->token, u"prt_abc"_s);
        QVERIFY2(options->tokenFileWarning.contains(u"chmod 600"_s), qPrintable(options->tokenFileWarning));
    }

    void aLinkIsHandedToTheConnectDialog()
    {
        const QString link = u"pirack://10.42.0.1:7420/?fingerprint=SHA256:"_s + QString(64, u'a')
            + u"&token=prt_"_s + QString(43, u'b');
        const auto options = parse({u" "_s + link + u"\n"_s});
        QVERIFY(options);
        QCOMPARE(options->link, link);
        QVERIFY(!options->rack); // nothing saved, nothing connected before the operator confirms
    }

    void whatEndsAtOnce_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("help") << QStringList {u"--help"_s} << 0 << u"--trust-fingerprint"_s;
        QTest::newRow("version") << QStringList {u"--version"_s} << 0 << u"pirack "_s;
        QTest::newRow("unknown option") << QStringList {u"--colour"_s} << 2 << u"colour"_s;
        QTest::newRow("bad port") << QStringList {u"--host"_s, u"h"_s, u"--port"_s, u"0"_s} << 2
                                  << u"--port must be from 1 to 65535"_s;
        QTest::newRow("unknown saved rack")
            << QStringList {u"--rack"_s, u"attic"_s} << 2 << u"There is no saved rack called \"attic\""_s;
        QTest::newRow("unreadable token file") << QStringList {u"--rack"_s, u"lab"_s, u"--token-file"_s,
            u"/nonexistent/token"_s} << 2 << u"cannot read the token file /nonexistent/token"_s;
        QTest::newRow("a link cut short")
            << QStringList {u"pirack://10.42.0.1:7420/?fingerprint=SHA256:"_s + QString(64, u'a')
                   + u"&token=prt_abc"_s}
            << 2 << u"The link cannot be used: the connect link's token is not whole"_s;
        QTest::newRow("a link and a host") << QStringList {u"--host"_s, u"h"_s,
            u"pirack://10.42.0.1:7420/?fingerprint=SHA256:"_s + QString(64, u'a') + u"&token=prt_"_s
                + QString(43, u'b')} << 2 << u"give no other option"_s;
        QTest::newRow("fingerprint without a rack") << QStringList {u"--trust-fingerprint"_s,
            u"SHA256:"_s + QString(64, u'a')} << 2 << u"--trust-fingerprint needs --host or --rack"_s;
    }

    void whatEndsAtOnce()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QString error;
        int code = -1;
        QVERIFY(!parse(arguments, &error, &code));
        QCOMPARE(code, exitCode);
        QVERIFY2(error.contains(message), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestLaunchOptions)
#include "tst_launchoptions.moc"
