// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "agentconfig.h"
#include "argumentlist.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestAgentConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void splitsLikeAPersonExpectsButNeverLikeAShell_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("argv");
        QTest::newRow("words") << u"systemctl  reboot"_s << QStringList {u"systemctl"_s, u"reboot"_s};
        QTest::newRow("double quotes")
            << u"/bin/echo \"two words\""_s << QStringList {u"/bin/echo"_s, u"two words"_s};
        QTest::newRow("single quotes keep backslashes") << u"a 'b\\c'"_s << QStringList {u"a"_s, u"b\\c"_s};
        QTest::newRow("escaped space") << u"a\\ b"_s << QStringList {u"a b"_s};
        QTest::newRow("empty quoted argument") << u"x \"\""_s << QStringList {u"x"_s, QString()};
        QTest::newRow("shell syntax is literal")
            << u"/bin/echo $HOME; rm -rf / | cat $(id) `id` &&"_s
            << QStringList {u"/bin/echo"_s, u"$HOME;"_s, u"rm"_s, u"-rf"_s, u"/"_s, u"|"_s, u"cat"_s,
                   u"$(id)"_s, u"`id`"_s, u"&&"_s};
    }

    void splitsLikeAPersonExpectsButNeverLikeAShell()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, argv);
        QString error;
        QCOMPARE(splitArguments(text, &error).value_or(QStringList {u"<error>"_s}), argv);
    }

    void unbalancedQuotes()
    {
        QString error;
        QVERIFY(!splitArguments(u"echo \"open"_s, &error));
        QCOMPARE(error, u"unbalanced \" in \"echo \"open\""_s);
        QVERIFY(!splitArguments(u"echo \\"_s, &error));
    }

    void readsEverything()
    {
        QStringList errors;
        const auto config = AgentConfig::parse(
            "[agent]\nrackd_host = 10.42.0.1\nrackd_port = 7421\nrackd_fingerprint = SHA256:"
                + QByteArray(64, 'a')
                + "\ncredential_file = cred\ninterface = eth1\nbind_address = 127.42.0.11\nroot_directory = "
                  "fixture\nheartbeat_interval "
                  "= 0.5\n"
                  "reconnect_max = 10\nreboot_command = /sbin/reboot now\nshutdown_command = '/usr/bin/my "
                  "shutdown'\n"
                  "[command uptime]\nargv = /usr/bin/uptime -p\ntimeout = 2.5\n",
            u"/etc/pirack/agent.conf"_s, &errors);
        QVERIFY2(config, qPrintable(errors.join(u'\n')));
        QCOMPARE(config->rackdHost, u"10.42.0.1"_s);
        QCOMPARE(config->rackdPort, quint16(7421));
        QCOMPARE(config->rackdFingerprint, u"SHA256:"_s + QString(64, u'a'));
        QCOMPARE(config->credentialFile, u"/etc/pirack/cred"_s);
        QCOMPARE(config->interfaceName, u"eth1"_s);
        QCOMPARE(config->bindAddress, QHostAddress(u"127.42.0.11"_s));
        QCOMPARE(config->rootDirectory, u"/etc/pirack/fixture"_s);
        QCOMPARE(config->heartbeatInterval, std::chrono::milliseconds(500));
        QCOMPARE(config->reconnectMaximum, std::chrono::milliseconds(10000));
        QCOMPARE(config->rebootCommand, (QStringList {u"/sbin/reboot"_s, u"now"_s}));
        QCOMPARE(config->shutdownCommand, QStringList {u"/usr/bin/my shutdown"_s});
        QCOMPARE(config->commands.value(u"uptime"_s).argv, (QStringList {u"/usr/bin/uptime"_s, u"-p"_s}));
        QCOMPARE(config->commands.value(u"uptime"_s).timeout, std::chrono::milliseconds(2500));
    }

    void defaults()
    {
        QStringList errors;
        const auto config = AgentConfig::parse("[agent]\n", u"a.conf"_s, &errors);
        QVERIFY(config);
        QCOMPARE(config->heartbeatInterval, std::chrono::milliseconds(5000));
        QCOMPARE(config->reconnectMaximum, std::chrono::milliseconds(30000));
        QCOMPARE(config->shutdownCommand, (QStringList {u"/usr/bin/systemctl"_s, u"poweroff"_s}));
        QVERIFY(config->commands.isEmpty());
    }

    /// By default a Pi takes its name through systemd-run, which runs this agent's set-hostname with this
    /// file.
    void hostnameSettings()
    {
        QStringList errors;
        auto config = AgentConfig::parse("[agent]\n", u"/etc/pirack/agent.conf"_s, &errors);
        QVERIFY(config);
        QVERIFY(config->setHostname);
        QVERIFY(config->hostnameCommand.isEmpty());
        const QStringList command = config->systemdHostnameCommand(u"/usr/sbin/rack-agent"_s);
        QCOMPARE(command.constFirst(), u"/usr/bin/systemd-run"_s);
        QVERIFY(command.contains(u"--wait"_s));
        QVERIFY(command.contains(u"--property=ReadWritePaths=/etc"_s));
        QCOMPARE(command.mid(command.size() - 4),
            (QStringList {
                u"/usr/sbin/rack-agent"_s, u"--config"_s, u"/etc/pirack/agent.conf"_s, u"set-hostname"_s}));

        config = AgentConfig::parse(
            "[agent]\nset_hostname = no\nhostname_command = /usr/local/sbin/namer --quiet\n", u"a.conf"_s,
            &errors);
        QVERIFY2(config, qPrintable(errors.join(u'\n')));
        QVERIFY(!config->setHostname);
        QCOMPARE(config->hostnameCommand, (QStringList {u"/usr/local/sbin/namer"_s, u"--quiet"_s}));

        QVERIFY(!AgentConfig::parse(
            "[agent]\nset_hostname = maybe\nhostname_command = namer\n", u"a.conf"_s, &errors));
        QCOMPARE(errors.size(), 2);
        QVERIFY2(errors.at(0).contains(u"\"maybe\" is not yes or no"_s), qPrintable(errors.at(0)));
        QVERIFY2(errors.at(1).contains(u"must be an absolute path"_s), qPrintable(errors.at(1)));
    }

    void exampleConfigurationIsValid()
    {
        QStringList errors;
        const auto config = AgentConfig::readFile(
            QStringLiteral(PIRACK_SOURCE_DIR "/resources/config/agent.conf"), &errors);
        QVERIFY2(config, qPrintable(errors.join(u'\n')));
        QCOMPARE(config->heartbeatInterval, std::chrono::milliseconds(5000));
        QCOMPARE(
            config->commands.value(u"disk-usage"_s).argv, (QStringList {u"/usr/bin/df"_s, u"-h"_s, u"/"_s}));
        QVERIFY(config->setHostname);
    }

    void commandArgumentsAreDeclared()
    {
        QStringList errors;
        const auto config = AgentConfig::parse("[command plain]\nargv = /bin/true\n"
                                               "[command free]\nargv = /bin/echo\nargs = any\n"
                                               "[command units]\nargv = /bin/echo\nargs = [a-z]+\\.service\n",
            u"a.conf"_s, &errors);
        QVERIFY2(config, qPrintable(errors.join(u'\n')));
        QCOMPARE(config->commands.value(u"plain"_s).arguments, CommandSpec::Arguments::None);
        QCOMPARE(config->commands.value(u"free"_s).arguments, CommandSpec::Arguments::Any);
        const CommandSpec units = config->commands.value(u"units"_s);
        QCOMPARE(units.arguments, CommandSpec::Arguments::Matching);
        QString problem;
        QVERIFY(units.acceptsArguments({u"ssh.service"_s}, &problem));
        QVERIFY(!units.acceptsArguments({u"ssh.service x"_s}, &problem));
        QVERIFY(!AgentConfig::parse("[command bad]\nargv = /bin/echo\nargs = ([\n", u"a.conf"_s, &errors));
        QVERIFY2(
            errors.last().startsWith(u"a.conf:3: args: \"([\" is not none, any or a regular expression"_s),
            qPrintable(errors.last()));
        QVERIFY(!AgentConfig::parse("[agent]\nreboot_command = reboot\n", u"a.conf"_s, &errors));
        QVERIFY2(errors.last().contains(u"must be an absolute path"_s), qPrintable(errors.last()));
    }

    void errorsNameFileLineAndKey()
    {
        QStringList errors;
        QVERIFY(!AgentConfig::parse(
            "[agent]\nrackd_port = 0\nheartbeat_interval = fast\nrackd_fingerprint = abc\n"
            "bind_address = here\n[command bad name]\nargv = x\n[command ls]\nargv = ls -l\n[command empty]\n"
            "timeout = 1\n[other]\n",
            u"a.conf"_s, &errors));
        QCOMPARE(errors,
            (QStringList {u"a.conf:2: rackd_port: \"0\" is not a port (1 to 65535)"_s,
                u"a.conf:3: heartbeat_interval: \"fast\" is not a number of seconds from 0.1 to 3600"_s,
                u"a.conf:4: rackd_fingerprint: \"abc\" is not a SHA256 fingerprint"_s,
                u"a.conf:5: bind_address: \"here\" is not an IP address"_s,
                u"a.conf:6: \"bad name\" is not a command name (letters, digits, '_', '.', '-')"_s,
                u"a.conf:9: argv: \"ls\" must be an absolute path (no search through PATH)"_s,
                u"a.conf:10: argv: missing: the command \"empty\" needs an argv"_s,
                u"a.conf:12: unknown section [other] (use [agent] and [command NAME])"_s}));
    }
};

QTEST_GUILESS_MAIN(TestAgentConfig)
#include "tst_agentconfig.moc"
