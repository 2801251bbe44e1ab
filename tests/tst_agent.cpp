// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// Agents and rackd together, over real TLS on loopback: join, heartbeats, up and down.
#include "agent.h"
#include "rackdfixture.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

// A Pi's identity and metrics as files; each agent gets its own MAC.
bool makeNodeRoot(const QString &root, const QString &mac)
{
    const auto put = [&](const QString &relative, const QByteArray &content) {
        const QString path = QDir(root).filePath(relative);
        return QDir().mkpath(QFileInfo(path).absolutePath()) && writeFile(path, content);
    };
    return put(u"sys/class/net/eth0/address"_s, mac.toLatin1() + '\n')
        && put(u"proc/sys/kernel/hostname"_s, "raspberrypi\n") && put(u"etc/hostname"_s, "raspberrypi\n")
        && put(u"etc/hosts"_s,
            "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n\n127.0.1.1\t\traspberrypi\n")
        && put(u"proc/stat"_s, "cpu  100 0 100 800 0 0 0 0\n") && put(u"proc/uptime"_s, "42.5 80.0\n")
        && put(u"proc/meminfo"_s, "MemTotal: 1000 kB\nMemAvailable: 600 kB\n")
        && put(u"proc/device-tree/model"_s, QByteArray("Raspberry Pi 3 Model B Plus Rev 1.3\0", 36));
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

class TestAgent : public QObject
{
    Q_OBJECT

private:
    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;

    AgentConfig agentConfig(const QString &name, const QString &mac)
    {
        const QString root = m_fixture.path(name + u"/root"_s);
        makeNodeRoot(root, mac);
        AgentConfig config;
        config.sourceFile = m_fixture.path(name + u"/agent.conf"_s);
        config.credentialFile = m_fixture.path(name + u"/credential"_s);
        config.rootDirectory = root;
        config.heartbeatInterval = std::chrono::milliseconds(200);
        config.reconnectMaximum = std::chrono::milliseconds(1000);
        return config;
    }

    std::optional<Protocol::Reply> admin(const QString &method, const QJsonObject &params = {})
    {
        RackClient client;
        if (!connectClient(client, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready)
            return std::nullopt;
        return call(client, method, params);
    }

    QString newJoinString(int uses = 1)
    {
        const auto reply = admin(u"join.create"_s, {{u"ttl_s"_s, 600}, {u"uses"_s, uses}});
        return reply && !reply->isError() ? reply->result.value(u"join_string"_s).toString() : QString();
    }

    std::pair<int, QString> join(const AgentConfig &config, const QString &joinText)
    {
        QString error;
        const std::optional<JoinString> parsed = JoinString::parse(joinText, &error);
        if (!parsed)
            return {-1, error};
        AgentJoin joining(config);
        QSignalSpy finished(&joining, &AgentJoin::finished);
        joining.run(*parsed);
        if (!finished.wait(15000))
            return {-2, u"no answer"_s};
        return {finished.at(0).at(0).toInt(), finished.at(0).at(1).toString()};
    }

    // A hand-made agent connection with a joined node's credential, claiming to be `mac`.
    ConnectResult connectAsAgent(RackClient &client, const AgentConfig &config, const QString &mac)
    {
        QString error;
        const auto enrollment = Enrollment::load(config.credentialFile, &error);
        if (!enrollment)
            return {false, u"no enrollment"_s, error};
        RackClient::Options options {
            u"127.0.0.1"_s, m_daemon->port(), enrollment->credential, m_daemon->fingerprint(), u"test"_s};
        options.agentIdentity = {{u"mac"_s, mac}};
        return connectClient(client, options);
    }

    QJsonObject node(const QString &mac)
    {
        const auto reply = admin(u"nodes"_s);
        if (!reply || reply->isError())
            return {};
        for (const QJsonValue &value : reply->result.value(u"nodes"_s).toArray()) {
            if (value.toObject().value(u"mac"_s).toString() == mac)
                return value.toObject();
        }
        return {};
    }

private Q_SLOTS:
    void init()
    {
        QDir(m_fixture.path(u"state"_s)).removeRecursively();
        m_fixture.adminToken.clear();
        m_fixture.port = 0;
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
    }

    void cleanup() { m_daemon.reset(); }

    // A fresh Pi: the state folder does not exist until the service has run once.
    void joinMakesTheCredentialFolder()
    {
        AgentConfig config = agentConfig(u"fresh"_s, u"b8:27:eb:00:00:0f"_s);
        config.credentialFile = m_fixture.path(u"fresh/var/lib/pirack-agent/credential"_s);
        QVERIFY(!QFileInfo::exists(QFileInfo(config.credentialFile).absolutePath()));
        const auto [result, message] = join(config, newJoinString());
        QCOMPARE(result, int(AgentJoin::Joined));
        QVERIFY(QFile::exists(config.credentialFile));
        QCOMPARE(QFileInfo(QFileInfo(config.credentialFile).absolutePath()).permissions()
                & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                    | QFileDevice::WriteOther | QFileDevice::ExeGroup | QFileDevice::ExeOther),
            QFileDevice::Permissions());
    }

    // A folder that cannot be made: refused before rackd sees the secret, so the join can be repeated.
    void joinRefusedWhenTheCredentialCannotBeWritten()
    {
        AgentConfig config = agentConfig(u"blocked"_s, u"b8:27:eb:00:00:0e"_s);
        QVERIFY(writeFile(m_fixture.path(u"blocked/file"_s), "not a folder\n"));
        config.credentialFile = m_fixture.path(u"blocked/file/credential"_s);
        const QString joinString = newJoinString();
        const auto [result, message] = join(config, joinString);
        QCOMPARE(result, int(AgentJoin::Refused));
        QVERIFY2(message.contains(u"blocked/file: it is not a folder"_s), qPrintable(message));
        QVERIFY(node(u"b8:27:eb:00:00:0e"_s).isEmpty()); // rackd never heard of it
        config.credentialFile = m_fixture.path(u"blocked/credential"_s);
        QCOMPARE(join(config, joinString).first, int(AgentJoin::Joined)); // the secret was not spent
    }

    void joinThenHeartbeatsMakeTheNodeUp()
    {
        const AgentConfig config = agentConfig(u"pi1"_s, u"b8:27:eb:00:00:01"_s);
        const auto [result, message] = join(config, newJoinString());
        QCOMPARE(result, int(AgentJoin::Joined));
        QVERIFY2(message.contains(u"joined the rack at 127.0.0.1"_s), qPrintable(message));
        QFileInfo credential(config.credentialFile);
        QVERIFY(credential.exists());
        QCOMPARE(credential.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
            QFileDevice::Permissions());
        QString error;
        const auto enrollment = Enrollment::load(config.credentialFile, &error);
        QVERIFY2(enrollment, qPrintable(error));
        QCOMPARE(enrollment->fingerprint, m_daemon->fingerprint());

        QJsonObject joined = node(u"b8:27:eb:00:00:01"_s);
        QCOMPARE(joined.value(u"state"_s).toString(), u"unknown"_s); // joined, not connected yet
        QVERIFY(!joined.contains(u"stack"_s));
        QCOMPARE(joined.value(u"identity"_s).toObject().value(u"model"_s).toString(),
            u"Raspberry Pi 3 Model B Plus Rev 1.3"_s);

        Agent agent(config);
        QSignalSpy connected(&agent, &Agent::connected);
        QVERIFY2(agent.start(&error), qPrintable(error));
        QVERIFY(connected.wait(15000));
        QTRY_COMPARE_WITH_TIMEOUT(node(u"b8:27:eb:00:00:01"_s).value(u"state"_s).toString(), u"up"_s, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            node(u"b8:27:eb:00:00:01"_s).value(u"metrics"_s).toObject().value(u"uptime_s"_s).toDouble()
                == 42.5,
            10000);

        // Placed in stack 1: the stack counts it, and the stack state follows relay and nodes.
        const auto assigned
            = admin(u"node.assign"_s, {{u"mac"_s, u"b8:27:eb:00:00:01"_s}, {u"stack"_s, 1}, {u"slot"_s, 1}});
        QVERIFY(assigned && !assigned->isError());
        QCOMPARE(assigned->result.value(u"name"_s).toString(), u"s1-n1"_s);
        QVERIFY(admin(u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {1}}}));
        const auto status = admin(u"status"_s);
        const QJsonObject stack1 = status->result.value(u"stacks"_s).toArray().at(0).toObject();
        QCOMPARE(stack1.value(u"up"_s).toInt(), 1);
        QCOMPARE(stack1.value(u"state"_s).toString(), u"warning"_s); // 1 of its 2 Pis
        const QJsonObject stack2 = status->result.value(u"stacks"_s).toArray().at(1).toObject();
        QCOMPARE(stack2.value(u"state"_s).toString(), u"off"_s);
    }

    void joinRefusals()
    {
        const AgentConfig config = agentConfig(u"pi2"_s, u"b8:27:eb:00:00:02"_s);
        const QString good = newJoinString();
        QVERIFY(!good.isEmpty());

        // A join string with another fingerprint: the agent refuses rackd, and the secret is not spent.
        QString tampered = good;
        const QString fingerprintHex = m_daemon->fingerprint().mid(7);
        tampered.replace(fingerprintHex, QString(64, u'0'));
        auto [result, message] = join(config, tampered);
        QCOMPARE(result, int(AgentJoin::Untrusted));
        QVERIFY(!QFile::exists(config.credentialFile));

        std::tie(result, message) = join(config, good.left(good.lastIndexOf(u'/') + 1) + QString(43, u'x'));
        QCOMPARE(result, int(AgentJoin::Refused));
        QVERIFY2(message.contains(u"the join secret is not known"_s), qPrintable(message));

        std::tie(result, message) = join(config, good);
        QCOMPARE(result, int(AgentJoin::Joined));
        std::tie(result, message) = join(agentConfig(u"pi3"_s, u"b8:27:eb:00:00:03"_s), good);
        QCOMPARE(result, int(AgentJoin::Refused));
        QVERIFY2(message.contains(u"used up"_s), qPrintable(message));

        QString error;
        const auto expired = m_daemon->nodeManager()->joinSecrets()->create(
            std::chrono::seconds(60), 1, u"test"_s, QDateTime::currentDateTimeUtc().addSecs(-120), &error);
        QVERIFY(expired);
        const QString expiredJoin = good.left(good.lastIndexOf(u'/') + 1) + *expired;
        std::tie(result, message) = join(agentConfig(u"pi4"_s, u"b8:27:eb:00:00:04"_s), expiredJoin);
        QCOMPARE(result, int(AgentJoin::Refused));
        QVERIFY2(message.contains(u"expired"_s), qPrintable(message));
    }

    void downWhenTheAgentGoesAndWhenHeartbeatsStop()
    {
        const AgentConfig config = agentConfig(u"pi5"_s, u"b8:27:eb:00:00:05"_s);
        QCOMPARE(join(config, newJoinString()).first, int(AgentJoin::Joined));
        RackClient watcher;
        QVERIFY(
            connectClient(watcher, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        QVERIFY(call(watcher, u"subscribe"_s, {{u"events"_s, QJsonArray {u"node"_s}}}));
        QSignalSpy events(&watcher, &RackClient::eventReceived);
        {
            Agent agent(config);
            QString error;
            QVERIFY(agent.start(&error));
            QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty(), 10000);
            QCOMPARE(events.first().at(0).value<Protocol::Event>().name, u"node.up"_s);
            QTRY_VERIFY_WITH_TIMEOUT(
                events.last().at(0).value<Protocol::Event>().name == u"node.metrics", 10000);
        }
        // Heartbeats came as coalesced metrics events: at most one a second, each naming the nodes.
        QList<Protocol::Event> metrics;
        for (const QList<QVariant> &arguments : std::as_const(events)) {
            const auto event = arguments.at(0).value<Protocol::Event>();
            if (event.name == u"node.metrics")
                metrics.append(event);
        }
        QVERIFY(!metrics.isEmpty());
        QCOMPARE(metrics.first().data.value(u"nodes"_s).toArray().at(0).toObject().value(u"mac"_s).toString(),
            u"b8:27:eb:00:00:05"_s);
        QTRY_VERIFY_WITH_TIMEOUT(events.last().at(0).value<Protocol::Event>().name == u"node.down", 10000);
        QCOMPARE(node(u"b8:27:eb:00:00:05"_s).value(u"state"_s).toString(), u"down"_s);

        // Connected but silent: down after three missed heartbeats (3 x 0.2 s here).
        RackClient silent;
        QVERIFY(connectAsAgent(silent, config, u"b8:27:eb:00:00:05"_s).ready);
        QTRY_COMPARE_WITH_TIMEOUT(node(u"b8:27:eb:00:00:05"_s).value(u"state"_s).toString(), u"up"_s, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(node(u"b8:27:eb:00:00:05"_s).value(u"state"_s).toString(), u"down"_s, 5000);
    }

    void credentialIsBoundToItsMac()
    {
        const AgentConfig config = agentConfig(u"pi6"_s, u"b8:27:eb:00:00:06"_s);
        QCOMPARE(join(config, newJoinString()).first, int(AgentJoin::Joined));
        RackClient impostor;
        const ConnectResult result = connectAsAgent(impostor, config, u"b8:27:eb:99:99:99"_s);
        QVERIFY(!result.ready);
        QCOMPARE(result.code, u"unauthenticated"_s);
        QVERIFY(result.reason.contains(u"belongs to b8:27:eb:00:00:06"_s));
    }

    // An operator's commands on a node: only the arguments its agent.conf allows, and a few at a time.
    void commandsTakeOnlyDeclaredArgumentsAndAFewAtATime()
    {
        AgentConfig config = agentConfig(u"pi8"_s, u"b8:27:eb:00:00:08"_s);
        config.commands.insert(
            u"show"_s, {u"show"_s, {u"/bin/cat"_s, u"--"_s}, std::chrono::milliseconds(5000)});
        config.commands.insert(
            u"nap"_s, {u"nap"_s, {u"/bin/sleep"_s, u"5"_s}, std::chrono::milliseconds(10000)});
        QCOMPARE(join(config, newJoinString()).first, int(AgentJoin::Joined));
        Agent agent(config);
        QSignalSpy connected(&agent, &Agent::connected);
        QString error;
        QVERIFY(agent.start(&error));
        QVERIFY(connected.wait(10000));
        RackClient operatorClient;
        QVERIFY(connectClient(operatorClient, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint())
                    .ready);
        const QJsonArray target {u"b8:27:eb:00:00:08"_s};
        const auto readCredential = call(operatorClient, u"exec"_s,
            {{u"action"_s, u"run"_s}, {u"command"_s, u"show"_s},
                {u"args"_s, QJsonArray {config.credentialFile}}, {u"targets"_s, target}});
        QVERIFY(readCredential && !readCredential->isError());
        const QJsonObject refused = readCredential->result.value(u"results"_s).toArray().at(0).toObject();
        QCOMPARE(refused.value(u"outcome"_s).toString(), u"failed"_s);
        QVERIFY2(refused.value(u"error"_s).toString().contains(u"takes no arguments"_s),
            qPrintable(QString::fromUtf8(QJsonDocument(refused).toJson())));

        // Nine at once: eight run, the ninth is refused at once with a reason.
        int answered = 0;
        QStringList errors;
        for (int i = 0; i < Agent::MaximumConcurrentCommands + 1; ++i)
            operatorClient.request(u"exec"_s,
                {{u"action"_s, u"run"_s}, {u"command"_s, u"nap"_s}, {u"targets"_s, target},
                    {u"timeout_s"_s, 30}},
                [&](const Protocol::Reply &reply) {
                    ++answered;
                    const QJsonObject result = reply.result.value(u"results"_s).toArray().at(0).toObject();
                    if (result.value(u"outcome"_s).toString() != u"ok")
                        errors.append(result.value(u"error"_s).toString());
                });
        QTRY_COMPARE_WITH_TIMEOUT(answered, 1, 5000);
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.at(0).contains(u"8 commands are running"_s), qPrintable(errors.at(0)));
        QTRY_COMPARE_WITH_TIMEOUT(answered, Agent::MaximumConcurrentCommands + 1, 20000);
        QCOMPARE(errors.size(), 1);
    }

    /// A placed node's Pi takes its name, and a new one when renamed; an agent told not to keeps its own.
    void aPlacedNodeTakesItsName()
    {
        const QString mac = u"b8:27:eb:00:00:07"_s;
        const AgentConfig config = agentConfig(u"pi7"_s, mac);
        QCOMPARE(join(config, newJoinString()).first, int(AgentJoin::Joined));
        Agent agent(config);
        QSignalSpy connected(&agent, &Agent::connected);
        QString error;
        QVERIFY2(agent.start(&error), qPrintable(error));
        QVERIFY(connected.wait(15000));
        QTRY_COMPARE_WITH_TIMEOUT(node(mac).value(u"state"_s).toString(), u"up"_s, 10000);
        const QString root = config.rootDirectory;
        const auto file = [&root](const QString &relative) {
            QFile content(QDir(root).filePath(relative));
            return content.open(QIODevice::ReadOnly) ? QString::fromUtf8(content.readAll()) : QString();
        };
        QCOMPARE(file(u"etc/hostname"_s), u"raspberrypi\n"_s); // not placed: nothing to take

        QVERIFY(!admin(u"node.assign"_s, {{u"mac"_s, mac}, {u"stack"_s, 2}, {u"slot"_s, 1}})->isError());
        QTRY_COMPARE_WITH_TIMEOUT(file(u"proc/sys/kernel/hostname"_s), u"s2-n1\n"_s, 10000);
        QCOMPARE(file(u"etc/hostname"_s), u"s2-n1\n"_s);
        QVERIFY2(file(u"etc/hosts"_s).endsWith(u"\n127.0.1.1\ts2-n1\n"_s), qPrintable(file(u"etc/hosts"_s)));
        QVERIFY(file(u"etc/hosts"_s).startsWith(u"127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost"_s));

        QVERIFY(!admin(u"node.rename"_s, {{u"mac"_s, mac}, {u"name"_s, u"head"_s}})->isError());
        QTRY_COMPARE_WITH_TIMEOUT(file(u"etc/hostname"_s), u"head\n"_s, 10000);
        QCOMPARE(file(u"proc/sys/kernel/hostname"_s), u"head\n"_s);
        // Clients cannot give a node a name of their own choosing: only rackd's naming sends the action.
        const auto direct = admin(u"exec"_s,
            {{u"action"_s, u"set-hostname"_s}, {u"name"_s, u"evil"_s}, {u"targets"_s, QJsonArray {mac}}});
        QVERIFY(direct && direct->isError());
        QCOMPARE(direct->error->code, u"bad_request"_s);

        // Asked again: nothing to change.
        const auto ask = [this](const QString &target, const QString &name) {
            QList<NodeManager::ActionResult> results;
            m_daemon->nodeManager()->fanOut({{u"action"_s, u"set-hostname"_s}, {u"name"_s, name}}, {target},
                std::chrono::milliseconds(10000), {},
                [&results](const QList<NodeManager::ActionResult> &all) { results = all; });
            if (!QTest::qWaitFor([&results] { return !results.isEmpty(); }, 15000))
                qWarning() << "no answer to set-hostname within 15 s";
            return results.value(0); // an empty outcome when no answer came
        };
        NodeManager::ActionResult again = ask(mac, u"head"_s);
        QCOMPARE(again.outcome, u"ok"_s);
        QCOMPARE(again.result.value(u"changed"_s).toBool(), false);
        const NodeManager::ActionResult refused = ask(mac, u"Not_A_Name"_s);
        QCOMPARE(refused.outcome, u"failed"_s);
        QCOMPARE(file(u"etc/hostname"_s), u"head\n"_s);

        // set_hostname = no: the agent answers, and changes nothing.
        AgentConfig keeps = agentConfig(u"pi8"_s, u"b8:27:eb:00:00:08"_s);
        keeps.setHostname = false;
        QCOMPARE(join(keeps, newJoinString()).first, int(AgentJoin::Joined));
        Agent other(keeps);
        QSignalSpy otherConnected(&other, &Agent::connected);
        QVERIFY2(other.start(&error), qPrintable(error));
        QVERIFY(otherConnected.wait(15000));
        QTRY_COMPARE_WITH_TIMEOUT(node(u"b8:27:eb:00:00:08"_s).value(u"state"_s).toString(), u"up"_s, 10000);
        const NodeManager::ActionResult skipped = ask(u"b8:27:eb:00:00:08"_s, u"s2-n2"_s);
        QCOMPARE(skipped.outcome, u"ok"_s);
        QVERIFY(skipped.result.value(u"skipped"_s).toString().startsWith(u"set_hostname = no"_s));
        QFile kept(QDir(keeps.rootDirectory).filePath(u"etc/hostname"_s));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("raspberrypi\n"));
    }

    void agentsFindARestartedRackdAndNothingIsLost()
    {
        m_daemon.reset();
        m_fixture.port = freePort();
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
        const AgentConfig config = agentConfig(u"pi7"_s, u"b8:27:eb:00:00:07"_s);
        QCOMPARE(join(config, newJoinString()).first, int(AgentJoin::Joined));
        QVERIFY(
            admin(u"node.assign"_s, {{u"mac"_s, u"b8:27:eb:00:00:07"_s}, {u"stack"_s, 2}, {u"slot"_s, 2}}));
        Agent agent(config);
        QSignalSpy connected(&agent, &Agent::connected);
        QVERIFY(agent.start(&error));
        QVERIFY(connected.wait(10000));

        m_daemon.reset(); // rackd stops ...
        m_daemon = m_fixture.start(&error); // ... and comes back on the same port
        QVERIFY2(m_daemon, qPrintable(error));
        QVERIFY2(connected.wait(15000), "the agent did not reconnect");
        QTRY_COMPARE_WITH_TIMEOUT(node(u"b8:27:eb:00:00:07"_s).value(u"state"_s).toString(), u"up"_s, 10000);
        const QJsonObject kept = node(u"b8:27:eb:00:00:07"_s);
        QCOMPARE(kept.value(u"name"_s).toString(), u"s2-n2"_s);
        QCOMPARE(kept.value(u"stack"_s).toInt(), 2);
    }
};

QTEST_GUILESS_MAIN(TestAgent)
#include "tst_agent.moc"
