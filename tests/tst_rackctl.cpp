// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "client/connectlink.h"
#include "client/savedracks.h"
#include "keyring/tokenkeyring.h"
#include "rackctl.h"
#include "rackdfixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    QStringList questions;
};

} // namespace

class TestRackctl : public QObject
{
    Q_OBJECT

private:
    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;

    // rackctl with only these arguments (and the test's pin file): as a person with saved racks calls it.
    Run bare(const QStringList &arguments)
    {
        Run run;
        QTextStream out(&run.out);
        QTextStream err(&run.err);
        Rackctl command(out, err, [](const QString &) -> std::optional<bool> { return std::nullopt; });
        QSignalSpy finished(&command, &Rackctl::finished);
        command.run(QStringList {u"--known-racks"_s, m_fixture.path(u"known-racks.json"_s)} + arguments);
        if (finished.isEmpty() && !finished.wait(20000))
            return run;
        run.exitCode = finished.at(0).at(0).toInt();
        out.flush();
        err.flush();
        return run;
    }

    static QString savedRacksFile()
    {
        QFile file(SavedRacks::defaultPath());
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }

    // One rackctl invocation; `answer` plays the person at the terminal (empty: nobody there).
    Run rackctl(
        const QStringList &arguments, std::optional<bool> answer = std::nullopt, bool withToken = true)
    {
        Run run;
        QTextStream out(&run.out);
        QTextStream err(&run.err);
        Rackctl command(out, err, [&](const QString &question) -> std::optional<bool> {
            run.questions.append(question);
            return answer;
        });
        QSignalSpy finished(&command, &Rackctl::finished);
        QStringList full {u"--host"_s, u"127.0.0.1"_s, u"--port"_s, QString::number(m_daemon->port()),
            u"--known-racks"_s, m_fixture.path(u"known-racks.json"_s)};
        if (withToken)
            full += QStringList {u"--token-file"_s, m_fixture.path(u"state/initial-admin-token"_s)};
        command.run(full + arguments);
        if (finished.isEmpty() && !finished.wait(20000))
            return run;
        run.exitCode = finished.at(0).at(0).toInt();
        out.flush();
        err.flush();
        return run;
    }

    Run trusted(const QStringList &arguments)
    {
        return rackctl(QStringList {u"--trust-fingerprint"_s, m_daemon->fingerprint()} + arguments);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The saved racks and tokens.json go to Qt's test folder, never the user's own.
        QStandardPaths::setTestModeEnabled(true);
    }

    void init()
    {
        QFile::remove(SavedRacks::defaultPath());
        QFile::remove(TokenKeyring::defaultFallbackFile());
        QDir(m_fixture.path(u"state"_s)).removeRecursively();
        QFile::remove(m_fixture.path(u"known-racks.json"_s));
        QDir(m_fixture.path(u"dnsmasq"_s)).removeRecursively();
        m_fixture.extraConfig = "install_verify_timeout = 1\ninstall_settle_time = 0\n";
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
    }

    void cleanup() { m_daemon.reset(); }

    void nonInteractiveFirstContactRefuses()
    {
        const Run run = rackctl({u"status"_s});
        QCOMPARE(run.exitCode, int(Rackctl::Untrusted));
        QVERIFY(run.err.contains(u"is not trusted yet and nobody can be asked"_s));
        QVERIFY(run.err.contains(m_daemon->fingerprint()));
        QVERIFY(!QFile::exists(m_fixture.path(u"known-racks.json"_s)));
    }

    void interactiveFirstContactAsksThenPins()
    {
        const Run declined = rackctl({u"status"_s}, false);
        QCOMPARE(declined.exitCode, int(Rackctl::Untrusted));
        QCOMPARE(declined.questions.size(), 1);
        QVERIFY(declined.questions.at(0).contains(m_daemon->fingerprint()));

        const Run accepted = rackctl({u"status"_s}, true);
        QCOMPARE(accepted.exitCode, int(Rackctl::Ok));
        QVERIFY(accepted.out.contains(u"STACK  ROW  COL  PIS  UP  RELAY   STATE"_s));
        // Pinned: the next run asks nothing.
        const Run again = rackctl({u"status"_s});
        QCOMPARE(again.exitCode, int(Rackctl::Ok));
        QVERIFY(again.questions.isEmpty());
    }

    void trustFingerprintPinsAndAMismatchIsRefusedLoudly()
    {
        QCOMPARE(trusted({u"status"_s}).exitCode, int(Rackctl::Ok));
        QVERIFY(rackctl({u"status"_s}).exitCode == Rackctl::Ok);
        const Run other = rackctl({u"--trust-fingerprint"_s, u"SHA256:"_s + QString(64, u'1'), u"status"_s});
        QCOMPARE(other.exitCode, int(Rackctl::Untrusted));
        QVERIFY(other.err.contains(u"refusing to replace a pin silently"_s));

        const QString rack = u"127.0.0.1:"_s + QString::number(m_daemon->port());
        const QString otherFingerprint = u"SHA256:"_s + QString(64, u'2');
        QVERIFY(writeFile(m_fixture.path(u"known-racks.json"_s),
            QJsonDocument(QJsonObject {{u"racks"_s, QJsonObject {{rack, otherFingerprint}}}}).toJson()));
        const Run mismatch = rackctl({u"status"_s});
        QCOMPARE(mismatch.exitCode, int(Rackctl::Untrusted));
        QVERIFY(mismatch.err.contains(u"THE RACK'S IDENTITY HAS CHANGED"_s));
        QVERIFY(mismatch.out.isEmpty());
    }

    void powerStatusAndJson()
    {
        const Run on = trusted({u"power"_s, u"on"_s, u"1"_s, u"3"_s});
        QCOMPARE(on.exitCode, int(Rackctl::Ok));
        QCOMPARE(on.out, u"stack 1: on\nstack 3: on\n"_s);
        QVERIFY2(
            on.err.contains(u"  stack 1 switched on\n"_s) && on.err.contains(u"  stack 3 switched on\n"_s),
            qPrintable(on.err)); // progress while it runs
        const Run status = trusted({u"status"_s});
        QVERIFY2(status.out.contains(u"1      1    1    2    0   on      ko\n"_s), qPrintable(status.out));
        QVERIFY(status.out.contains(u"2      1    2    2    0   off     off\n"_s));
        const Run json = trusted({u"--json"_s, u"status"_s});
        QCOMPARE(json.exitCode, int(Rackctl::Ok));
        const QJsonObject object = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(object.value(u"stacks"_s).toArray().at(2).toObject().value(u"relay"_s).toString(), u"on"_s);
    }

    void maintenanceAndRecoveryStop()
    {
        const Run on = trusted({u"maintenance"_s, u"on"_s, u"2"_s, u"--reason"_s, u"new fan"_s});
        QCOMPARE(on.exitCode, int(Rackctl::Ok));
        QCOMPARE(on.out, u"maintenance on  MAINTENANCE by admin: new fan\n"_s);
        const Run status = trusted({u"status"_s});
        QVERIFY2(
            status.out.contains(u"2      1    2    2    0   off     off  MAINTENANCE by admin: new fan\n"_s),
            qPrintable(status.out));
        const Run unknown = trusted({u"maintenance"_s, u"on"_s, u"s9-n9"_s});
        QCOMPARE(unknown.exitCode, int(Rackctl::CommandFailed));
        QVERIFY2(unknown.err.contains(u"there is no node \"s9-n9\" (give its name or MAC)"_s),
            qPrintable(unknown.err));
        const Run stop = trusted({u"recovery"_s, u"stop"_s, u"2"_s});
        QCOMPARE(stop.exitCode, int(Rackctl::CommandFailed));
        QVERIFY2(stop.err.contains(u"no recovery runs on stack 2"_s), qPrintable(stop.err));
        const Run off = trusted({u"maintenance"_s, u"off"_s, u"2"_s});
        QCOMPARE(off.exitCode, int(Rackctl::Ok));
        QVERIFY(!trusted({u"status"_s}).out.contains(u"MAINTENANCE"_s));
    }

    // The help and the commands come from one table, and the table from the protocol's words.
    void helpNamesEveryActionOfTheProtocol()
    {
        const QString help = Rackctl::usageText();
        for (Protocol::PowerAction action : Protocol::all<Protocol::PowerAction>())
            QVERIFY2(help.contains(u"  power "_s + Protocol::name(action) + u" STACK"_s), qPrintable(help));
        for (Protocol::NodeAction action : Protocol::all<Protocol::NodeAction>()) {
            const bool listed = help.contains(u"  exec "_s + Protocol::name(action) + u' ');
            QCOMPARE(listed, Protocol::isExecAction(action));
        }
        const Run asked = rackctl({u"--help"_s});
        QCOMPARE(asked.exitCode, int(Rackctl::Ok));
        QCOMPARE(asked.out, help);
    }

    void versionIsTheProjectVersion()
    {
        const Run asked = rackctl({u"--version"_s});
        QCOMPARE(asked.exitCode, int(Rackctl::Ok));
        QCOMPARE(asked.out, u"rackctl " PIRACK_VERSION_STRING "\n"_s);
    }

    void exitCodes_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("no command") << QStringList {} << int(Rackctl::Usage) << u"no command given"_s;
        QTest::newRow("unknown command")
            << QStringList {u"dance"_s} << int(Rackctl::Usage) << u"cannot understand 'dance'"_s;
        QTest::newRow("power without target")
            << QStringList {u"power"_s, u"on"_s} << int(Rackctl::Usage) << u"cannot understand 'power on'"_s;
        QTest::newRow("bad stack") << QStringList {u"power"_s, u"on"_s, u"one"_s} << int(Rackctl::Usage)
                                   << u"'one' is not a stack id"_s;
        QTest::newRow("unknown stack") << QStringList {u"power"_s, u"on"_s, u"9"_s}
                                       << int(Rackctl::CommandFailed) << u"there is no stack 9 (not_found)"_s;
        QTest::newRow("token without role")
            << QStringList {u"token"_s, u"create"_s, u"x"_s} << int(Rackctl::Usage) << u"cannot understand"_s;
        QTest::newRow("bad fingerprint") << QStringList {u"--trust-fingerprint"_s, u"abc"_s, u"status"_s}
                                         << int(Rackctl::Usage) << u"--trust-fingerprint takes SHA256:"_s;
    }

    void exitCodes()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const bool pinned = !arguments.contains(u"--trust-fingerprint"_s);
        const Run run = pinned ? trusted(arguments) : rackctl(arguments);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
    }

    void tokensAndRoles()
    {
        const Run created = trusted({u"token"_s, u"create"_s, u"screen"_s, u"--role"_s, u"viewer"_s});
        QCOMPARE(created.exitCode, int(Rackctl::Ok));
        const QString token = created.out.trimmed();
        QVERIFY(token.startsWith(u"prt_"_s));
        QVERIFY(writeFile(m_fixture.path(u"viewer.token"_s), token.toUtf8()));
        QFile::setPermissions(
            m_fixture.path(u"viewer.token"_s), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const Run forbidden
            = rackctl({u"--token-file"_s, m_fixture.path(u"viewer.token"_s), u"power"_s, u"off"_s, u"all"_s});
        QCOMPARE(forbidden.exitCode, int(Rackctl::NotAllowed));
        QVERIFY(forbidden.err.contains(u"power needs the operator role"_s));
        const Run list = trusted({u"token"_s, u"list"_s});
        QVERIFY(list.out.contains(u"screen"_s) && list.out.contains(u"viewer"_s));
        QCOMPARE(trusted({u"token"_s, u"revoke"_s, u"screen"_s}).exitCode, int(Rackctl::Ok));
        const Run revoked = rackctl({u"--token-file"_s, m_fixture.path(u"viewer.token"_s), u"status"_s});
        QCOMPARE(revoked.exitCode, int(Rackctl::NotAllowed));
        const Run audit = trusted({u"audit"_s, u"--last"_s, u"3"_s});
        QCOMPARE(audit.exitCode, int(Rackctl::Ok));
        QVERIFY2(audit.out.contains(u"token.revoke"_s), qPrintable(audit.out));
    }

    void joinCreateAndNodes()
    {
        const Run join = trusted({u"join"_s, u"create"_s, u"--uses"_s, u"3"_s});
        QCOMPARE(join.exitCode, int(Rackctl::Ok));
        QVERIFY2(join.out.startsWith(u"pirack-join:1/127.0.0.1/"_s), qPrintable(join.out));
        QVERIFY(join.err.contains(u"3 use(s)"_s));
        const Run nodes = trusted({u"nodes"_s});
        QCOMPARE(nodes.exitCode, int(Rackctl::Ok));
        QVERIFY(nodes.out.startsWith(u"MAC"_s));
        const Run unknown = trusted({u"node"_s, u"assign"_s, u"aa:bb:cc:dd:ee:ff"_s, u"1"_s, u"1"_s});
        QCOMPARE(unknown.exitCode, int(Rackctl::CommandFailed));
        QVERIFY(unknown.err.contains(u"no node with MAC aa:bb:cc:dd:ee:ff has joined"_s));
        const Run rename = trusted({u"node"_s, u"rename"_s, u"aa:bb:cc:dd:ee:ff"_s, u"head-node"_s});
        QCOMPARE(rename.exitCode, int(Rackctl::CommandFailed));
        QVERIFY2(
            rename.err.contains(u"no node with MAC aa:bb:cc:dd:ee:ff has joined"_s), qPrintable(rename.err));
        QCOMPARE(trusted({u"node"_s, u"rename"_s, u"aa:bb:cc:dd:ee:ff"_s}).exitCode, int(Rackctl::Usage));
        QCOMPARE(trusted({u"join"_s, u"create"_s, u"--ttl"_s, u"5"_s}).exitCode, int(Rackctl::Usage));
        QCOMPARE(trusted({u"join"_s, u"create"_s, u"--ttl"_s, u"1h"_s}).exitCode, int(Rackctl::Ok));
        QCOMPARE(trusted({u"join"_s, u"create"_s, u"--ttl"_s, u"soon"_s}).exitCode, int(Rackctl::Usage));
        const Run shortForm
            = trusted({u"exec"_s, u"uptime"_s, u"stack:9"_s}); // a named command, without "run"
        QCOMPARE(shortForm.exitCode, int(Rackctl::CommandFailed));
        QVERIFY(shortForm.err.contains(u"there is no stack 9"_s));
        const Run noNodes = trusted({u"exec"_s, u"identify"_s, u"all"_s});
        QCOMPARE(noNodes.exitCode, int(Rackctl::Ok));
        QVERIFY2(noNodes.err.contains(u"0 node(s) ok, 0 failed"_s), qPrintable(noNodes.err));
        const Run badStack = trusted({u"exec"_s, u"run"_s, u"uptime"_s, u"stack:9"_s});
        QCOMPARE(badStack.exitCode, int(Rackctl::CommandFailed));
        QVERIFY(badStack.err.contains(u"there is no stack 9"_s));
        QCOMPARE(trusted({u"exec"_s, u"identify"_s}).exitCode, int(Rackctl::Usage));
        // No node is placed here: a graceful off has nobody to wait for and cuts at once.
        QCOMPARE(trusted({u"power"_s, u"on"_s, u"2"_s}).exitCode, int(Rackctl::Ok));
        const Run graceful = trusted({u"power"_s, u"graceful-off"_s, u"2"_s, u"--force-after"_s, u"5"_s});
        QCOMPARE(graceful.exitCode, int(Rackctl::Ok));
        QCOMPARE(graceful.out, u"stack 2: relay off\n"_s);
    }

    void dhcpEventReachesRackdAndItsSubscribers()
    {
        RackClient watcher;
        QFile tokenFile(m_fixture.path(u"state/initial-admin-token"_s)); // each test's rackd is a fresh one
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        const QString token = QString::fromUtf8(tokenFile.readAll()).trimmed();
        QVERIFY(connectClient(watcher, m_daemon->port(), token, m_daemon->fingerprint()).ready);
        QVERIFY(call(watcher, u"subscribe"_s, {{u"events"_s, QJsonArray {u"dhcp"_s}}}));
        QSignalSpy events(&watcher, &RackClient::eventReceived);
        const QString socket = m_fixture.path(u"dhcp-events.sock"_s);

        // What dnsmasq runs: no token, no TLS, the local socket.
        Run run = rackctl({u"--dhcp-socket"_s, socket, u"dhcp-event"_s, u"add"_s, u"DC:A6:32:01:02:03"_s,
                              u"10.42.0.60"_s, u"raspberrypi"_s},
            std::nullopt, false);
        QCOMPARE(run.exitCode, int(Rackctl::Ok));
        QVERIFY(events.count() > 0 || events.wait(10000));
        const Protocol::Event event = events.at(0).at(0).value<Protocol::Event>();
        QCOMPARE(event.name, u"dhcp.lease"_s);
        QCOMPARE(event.data.value(u"mac"_s).toString(), u"dc:a6:32:01:02:03"_s);
        QCOMPARE(event.data.value(u"ip"_s).toString(), u"10.42.0.60"_s);
        QCOMPARE(event.data.value(u"hostname"_s).toString(), u"raspberrypi"_s);
        QCOMPARE(event.data.value(u"source"_s).toString(), u"dnsmasq script"_s);

        // dnsmasq's other calls are not errors; a broken one is refused and said so.
        QCOMPARE(
            rackctl({u"--dhcp-socket"_s, socket, u"dhcp-event"_s, u"init"_s}, std::nullopt, false).exitCode,
            int(Rackctl::Ok));
        run = rackctl({u"--dhcp-socket"_s, socket, u"dhcp-event"_s, u"add"_s, u"nope"_s, u"10.42.0.60"_s},
            std::nullopt, false);
        QCOMPARE(run.exitCode, int(Rackctl::CommandFailed));
        QCOMPARE(run.err, u"rackctl: rackd refused the DHCP event: \"nope\" is not a MAC address\n"_s);
        run = rackctl({u"--dhcp-socket"_s, m_fixture.path(u"nothing.sock"_s), u"dhcp-event"_s, u"add"_s,
                          u"dc:a6:32:01:02:03"_s, u"10.42.0.60"_s},
            std::nullopt, false);
        QCOMPARE(run.exitCode, int(Rackctl::ConnectionFailed));
        QVERIFY2(run.err.startsWith(u"rackctl: cannot reach rackd's DHCP socket"_s), qPrintable(run.err));
        QCOMPARE(events.count(), 1);
    }

    void installFromTheShell()
    {
        QCOMPARE(trusted({u"status"_s}).exitCode, 0);
        // Followed until stack 1 (no Pi answers here) waits for the operator.
        const Run started = rackctl({u"install"_s, u"start"_s, u"1"_s, u"--stack-timeout"_s, u"1"_s});
        QCOMPARE(started.exitCode, 0);
        QVERIFY2(started.out.contains(u"stack 1 waits for a decision: 0 of 2 Pis found"_s),
            qPrintable(started.out));
        QVERIFY2(started.err.contains(u"stack 1: switching it on (attempt 1)"_s), qPrintable(started.err));
        const Run again = rackctl({u"install"_s, u"start"_s});
        QCOMPARE(again.exitCode, int(Rackctl::CommandFailed));
        QVERIFY(again.err.contains(u"an install is already running"_s));

        const Run bad = rackctl({u"install"_s, u"add-mac"_s, u"nonsense"_s});
        QCOMPARE(bad.exitCode, int(Rackctl::CommandFailed));
        QVERIFY2(bad.err.contains(u"\"nonsense\" is not a MAC address"_s), qPrintable(bad.err));
        const Run added = rackctl({u"install"_s, u"add-mac"_s, u"dc:a6:32:00:00:01"_s});
        QCOMPARE(added.exitCode, 0);
        QVERIFY2(added.out.contains(u"1/2"_s), qPrintable(added.out));

        // Accepting it runs the install to its end: written, powered on, verified (nothing comes back).
        const Run accepted = rackctl({u"install"_s, u"accept"_s});
        QCOMPARE(accepted.exitCode, int(Rackctl::CommandFailed));
        QVERIFY2(accepted.out.contains(u"install done: not every placed Pi came back within 1 s"_s),
            qPrintable(accepted.out));
        QVERIFY2(accepted.out.contains(u"s1-n1       10.42.0.11      dc:a6:32:00:00:01  agent not up"_s),
            qPrintable(accepted.out));
        QFile hosts(m_fixture.path(u"dnsmasq/dhcp-hosts"_s));
        QVERIFY(hosts.open(QIODevice::ReadOnly));
        QVERIFY(hosts.readAll().contains("dc:a6:32:00:00:01,10.42.0.11,s1-n1\n"));

        const Run status = rackctl({u"install"_s, u"status"_s});
        QCOMPARE(status.exitCode, 0);
        QVERIFY(status.out.contains(u"1      accepted        1/2     1      ko"_s));
        const Run nothingWaits = rackctl({u"install"_s, u"skip"_s});
        QCOMPARE(nothingWaits.exitCode, int(Rackctl::CommandFailed));
        QVERIFY(nothingWaits.err.contains(u"nothing waits for a decision"_s));
        const Run wrongFormat = rackctl({u"inventory"_s, u"--format"_s, u"xml"_s});
        QCOMPARE(wrongFormat.exitCode, int(Rackctl::CommandFailed));
        QVERIFY(wrongFormat.err.contains(u"ansible, ansible-yaml, hosts, mpi, json"_s));
        const Run inventory = rackctl({u"inventory"_s, u"--format"_s, u"ansible"_s});
        QCOMPARE(inventory.exitCode, 0);
        QVERIFY2(inventory.out.contains(u"[pirack:children]"_s), qPrintable(inventory.out));
        QCOMPARE(rackctl({u"install"_s, u"replace"_s, u"1"_s}).exitCode, int(Rackctl::Usage));
    }

    void eventsFollowsTheRack()
    {
        QCOMPARE(trusted({u"status"_s}).exitCode, 0);
        // Stack 1 switches now and then while rackctl follows; it stops after two events.
        QTimer switching;
        bool on = false;
        connect(&switching, &QTimer::timeout, this, [&] {
            on = !on;
            const Caller admin {TokenInfo {u"admin"_s, Role::Admin, {}, {}}, u"test"_s};
            m_daemon->service()->handle(
                admin,
                {1, u"power"_s, {{u"action"_s, on ? u"on"_s : u"off"_s}, {u"stacks"_s, QJsonArray {1}}}},
                [](const Protocol::Event &) {}, [](const Protocol::Reply &) {});
        });
        switching.start(300);
        const Run followed = rackctl({u"events"_s, u"relay"_s, u"--follow"_s, u"--count"_s, u"2"_s});
        QCOMPARE(followed.exitCode, 0);
        QVERIFY2(followed.err.contains(u"following relay events"_s), qPrintable(followed.err));
        const QStringList lines = followed.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        for (const QString &line : lines)
            QVERIFY2(QRegularExpression(u"^\\S+ info     Stack 1 switched (on|off) by admin$"_s)
                         .match(line)
                         .hasMatch(),
                qPrintable(line));

        const Run json = rackctl({u"events"_s, u"--json"_s, u"--count"_s, u"1"_s});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject event = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QVERIFY2(event.value(u"event"_s).toString().startsWith(u"relay."_s), qPrintable(json.out));
        QCOMPARE(event.value(u"data"_s).toObject().value(u"stack"_s).toInt(), 1);
        switching.stop();

        const Run wrong = rackctl({u"events"_s, u"weather"_s});
        QCOMPARE(wrong.exitCode, int(Rackctl::Usage));
        QVERIFY2(
            wrong.err.contains(u"'weather' is not an event family (relay, node, dhcp, install, recovery)"_s),
            qPrintable(wrong.err));
    }

    // The first connection in one paste: a link made on the master, checked against the rack, then saved.
    void aConnectLinkSavesTheRackOnceTheRackProvedIt()
    {
        const Run created = trusted({u"token"_s, u"create"_s, u"alice"_s, u"--role"_s, u"operator"_s,
            u"--link"_s, u"--link-host"_s, u"127.0.0.1"_s});
        QCOMPARE(created.exitCode, int(Rackctl::Ok));
        QVERIFY2(created.err.contains(u"the link carries it: give it to its user only"_s),
            qPrintable(created.err));
        QString error;
        const std::optional<ConnectLink> link = ConnectLink::parse(created.out, &error);
        QVERIFY2(link, qPrintable(error + u": "_s + created.out));
        QCOMPARE(link->host, u"127.0.0.1"_s);
        QCOMPARE(link->port, m_daemon->port());
        QCOMPARE(link->fingerprint, m_daemon->fingerprint());
        QCOMPARE(trusted({u"audit"_s, u"--last"_s, u"50"_s}).out.count(link->token), 0); // never in the audit

        // No keychain here (the test has no session bus): nothing is stored, and it says what to do.
        const QString pinsBefore = m_fixture.path(u"known-racks.json"_s);
        QFile::remove(pinsBefore);
        Run add = bare({u"rack"_s, u"add"_s, u"lab"_s, created.out});
        QCOMPARE(add.exitCode, int(Rackctl::CommandFailed));
        QVERIFY2(add.err.contains(u"nothing stored. Add --token-in-file"_s), qPrintable(add.err));
        QVERIFY(!QFile::exists(SavedRacks::defaultPath()));
        QVERIFY(!QFile::exists(pinsBefore));

        add = bare({u"rack"_s, u"add"_s, u"lab"_s, created.out, u"--token-in-file"_s});
        QCOMPARE(add.exitCode, int(Rackctl::Ok));
        QVERIFY2(add.out.contains(u"it is the current rack"_s), qPrintable(add.out));
        QCOMPARE(TokenKeyring(TokenKeyring::defaultFallbackFile())
                     .readFromFile(u"127.0.0.1:%1"_s.arg(m_daemon->port())),
            std::optional<QString>(link->token));

        // From now on rackctl needs neither --host nor a token: the current rack, its token from the file.
        Run status = bare({u"power"_s, u"on"_s, u"2"_s});
        QCOMPARE(status.exitCode, int(Rackctl::Ok));
        status = bare({u"--rack"_s, u"lab"_s, u"status"_s});
        QCOMPARE(status.exitCode, int(Rackctl::Ok));
        QVERIFY2(status.out.contains(QRegularExpression(u"\\n2 .* on "_s)), qPrintable(status.out));
        const QString last = trusted({u"audit"_s, u"--last"_s, u"5"_s}).out;
        QVERIFY2(last.contains(u"alice"_s) && last.contains(u"power"_s), qPrintable(last));

        // list, use, remove; and a rack that is not saved.
        QCOMPARE(bare({u"rack"_s, u"list"_s}).out,
            u"* lab                  127.0.0.1:%1\n"_s.arg(m_daemon->port()));
        Run wrong = bare({u"--rack"_s, u"nowhere"_s, u"status"_s});
        QCOMPARE(wrong.exitCode, int(Rackctl::Usage));
        QCOMPARE(wrong.err,
            u"rackctl: there is no saved rack called \"nowhere\" ('rackctl rack list' shows them)\ntry 'rackctl --help'\n"_s);
        QCOMPARE(bare({u"rack"_s, u"use"_s, u"nowhere"_s}).exitCode, int(Rackctl::CommandFailed));
        const Run removed = bare({u"rack"_s, u"remove"_s, u"lab"_s});
        QCOMPARE(removed.exitCode, int(Rackctl::Ok));
        QVERIFY(!savedRacksFile().contains(u"lab"_s));
        QVERIFY(!TokenKeyring(TokenKeyring::defaultFallbackFile())
                     .readFromFile(u"127.0.0.1:%1"_s.arg(m_daemon->port())));
    }

    void aBadLinkStoresNothingAndSaysWhy()
    {
        const Run created = trusted({u"token"_s, u"create"_s, u"carol"_s, u"--role"_s, u"viewer"_s,
            u"--link-host"_s, u"127.0.0.1"_s});
        QCOMPARE(created.exitCode, int(Rackctl::Ok));
        const QString link = created.out.trimmed();
        const QString pins = m_fixture.path(u"known-racks.json"_s);
        QFile::remove(pins);

        // Cut short: a usage error in one line, before anything is contacted.
        Run add = bare({u"rack"_s, u"add"_s, u"lab"_s, link.chopped(3), u"--token-in-file"_s});
        QCOMPARE(add.exitCode, int(Rackctl::Usage));
        QCOMPARE(add.err.count(u'\n'), 2);
        QVERIFY2(add.err.contains(u"token is not whole"_s) && add.err.endsWith(u"try 'rackctl --help'\n"_s),
            qPrintable(add.err));

        // Another fingerprint than the rack presents: someone in between, or another rack.
        QString other = link;
        other.replace(m_daemon->fingerprint(), u"SHA256:"_s + QString(64, u'0'));
        add = bare({u"rack"_s, u"add"_s, u"lab"_s, other, u"--token-in-file"_s});
        QCOMPARE(add.exitCode, int(Rackctl::Untrusted));
        QVERIFY2(
            add.err.contains(u"presents the fingerprint %1, not the link's"_s.arg(m_daemon->fingerprint())),
            qPrintable(add.err));

        // A revoked token.
        QCOMPARE(trusted({u"token"_s, u"revoke"_s, u"carol"_s}).exitCode, int(Rackctl::Ok));
        QFile::remove(pins);
        add = bare({u"rack"_s, u"add"_s, u"lab"_s, link, u"--token-in-file"_s});
        QCOMPARE(add.exitCode, int(Rackctl::NotAllowed));
        QVERIFY2(add.err.contains(u"refused the link's token"_s), qPrintable(add.err));
        QVERIFY2(!add.err.contains(link.right(43)), "the token is never printed back");

        // Nothing of any of them was kept.
        QVERIFY(!QFile::exists(SavedRacks::defaultPath()));
        QVERIFY(!QFile::exists(TokenKeyring::defaultFallbackFile()));
        QVERIFY(!QFile::exists(pins));
    }

    void usageErrorsTakeOneLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("line");
        QTest::newRow("no token") << QStringList {u"--host"_s, u"h"_s,
            u"status"_s} << u"no token: give --token-file FILE, set PIRACK_TOKEN, or save the rack"_s;
        QTest::newRow("wrong arguments") << QStringList {u"power"_s, u"on"_s}
                                         << u"cannot understand 'power on': it is 'power on STACK...|all'"_s;
        QTest::newRow("rack and host") << QStringList {u"--rack"_s, u"a"_s, u"--host"_s, u"h"_s, u"status"_s}
                                       << u"--host and --rack both name a rack"_s;
        QTest::newRow("link elsewhere") << QStringList {u"--host"_s, u"h"_s, u"status"_s, u"--link"_s}
                                        << u"--link and --link-host go with 'token create'"_s;
        QTest::newRow("rack without verb")
            << QStringList {u"rack"_s} << u"rack needs add, list, use or remove"_s;
        QTest::newRow("a link in a misspelt command") << QStringList {u"rak"_s, u"add"_s, u"lab"_s,
            u"pirack://h:7420/?fingerprint=SHA256:00&token=prt_SECRET"_s}
                                                      << u"cannot understand 'rak add lab pirack://…'"_s;
        QTest::newRow("bad link host") << QStringList {u"--host"_s, u"h"_s, u"token"_s, u"create"_s, u"x"_s,
            u"--role"_s, u"viewer"_s, u"--link-host"_s, u"a b"_s}
                                       << u"--link-host takes a host name or an address"_s;
    }
    void usageErrorsTakeOneLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, line);
        const Run run = bare(arguments);
        QCOMPARE(run.exitCode, int(Rackctl::Usage));
        QCOMPARE(run.out, QString());
        const QStringList lines = run.err.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines.at(0).startsWith(u"rackctl: "_s + line), qPrintable(run.err));
        QCOMPARE(lines.at(1), u"try 'rackctl --help'"_s);
        QVERIFY2(!run.err.contains(u"SECRET"_s), "a connect link's token is never repeated");
    }

    // What bash's completion offers (resources/completion/rackctl calls rackctl __complete).
    void completionOffersWhatMayFollow_data()
    {
        QTest::addColumn<QStringList>("typed");
        QTest::addColumn<QStringList>("offered");
        QTest::newRow("subcommands") << QStringList {u"install"_s}
                                     << QStringList {u"start"_s, u"status"_s, u"retry"_s, u"skip"_s,
                                            u"accept"_s, u"add-mac"_s, u"confirm"_s, u"decline"_s, u"abort"_s,
                                            u"replace"_s};
        QTest::newRow("stacks from rackd")
            << QStringList {u"power"_s, u"cycle"_s} << QStringList {u"1"_s, u"2"_s, u"3"_s, u"all"_s};
        QTest::newRow("more stacks") << QStringList {u"power"_s, u"on"_s, u"1"_s}
                                     << QStringList {u"1"_s, u"2"_s, u"3"_s, u"all"_s};
        QTest::newRow("one stack") << QStringList {u"recovery"_s, u"stop"_s}
                                   << QStringList {u"1"_s, u"2"_s, u"3"_s};
        QTest::newRow("targets") << QStringList {u"exec"_s, u"identify"_s}
                                 << QStringList {u"stack:1"_s, u"stack:2"_s, u"stack:3"_s, u"all"_s};
        QTest::newRow("families") << QStringList {u"events"_s} << Protocol::eventFamilies();
        QTest::newRow("after the last argument")
            << QStringList {u"node"_s, u"assign"_s, u"m"_s, u"1"_s, u"1"_s} << QStringList();
    }
    void completionOffersWhatMayFollow()
    {
        QFETCH(QStringList, typed);
        QFETCH(QStringList, offered);
        const Run run = trusted(QStringList {u"__complete"_s} + typed);
        QCOMPARE(run.exitCode, int(Rackctl::Ok));
        QCOMPARE(run.out.split(u'\n', Qt::SkipEmptyParts), offered);
        QVERIFY2(run.questions.isEmpty(), "a completion never asks");
    }

    void completionNeverAsksAndGivesUpQuietly()
    {
        // Not trusted yet: nothing offered, nothing asked, and rackctl ends.
        const Run untrusted = rackctl({u"__complete"_s, u"power"_s, u"on"_s}, true);
        QVERIFY(untrusted.questions.isEmpty());
        QCOMPARE(untrusted.exitCode, int(Rackctl::Untrusted));
        QCOMPARE(untrusted.out, QString());
    }

    void fingerprintNeedsNoTrustAndNoToken()
    {
        const Run run = rackctl({u"fingerprint"_s}, std::nullopt, false);
        QCOMPARE(run.exitCode, int(Rackctl::Ok));
        QCOMPARE(run.out.trimmed(), m_daemon->fingerprint());
    }
};

QTEST_GUILESS_MAIN(TestRackctl)
#include "tst_rackctl.moc"
