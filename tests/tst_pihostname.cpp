// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// A Pi's own host name under a root directory: /etc/hosts' 127.0.1.1 line, /etc/hostname, the
// running name; and `rack-agent set-hostname`, which does it on a Pi.
#include "pihostname.h"
#include "testfiles.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

/// /etc/hosts as Raspberry Pi OS (bookworm) ships it.
const QByteArray PiOsHosts
    = "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n"
      "ff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n\n127.0.1.1\t\traspberrypi\n";

bool put(const QString &root, const QString &relative, const QByteArray &content)
{
    const QString path = QDir(root).filePath(relative);
    return QDir().mkpath(QFileInfo(path).absolutePath()) && writeFile(path, content);
}

QByteArray read(const QString &root, const QString &relative)
{
    QFile file(QDir(root).filePath(relative));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(missing)");
}

bool freshImage(const QString &root)
{
    return put(root, u"etc/hostname"_s, "raspberrypi\n") && put(root, u"etc/hosts"_s, PiOsHosts)
        && put(root, u"proc/sys/kernel/hostname"_s, "raspberrypi\n");
}

} // namespace

class TestPiHostname : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hostsFile_data()
    {
        QTest::addColumn<QByteArray>("hosts");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("Raspberry Pi OS")
            << PiOsHosts
            << QByteArray("127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost "
                          "ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-"
                          "allrouters\n\n127.0.1.1\ts3-n2\n");
        QTest::newRow("more names on the line")
            << QByteArray("127.0.0.1 localhost\n127.0.1.1 raspberrypi.lan raspberrypi\n")
            << QByteArray("127.0.0.1 localhost\n127.0.1.1\ts3-n2\n");
        QTest::newRow("no such line: after the loopback lines")
            << QByteArray("127.0.0.1 localhost\n::1 localhost\n10.0.0.5 nas\n")
            << QByteArray("127.0.0.1 localhost\n::1 localhost\n127.0.1.1\ts3-n2\n10.0.0.5 nas\n");
        QTest::newRow("a comment naming it is left alone")
            << QByteArray("# 127.0.1.1 raspberrypi\n127.0.0.1 localhost\n127.0.1.1 raspberrypi\n")
            << QByteArray("# 127.0.1.1 raspberrypi\n127.0.0.1 localhost\n127.0.1.1\ts3-n2\n");
        QTest::newRow("no final newline") << QByteArray("127.0.0.1 localhost\n127.0.1.1 raspberrypi")
                                          << QByteArray("127.0.0.1 localhost\n127.0.1.1\ts3-n2\n");
        QTest::newRow("empty") << QByteArray() << QByteArray("127.0.1.1\ts3-n2\n");
        QTest::newRow("already so") << QByteArray("127.0.0.1 localhost\n127.0.1.1\ts3-n2\n")
                                    << QByteArray("127.0.0.1 localhost\n127.0.1.1\ts3-n2\n");
    }

    void hostsFile()
    {
        QFETCH(QByteArray, hosts);
        QFETCH(QByteArray, expected);
        QCOMPARE(PiHostname::hostsWithName(hosts, u"s3-n2"_s), expected);
    }

    void aFreshImageTakesItsName()
    {
        QTemporaryDir root;
        QVERIFY(freshImage(root.path()));
        QVERIFY(!PiHostname::isSet(root.path(), u"s3-n2"_s));
        QStringList changed;
        QString error;
        QVERIFY2(PiHostname::apply(root.path(), u"s3-n2"_s, &changed, &error), qPrintable(error));
        QCOMPARE(changed.size(), 3);
        QCOMPARE(read(root.path(), u"etc/hostname"_s), QByteArray("s3-n2\n"));
        QCOMPARE(read(root.path(), u"proc/sys/kernel/hostname"_s), QByteArray("s3-n2\n"));
        QVERIFY(read(root.path(), u"etc/hosts"_s).endsWith("\n127.0.1.1\ts3-n2\n"));
        QCOMPARE(QFileInfo(QDir(root.path()).filePath(u"etc/hosts"_s)).permissions() & QFileDevice::ReadOther,
            QFileDevice::ReadOther); // everyone resolves names through it
        QVERIFY(PiHostname::isSet(root.path(), u"s3-n2"_s));
        QCOMPARE(PiHostname::runningName(root.path()), u"s3-n2"_s);
        // Again: nothing to do.
        changed.clear();
        QVERIFY(PiHostname::apply(root.path(), u"s3-n2"_s, &changed, &error));
        QVERIFY(changed.isEmpty());
    }

    void notAHostNameChangesNothing_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("upper case") << u"S3-N2"_s;
        QTest::newRow("underscore") << u"s3_n2"_s;
        QTest::newRow("dot") << u"s3.n2"_s;
        QTest::newRow("leading dash") << u"-s3"_s;
        QTest::newRow("shell") << u"$(reboot)"_s;
        QTest::newRow("empty") << QString();
        QTest::newRow("64 characters") << QString(64, u'a');
    }

    void notAHostNameChangesNothing()
    {
        QFETCH(QString, name);
        QTemporaryDir root;
        QVERIFY(freshImage(root.path()));
        QStringList changed;
        QString error;
        QVERIFY(!PiHostname::apply(root.path(), name, &changed, &error));
        QVERIFY2(error.contains(u"is not a host name"_s), qPrintable(error));
        QCOMPARE(read(root.path(), u"etc/hostname"_s), QByteArray("raspberrypi\n"));
        QCOMPARE(read(root.path(), u"etc/hosts"_s), PiOsHosts);
    }

    void aHugeHostsFileIsLeftAlone()
    {
        QTemporaryDir root;
        QVERIFY(freshImage(root.path()));
        QVERIFY(put(root.path(), u"etc/hosts"_s, QByteArray(2 * 1024 * 1024, '#')));
        QStringList changed;
        QString error;
        QVERIFY(!PiHostname::apply(root.path(), u"s3-n2"_s, &changed, &error));
        QVERIFY2(error.contains(u"larger than"_s), qPrintable(error));
        QCOMPARE(read(root.path(), u"etc/hostname"_s), QByteArray("raspberrypi\n"));
    }

    /// What the agent runs on a Pi (there in a transient unit, as root), here on a fixture's root.
    void theSetHostnameCommand()
    {
        QTemporaryDir root;
        QVERIFY(freshImage(root.path()));
        const QString config = QDir(root.path()).filePath(u"agent.conf"_s);
        QVERIFY(writeFile(config, "[agent]\nroot_directory = " + root.path().toUtf8() + "\n"));
        QProcess agent;
        agent.start(QStringLiteral(AGENT_EXECUTABLE), {u"--config"_s, config, u"set-hostname"_s, u"s1-n4"_s});
        QVERIFY(agent.waitForFinished(30000));
        QCOMPARE(agent.exitCode(), 0);
        QVERIFY2(agent.readAllStandardOutput().startsWith("s1-n4: changed "), "");
        QCOMPARE(read(root.path(), u"etc/hostname"_s), QByteArray("s1-n4\n"));
        QCOMPARE(read(root.path(), u"proc/sys/kernel/hostname"_s), QByteArray("s1-n4\n"));

        agent.start(QStringLiteral(AGENT_EXECUTABLE), {u"--config"_s, config, u"set-hostname"_s, u"s1-n4"_s});
        QVERIFY(agent.waitForFinished(30000));
        QCOMPARE(agent.exitCode(), 0);
        QCOMPARE(agent.readAllStandardOutput(), QByteArray("s1-n4: already so named\n"));

        agent.start(
            QStringLiteral(AGENT_EXECUTABLE), {u"--config"_s, config, u"set-hostname"_s, u"Bad Name"_s});
        QVERIFY(agent.waitForFinished(30000));
        QCOMPARE(agent.exitCode(), 1);
        QVERIFY(agent.readAllStandardError().contains("is not a host name"));
        QCOMPARE(read(root.path(), u"etc/hostname"_s), QByteArray("s1-n4\n"));
    }
};

QTEST_GUILESS_MAIN(TestPiHostname)
#include "tst_pihostname.moc"
