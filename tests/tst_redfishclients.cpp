// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Redfish clients nobody here wrote, as Debian ships them (scripts/test.sh installs them), against
// rackd on the virtual rack in loopback mode: Ansible's community.general redfish_info and
// redfish_command, OpenStack's sushy, and DMTF's redfishtool. Each is asked to do something, and
// the test checks that it happened on the rack (a Pi rebooted, a stack came on, an LED blinked).
#include "virtualrackharness.h"

#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestRedfishClients : public QObject
{
    Q_OBJECT

    struct Ran
    {
        bool finished = false;
        int exitCode = -1;
        QByteArray output;
    };

    std::unique_ptr<VirtualRackHarness> m_harness;
    quint16 m_httpPort = 0;
    QString m_token; ///< An operator's.

    static quint16 freePort()
    {
        QTcpServer probe;
        return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
    }

    /// The clients' environment: a home of their own, Debian's Python, and no CA bundle override
    /// (requests would otherwise check rackd's self-signed certificate against it whatever it is told).
    QProcessEnvironment environment() const
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const QString &name :
            {u"REQUESTS_CA_BUNDLE"_s, u"CURL_CA_BUNDLE"_s, u"PYTHONPATH"_s, u"PYTHONHOME"_s})
            environment.remove(name);
        const QString home = m_harness->dir.filePath(u"home"_s);
        QDir().mkpath(home);
        environment.insert(u"HOME"_s, home);
        environment.insert(u"PATH"_s, u"/usr/sbin:/usr/bin:/sbin:/bin"_s);
        environment.insert(u"ANSIBLE_LOCAL_TEMP"_s, home + u"/.ansible-tmp"_s);
        environment.insert(u"ANSIBLE_NOCOLOR"_s, u"1"_s);
        environment.insert(u"ANSIBLE_PYTHON_INTERPRETER"_s, u"/usr/bin/python3"_s);
        return environment;
    }

    /// Runs a client to its end (with a deadline), the rack running on meanwhile.
    Ran run(const QString &program, const QStringList &arguments, int timeoutMs = 180000)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, arguments);
        Ran ran;
        ran.finished
            = QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, timeoutMs);
        if (!ran.finished) {
            process.kill();
            process.waitForFinished(5000);
        }
        ran.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        ran.output = process.readAll();
        return ran;
    }

    QString macOf(const QString &node) const
    {
        for (VirtualPi *pi : m_harness->rack->pis()) {
            if (pi->spec().fixedName == node)
                return pi->spec().nic.mac;
        }
        return {};
    }

    QByteArray ledTrigger(const QString &node) const
    {
        for (VirtualPi *pi : m_harness->rack->pis()) {
            if (pi->spec().fixedName == node) {
                QFile file(QDir(pi->spec().nic.directory).filePath(u"root/sys/class/leds/ACT/trigger"_s));
                return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed() : QByteArray();
            }
        }
        return {};
    }

    /// The node went down and came back up (a reboot), within the deadline.
    bool rebooted(const QString &node, int timeoutMs = 120000)
    {
        const QString mac = macOf(node);
        VirtualRackHarness &rack = *m_harness;
        return rack.waitUntil(
            [&] { return rack.seenDown.contains(mac) && rack.nodeStates.value(mac) == u"up"; }, timeoutMs);
    }

    static QString describe(const Ran &ran)
    {
        return u"exit %1%2:\n%3"_s.arg(ran.exitCode)
            .arg(ran.finished ? QString() : u" (killed at its deadline)"_s)
            .arg(QString::fromUtf8(ran.output.right(6000)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const QString &program : {u"/usr/bin/ansible-playbook"_s, u"/usr/bin/redfishtool"_s})
            QVERIFY2(QFileInfo(program).isExecutable(),
                qPrintable(program
                    + u" is missing: scripts/test.sh installs ansible, python3-sushy and redfishtool"_s));
        QVERIFY2(QFileInfo::exists(u"/usr/lib/python3/dist-packages/sushy/__init__.py"_s),
            "python3-sushy is missing: scripts/test.sh installs it");

        m_httpPort = freePort();
        QVERIFY(m_httpPort != 0);
        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.mode = VirtualRackOptions::Mode::Loopback;
        options.rackdConfigLines
            = {u"http_listen_address = 127.0.0.1"_s, u"http_listen_port = %1"_s.arg(m_httpPort)};
        m_harness = std::make_unique<VirtualRackHarness>();
        QString error;
        QVERIFY2(m_harness->start(options, &error), qPrintable(error));
        VirtualRackHarness &rack = *m_harness;
        const auto token
            = rack.call(u"token.create"_s, {{u"name"_s, u"provisioning"_s}, {u"role"_s, u"operator"_s}});
        QVERIFY(token && !token->isError());
        m_token = token->result.value(u"token"_s).toString();
        QVERIFY(rack.powerOk(u"on"_s, QJsonArray {1, 2}));
        QVERIFY2(rack.waitUntil([&] { return rack.stackUp(1) && rack.stackUp(2); }, 120000),
            "the rack did not come up");
    }

    void cleanupTestCase()
    {
        const QStringList left = VirtualRackHarness::finish(m_harness);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
    }

    void ansibleReadsTheRackAndRebootsBlinksAndPowersOn()
    {
        VirtualRackHarness &rack = *m_harness;
        QVERIFY(rack.powerOk(u"off"_s, QJsonArray {2}));
        rack.seenDown.clear();
        const QString folder = rack.dir.filePath(u"ansible"_s);
        QVERIFY(QDir().mkpath(folder));
        const QByteArray connection = "      baseuri: \"127.0.0.1:" + QByteArray::number(m_httpPort)
            + "\"\n      username: provisioning\n      password: \"" + m_token.toUtf8() + "\"\n";
        const QByteArray playbook = "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                                    "  - community.general.redfish_info:\n      category: Systems\n"
            + connection
            + "    register: systems\n"
              "  - community.general.redfish_info:\n      category: Chassis\n      command: "
              "GetChassisInventory\n"
            + connection
            + "    register: chassis\n"
              "  - ansible.builtin.copy:\n      dest: "
            + folder.toUtf8()
            + "/facts.json\n      content: \"{{ {'systems': systems.redfish_facts, 'chassis': "
              "chassis.redfish_facts} | to_json }}\"\n"
              "  - community.general.redfish_command:\n      category: Systems\n      command: "
              "PowerGracefulRestart\n"
              "      resource_id: s1-n2\n"
            + connection
            + "  - community.general.redfish_command:\n      category: Systems\n      command: "
              "IndicatorLedBlink\n"
              "      resource_id: s1-n3\n"
            + connection
            + "  - community.general.redfish_command:\n      category: Systems\n      command: PowerOn\n"
              "      resource_id: s2-n1\n"
            + connection;
        QVERIFY(writeFile(folder + u"/playbook.yml"_s, playbook));

        const Ran ran = run(u"/usr/bin/ansible-playbook"_s,
            {u"-i"_s, u"localhost,"_s, u"-c"_s, u"local"_s, folder + u"/playbook.yml"_s});
        QVERIFY2(ran.finished && ran.exitCode == 0, qPrintable(describe(ran)));

        // What redfish_info read: six Pis, the rack and its two stacks.
        QFile factsFile(folder + u"/facts.json"_s);
        QVERIFY(factsFile.open(QIODevice::ReadOnly));
        const QJsonObject facts = QJsonDocument::fromJson(factsFile.readAll()).object();
        const QJsonArray systems = facts[u"systems"_s][u"system"_s][u"entries"_s].toArray();
        QCOMPARE(systems.size(), 6);
        QStringList powered;
        for (const QJsonValue &entry : systems) {
            const QJsonObject system = entry.toArray().at(1).toObject();
            powered.append(system[u"Id"_s].toString() + u' ' + system[u"PowerState"_s].toString());
        }
        powered.sort();
        QCOMPARE(powered,
            QStringList({u"s1-n1 On"_s, u"s1-n2 On"_s, u"s1-n3 On"_s, u"s2-n1 Off"_s, u"s2-n2 Off"_s,
                u"s2-n3 Off"_s}));
        QCOMPARE(facts[u"chassis"_s][u"chassis"_s][u"entries"_s].toArray().size(), 3);

        // What redfish_command did.
        QVERIFY2(rebooted(u"s1-n2"_s), "s1-n2 did not reboot");
        QCOMPARE(ledTrigger(u"s1-n3"_s), QByteArray("timer"));
        QVERIFY2(rack.waitUntil([&] { return rack.stackUp(2); }, 120000), "stack 2 did not come on");
    }

    void sushyListsReadsAndResets()
    {
        VirtualRackHarness &rack = *m_harness;
        rack.seenDown.clear();
        const QString script = rack.dir.filePath(u"sushy-client.py"_s);
        QVERIFY(writeFile(script,
            "import json, sys, sushy\n"
            "root = sushy.Sushy(sys.argv[1], username=sys.argv[2], password=sys.argv[3], verify=False)\n"
            "systems = root.get_system_collection()\n"
            "found = sorted(s.identity for s in systems.get_members())\n"
            "system = root.get_system('/redfish/v1/Systems/s1-n1')\n"
            "before = str(system.power_state)\n"
            "allowed = sorted(str(v) for v in system.get_allowed_reset_system_values())\n"
            "system.reset_system(sushy.RESET_GRACEFUL_RESTART)\n"
            "print(json.dumps({'systems': found, 'power_state': before, 'allowed': allowed}))\n"));
        const Ran ran = run(u"/usr/bin/python3"_s,
            {script, u"https://127.0.0.1:%1/redfish/v1"_s.arg(m_httpPort), u"provisioning"_s, m_token});
        QVERIFY2(ran.finished && ran.exitCode == 0, qPrintable(describe(ran)));
        const QByteArray last = ran.output.trimmed().split('\n').constLast();
        const QJsonObject result = QJsonDocument::fromJson(last).object();
        QCOMPARE(result[u"systems"_s].toArray().size(), 6);
        QCOMPARE(result[u"systems"_s].toArray().first().toString(), u"s1-n1"_s);
        QVERIFY2(
            result[u"power_state"_s].toString().endsWith(u"on"_s, Qt::CaseInsensitive), last.constData());
        QCOMPARE(result[u"allowed"_s].toArray().size(), 6);
        QVERIFY2(rebooted(u"s1-n1"_s), "s1-n1 did not reboot");
    }

    void redfishtoolReadsTheRootAndSystemsAndResets()
    {
        VirtualRackHarness &rack = *m_harness;
        rack.seenDown.clear();
        const QString host = u"127.0.0.1:%1"_s.arg(m_httpPort);
        const QStringList common {
            u"-S"_s, u"Always"_s, u"-r"_s, host, u"-u"_s, u"provisioning"_s, u"-p"_s, m_token};

        const Ran root = run(u"/usr/bin/redfishtool"_s, common + QStringList {u"root"_s});
        QVERIFY2(root.finished && root.exitCode == 0, qPrintable(describe(root)));
        QCOMPARE(QJsonDocument::fromJson(root.output).object()[u"Product"_s].toString(), u"PiRack"_s);

        const Ran systems = run(u"/usr/bin/redfishtool"_s, common + QStringList {u"Systems"_s});
        QVERIFY2(systems.finished && systems.exitCode == 0, qPrintable(describe(systems)));
        QCOMPARE(QJsonDocument::fromJson(systems.output).object()[u"Members@odata.count"_s].toInt(), 6);

        // With a session this time: login, the reset, logout.
        const Ran reset = run(u"/usr/bin/redfishtool"_s,
            common
                + QStringList {u"-A"_s, u"Session"_s, u"Systems"_s, u"-I"_s, u"s2-n3"_s, u"reset"_s,
                    u"GracefulRestart"_s});
        QVERIFY2(reset.finished && reset.exitCode == 0, qPrintable(describe(reset)));
        QVERIFY2(rebooted(u"s2-n3"_s), "s2-n3 did not reboot");

        // The login and logout are audited, like the reset itself.
        const auto audit = rack.call(u"audit"_s, {{u"last"_s, 100}});
        QVERIFY(audit && !audit->isError());
        QStringList seen;
        for (const QJsonValue &entry : audit->result.value(u"entries"_s).toArray()) {
            if (entry[u"token"_s].toString() == u"provisioning"
                && entry[u"source"_s].toString().endsWith(u"(redfish)"_s))
                seen.append(entry[u"request"_s].toString());
        }
        QVERIFY2(seen.contains(u"redfish.login"_s) && seen.contains(u"redfish.logout"_s),
            qPrintable(seen.join(u", "_s)));
        QVERIFY2(seen.count(u"exec"_s) >= 4, qPrintable(seen.join(u", "_s))); // reboots and the LED
        QVERIFY2(seen.contains(u"power"_s), qPrintable(seen.join(u", "_s))); // Ansible's PowerOn
    }
};

QTEST_GUILESS_MAIN(TestRedfishClients)
#include "tst_redfishclients.moc"
