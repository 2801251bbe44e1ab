// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// rackd's Redfish service over its HTTPS listener: a real rackd and real agents in this process,
// a real HTTP client. The resources, who may do what, sessions, the LED, resets on shared power,
// the 202 of a slow action, and the error answer of every kind of bad request.
#include "agent.h"
#include "agenttesthelpers.h"
#include "httpsfetch.h"
#include "nodemanager.h"
#include "powercontroller.h"
#include "rackdfixture.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

QString macFor(int index) { return u"b8:27:eb:00:10:%1"_s.arg(index, 2, 10, QLatin1Char('0')); }

QByteArray basic(const QString &user, const QString &password)
{
    return "Basic " + (user + u':' + password).toUtf8().toBase64();
}

QString messageIdOf(const HttpsFetched &fetched) { return fetched.json()[u"error"_s][u"code"_s].toString(); }

QString messageOf(const HttpsFetched &fetched)
{
    return fetched.json()[u"error"_s][u"@Message.ExtendedInfo"_s][0][u"Message"_s].toString();
}

} // namespace

class TestRedfishApi : public QObject
{
    Q_OBJECT

    /// The Pis: two in stack 1, one in stack 2.
    struct Pi
    {
        int stack;
        int slot;
        QString name;
    };
    const QList<Pi> m_pis {{1, 1, u"s1-n1"_s}, {1, 2, u"s1-n2"_s}, {2, 1, u"s2-n1"_s}};

    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;
    std::vector<std::unique_ptr<Agent>> m_agents;
    QNetworkAccessManager m_network;
    QString m_operatorToken;
    QString m_viewerToken;

    QString nodeRoot(int index) const { return m_fixture.path(u"node%1"_s.arg(index)); }

    AgentConfig configFor(int index) const
    {
        AgentConfig config = nodeAgentConfig(nodeRoot(index), macFor(index));
        config.heartbeatInterval = std::chrono::milliseconds(150); // rackd's heartbeat_interval is 0.2 s here
        config.setHostname = false;
        // Never the real thing on the test machine.
        config.rebootCommand = {u"/bin/true"_s};
        config.shutdownCommand = {u"/bin/true"_s};
        return config;
    }

    std::optional<Protocol::Reply> callAsAdmin(const QString &method, const QJsonObject &params)
    {
        std::optional<Protocol::Reply> answer;
        const Caller admin {TokenInfo {u"admin"_s, Role::Admin, {}, {}}, u"test"_s};
        m_daemon->service()->handle(
            admin, {1, method, params}, [](const Protocol::Event &) {},
            [&answer](const Protocol::Reply &reply) { answer = reply; });
        if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 30000))
            qWarning() << method << "had no answer in 30 s";
        return answer;
    }

    QString createToken(const QString &name, const QString &role)
    {
        const auto reply = callAsAdmin(u"token.create"_s, {{u"name"_s, name}, {u"role"_s, role}});
        return reply && !reply->isError() ? reply->result.value(u"token"_s).toString() : QString();
    }

    void startRack(const QByteArray &extraConfig = {})
    {
        QVERIFY(m_fixture.chooseFreeHttpPort());
        m_fixture.extraConfig = extraConfig;
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
        m_operatorToken = createToken(u"ops"_s, u"operator"_s);
        m_viewerToken = createToken(u"watcher"_s, u"viewer"_s);
        QVERIFY(!m_operatorToken.isEmpty() && !m_viewerToken.isEmpty());

        const auto secret = m_daemon->nodeManager()->joinSecrets()->create(
            std::chrono::seconds(600), int(m_pis.size()), u"test"_s, QDateTime::currentDateTimeUtc(), &error);
        QVERIFY2(secret, qPrintable(error));
        const JoinString join {u"127.0.0.1"_s, m_daemon->port(), m_daemon->fingerprint(), *secret};
        for (int index = 0; index < int(m_pis.size()); ++index) {
            QVERIFY(QDir().mkpath(nodeRoot(index) + u"/sys/class/leds/ACT"_s));
            QVERIFY(writeFile(nodeRoot(index) + u"/sys/class/leds/ACT/trigger"_s, "none [mmc0] timer\n"));
            AgentJoin joining(configFor(index));
            QSignalSpy joined(&joining, &AgentJoin::finished);
            joining.run(join);
            QVERIFY(joined.wait(15000));
            QCOMPARE(joined.at(0).at(0).toInt(), int(AgentJoin::Joined));
            Protocol::Error placing;
            QVERIFY2(m_daemon->nodeManager()->inventory()->assign(macFor(index), m_pis[index].stack,
                         m_pis[index].slot, m_daemon->structure(), &placing),
                qPrintable(placing.message));
            auto agent = std::make_unique<Agent>(configFor(index));
            QVERIFY2(agent->start(&error), qPrintable(error));
            m_agents.push_back(std::move(agent));
        }
        QVERIFY2(QTest::qWaitFor(
                     [this] {
                         for (int index = 0; index < int(m_pis.size()); ++index) {
                             if (m_daemon->nodeManager()->state(macFor(index)) != NodeManager::State::Up)
                                 return false;
                         }
                         return true;
                     },
                     30000),
            "the agents did not come up");
        const auto powered = callAsAdmin(
            u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {1, 2}}, {u"staggered"_s, false}});
        QVERIFY(powered && !powered->isError());
    }

    HttpsFetched fetch(const QByteArray &method, const QString &path, const Headers &headers = {},
        const QByteArray &body = {})
    {
        return httpsFetch(m_network, m_daemon->httpPort(), method, path, headers, body);
    }
    HttpsFetched asAdmin(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        return fetch(method, path, {{"Authorization", basic(u"pirack"_s, m_fixture.adminToken)}}, body);
    }
    HttpsFetched asOperator(
        const QByteArray &method, const QString &path, const QByteArray &body = {}, const Headers &more = {})
    {
        return fetch(
            method, path, Headers {{"Authorization", basic(u"ops"_s, m_operatorToken)}} + more, body);
    }
    QByteArray ledTrigger(int index) const
    {
        QFile file(nodeRoot(index) + u"/sys/class/leds/ACT/trigger"_s);
        return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed() : QByteArray();
    }

private Q_SLOTS:
    void init() { QVERIFY(m_fixture.dir.isValid()); }
    void cleanup()
    {
        m_agents.clear();
        m_daemon.reset();
        m_fixture.forgetState();
        for (int index = 0; index < int(m_pis.size()); ++index)
            QDir(nodeRoot(index)).removeRecursively();
    }

    void theServiceRootIsOpenAndLeadsEverywhere()
    {
        startRack();
        const HttpsFetched versions = fetch("GET", u"/redfish"_s);
        QCOMPARE(versions.status, 200);
        QCOMPARE(versions.json()[u"v1"_s].toString(), u"/redfish/v1/"_s);
        const HttpsFetched root = fetch("GET", u"/redfish/v1/"_s);
        QCOMPARE(root.status, 200);
        QCOMPARE(root.headers.value("odata-version"), QByteArray("4.0"));
        // The first connection's certificate (the client keeps the connection for the rest).
        QCOMPARE(versions.fingerprint, m_daemon->fingerprint());
        const QJsonObject service = root.json();
        QCOMPARE(service[u"@odata.type"_s].toString(), u"#ServiceRoot.v1_15_0.ServiceRoot"_s);
        QCOMPARE(service[u"Systems"_s][u"@odata.id"_s].toString(), u"/redfish/v1/Systems"_s);
        QCOMPARE(service[u"Links"_s][u"Sessions"_s][u"@odata.id"_s].toString(),
            u"/redfish/v1/SessionService/Sessions"_s);
        QVERIFY(!QUuid(service[u"UUID"_s].toString()).isNull());
        QCOMPARE(fetch("GET", u"/redfish/v1"_s).json(), service);

        const HttpsFetched metadata = fetch("GET", u"/redfish/v1/$metadata"_s);
        QCOMPARE(metadata.status, 200);
        QVERIFY(metadata.headers.value("content-type").startsWith("application/xml"));
        QVERIFY(metadata.body.contains("<edmx:Include Namespace=\"ComputerSystem.v1_20_0\"/>"));
        const HttpsFetched odata = fetch("GET", u"/redfish/v1/odata"_s);
        QCOMPARE(odata.json()[u"value"_s].toArray().size(), 6);

        const HttpsFetched head = fetch("HEAD", u"/redfish/v1"_s);
        QCOMPARE(head.status, 200);
        QVERIFY(head.body.isEmpty());
        QCOMPARE(head.headers.value("content-length"), QByteArray::number(root.body.size()));

        // Query options are not supported, and say so rather than being ignored.
        const HttpsFetched expanded = fetch("GET", u"/redfish/v1?$expand=.($levels=1)"_s);
        QCOMPARE(expanded.status, 501);
        QCOMPARE(messageIdOf(expanded), u"Base.1.22.QueryNotSupported"_s);
    }

    void everythingElseWantsCredentials()
    {
        startRack();
        const HttpsFetched none = fetch("GET", u"/redfish/v1/Systems"_s);
        QCOMPARE(none.status, 401);
        QVERIFY(none.headers.value("www-authenticate").startsWith("Basic realm=\"pirack\""));
        QCOMPARE(messageIdOf(none), u"Base.1.22.NoValidSession"_s);
        // An unknown path is no different: nothing is told before the caller is known.
        QCOMPARE(fetch("GET", u"/redfish/v1/Nowhere"_s).status, 401);

        const QByteArray wrong = basic(u"pirack"_s, u"not-a-token"_s);
        QCOMPARE(fetch("GET", u"/redfish/v1/Systems"_s, {{"Authorization", wrong}}).status, 401);
        QCOMPARE(fetch("GET", u"/redfish/v1/Systems"_s, {{"Authorization", "Basic !!!"}}).status, 401);
        // The user is "pirack" or the token's own name, nobody else's.
        QCOMPARE(
            fetch("GET", u"/redfish/v1/Systems"_s, {{"Authorization", basic(u"watcher"_s, m_operatorToken)}})
                .status,
            401);
        QCOMPARE(fetch("GET", u"/redfish/v1/Systems"_s, {{"Authorization", basic(u"ops"_s, m_operatorToken)}})
                     .status,
            200);
        QCOMPARE(
            fetch("GET", u"/redfish/v1/Systems"_s, {{"Authorization", basic(u"pirack"_s, m_viewerToken)}})
                .status,
            200);
        QCOMPARE(
            fetch("GET", u"/redfish/v1/Systems"_s, {{"Authorization", "Bearer " + m_viewerToken.toUtf8()}})
                .status,
            200);
        QCOMPARE(
            fetch("GET", u"/redfish/v1/Nowhere"_s, {{"Authorization", "Bearer " + m_viewerToken.toUtf8()}})
                .status,
            404);
    }

    void theRackAsSystemsAndChassis()
    {
        startRack();
        const QJsonObject systems = asAdmin("GET", u"/redfish/v1/Systems"_s).json();
        QCOMPARE(systems[u"Members@odata.count"_s].toInt(), 3);
        QStringList members;
        for (const QJsonValue &member : systems[u"Members"_s].toArray())
            members.append(member[u"@odata.id"_s].toString());
        QCOMPARE(members,
            QStringList({u"/redfish/v1/Systems/s1-n1"_s, u"/redfish/v1/Systems/s1-n2"_s,
                u"/redfish/v1/Systems/s2-n1"_s}));

        const HttpsFetched fetched = asAdmin("GET", u"/redfish/v1/Systems/s1-n2"_s);
        QCOMPARE(fetched.status, 200);
        QVERIFY(fetched.headers.value("etag").startsWith("W/\""));
        QCOMPARE(fetched.headers.value("allow"), QByteArray("GET, HEAD, PATCH"));
        const QJsonObject system = fetched.json();
        QCOMPARE(system[u"Id"_s].toString(), u"s1-n2"_s);
        QCOMPARE(system[u"PowerState"_s].toString(), u"On"_s);
        QCOMPARE(system[u"Status"_s][u"State"_s].toString(), u"Enabled"_s);
        QCOMPARE(system[u"Status"_s][u"Health"_s].toString(), u"OK"_s);
        QCOMPARE(system[u"LocationIndicatorActive"_s].toBool(true), false);
        QCOMPARE(
            system[u"Links"_s][u"Chassis"_s][0][u"@odata.id"_s].toString(), u"/redfish/v1/Chassis/Stack1"_s);
        QCOMPARE(system[u"Actions"_s][u"#ComputerSystem.Reset"_s][u"target"_s].toString(),
            u"/redfish/v1/Systems/s1-n2/Actions/ComputerSystem.Reset"_s);
        QCOMPARE(system[u"Actions"_s][u"#ComputerSystem.Reset"_s][u"ResetType@Redfish.AllowableValues"_s]
                     .toArray()
                     .size(),
            6);
        QCOMPARE(system[u"Oem"_s][u"PiRack"_s][u"MACAddress"_s].toString(), macFor(1));
        QVERIFY(system.contains(u"Boot"_s));

        const QJsonObject chassis = asAdmin("GET", u"/redfish/v1/Chassis"_s).json();
        QCOMPARE(chassis[u"Members@odata.count"_s].toInt(), 4); // the rack and its 3 stacks
        const QJsonObject stack1 = asAdmin("GET", u"/redfish/v1/Chassis/Stack1"_s).json();
        QCOMPARE(stack1[u"PowerState"_s].toString(), u"On"_s);
        QCOMPARE(stack1[u"Links"_s][u"ComputerSystems"_s].toArray().size(), 2);
        QCOMPARE(
            stack1[u"Location"_s][u"PartLocation"_s][u"ServiceLabel"_s].toString(), u"row 1, column 1"_s);
        QCOMPARE(stack1[u"Status"_s][u"Health"_s].toString(), u"OK"_s);
        const QJsonObject stack3 = asAdmin("GET", u"/redfish/v1/Chassis/Stack3"_s).json();
        QCOMPARE(stack3[u"PowerState"_s].toString(), u"Off"_s);
        QCOMPARE(stack3[u"Links"_s][u"ComputerSystems"_s].toArray().size(), 0);
        const QJsonObject rack = asAdmin("GET", u"/redfish/v1/Chassis/Rack"_s).json();
        QCOMPARE(rack[u"ChassisType"_s].toString(), u"Rack"_s);
        QCOMPARE(rack[u"Links"_s][u"Contains"_s].toArray().size(), 3);

        const QJsonObject manager = asAdmin("GET", u"/redfish/v1/Managers/rackd"_s).json();
        QCOMPARE(manager[u"FirmwareVersion"_s].toString(), QStringLiteral(PIRACK_VERSION_STRING));
        QCOMPARE(manager[u"Oem"_s][u"PiRack"_s][u"RelayBackend"_s].toString(), u"simulated"_s);
        const QDateTime clock = QDateTime::fromString(manager[u"DateTime"_s].toString(), Qt::ISODate);
        QVERIFY(qAbs(clock.secsTo(QDateTime::currentDateTime())) < 60);

        // Under-voltage and throttling now, as the Pi's firmware reports them: its health is Warning.
        const QString firmware = nodeRoot(2) + u"/sys/devices/platform/soc/soc:firmware"_s;
        QVERIFY(QDir().mkpath(firmware));
        QVERIFY(writeFile(firmware + u"/get_throttled"_s, "0x50005\n"));
        QJsonObject warned;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         warned = asAdmin("GET", u"/redfish/v1/Systems/s2-n1"_s).json();
                         return warned[u"Status"_s][u"Health"_s].toString() == u"Warning";
                     },
                     10000),
            QJsonDocument(warned).toJson().constData());
        QCOMPARE(warned[u"Status"_s][u"State"_s].toString(), u"Enabled"_s);
        QCOMPARE(asAdmin("GET", u"/redfish/v1/Systems/s1-n1"_s).json()[u"Status"_s][u"Health"_s].toString(),
            u"OK"_s);

        // Stack 1 off: its Pis are off, whatever their agents say.
        const auto off = callAsAdmin(u"power"_s, {{u"action"_s, u"off"_s}, {u"stacks"_s, QJsonArray {1}}});
        QVERIFY(off && !off->isError());
        const QJsonObject offSystem = asAdmin("GET", u"/redfish/v1/Systems/s1-n1"_s).json();
        QCOMPARE(offSystem[u"PowerState"_s].toString(), u"Off"_s);
        QCOMPARE(offSystem[u"Status"_s][u"State"_s].toString(), u"StandbyOffline"_s);
    }

    void sessionsLogInAndOut()
    {
        startRack();
        const QByteArray login
            = QJsonDocument(QJsonObject {{u"UserName"_s, u"ops"_s}, {u"Password"_s, m_operatorToken}})
                  .toJson(QJsonDocument::Compact);
        const HttpsFetched created = fetch("POST", u"/redfish/v1/SessionService/Sessions"_s, {}, login);
        QCOMPARE(created.status, 201);
        const QByteArray token = created.headers.value("x-auth-token");
        QCOMPARE(token.size(), 43);
        const QString location = QString::fromLatin1(created.headers.value("location"));
        QVERIFY(location.startsWith(u"/redfish/v1/SessionService/Sessions/"_s));
        QCOMPARE(created.json()[u"Id"_s].toString(), location.section(u'/', -1));
        QCOMPARE(created.json()[u"UserName"_s].toString(), u"ops"_s);

        QCOMPARE(fetch("GET", u"/redfish/v1/Systems"_s, {{"X-Auth-Token", token}}).status, 200);
        QCOMPARE(fetch("GET", location, {{"X-Auth-Token", token}}).status, 200);
        const QJsonObject listed
            = fetch("GET", u"/redfish/v1/SessionService/Sessions"_s, {{"X-Auth-Token", token}}).json();
        QCOMPARE(listed[u"Members@odata.count"_s].toInt(), 1);
        // Another token's session is not there for a viewer; an admin sees it.
        QCOMPARE(fetch("GET", location, {{"Authorization", "Bearer " + m_viewerToken.toUtf8()}}).status, 404);
        QCOMPARE(asAdmin("GET", location).status, 200);
        QCOMPARE(asAdmin("GET", u"/redfish/v1/SessionService"_s).json()[u"SessionTimeout"_s].toInt(), 1800);

        QCOMPARE(fetch("DELETE", location, {{"X-Auth-Token", token}}).status, 204);
        QCOMPARE(fetch("GET", u"/redfish/v1/Systems"_s, {{"X-Auth-Token", token}}).status, 401);

        // Wrong password, unknown user, malformed logins.
        const auto loginWith = [this](const QJsonObject &body) {
            return fetch("POST", u"/redfish/v1/SessionService/Sessions"_s, {},
                QJsonDocument(body).toJson(QJsonDocument::Compact));
        };
        const HttpsFetched wrongLogin = loginWith({{u"UserName"_s, u"ops"_s}, {u"Password"_s, u"nope"_s}});
        QCOMPARE(wrongLogin.status, 401);
        QVERIFY(wrongLogin.headers.value("www-authenticate").startsWith("Basic"));
        QCOMPARE(loginWith({{u"UserName"_s, u"someone"_s}, {u"Password"_s, m_operatorToken}}).status, 401);
        QCOMPARE(messageIdOf(loginWith({{u"UserName"_s, u"ops"_s}})), u"Base.1.22.PropertyMissing"_s);
        QCOMPARE(messageIdOf(loginWith({{u"UserName"_s, 7}, {u"Password"_s, m_operatorToken}})),
            u"Base.1.22.PropertyValueTypeError"_s);

        // Logins and logouts are in the audit log, with where they came from.
        const auto audit = callAsAdmin(u"audit"_s, {{u"last"_s, 50}});
        QVERIFY(audit && !audit->isError());
        QStringList seen;
        for (const QJsonValue &entry : audit->result.value(u"entries"_s).toArray()) {
            if (entry[u"request"_s].toString().startsWith(u"redfish."_s))
                seen.append(entry[u"request"_s].toString() + u' ' + entry[u"token"_s].toString() + u' '
                    + entry[u"source"_s].toString());
        }
        QCOMPARE(seen,
            QStringList(
                {u"redfish.login ops 127.0.0.1 (redfish)"_s, u"redfish.logout ops 127.0.0.1 (redfish)"_s}));
    }

    void aRevokedTokenEndsItsSessions()
    {
        startRack();
        const HttpsFetched created = fetch("POST", u"/redfish/v1/SessionService/Sessions"_s, {},
            QJsonDocument(QJsonObject {{u"UserName"_s, u"pirack"_s}, {u"Password"_s, m_viewerToken}})
                .toJson(QJsonDocument::Compact));
        QCOMPARE(created.status, 201);
        const QByteArray token = created.headers.value("x-auth-token");
        QCOMPARE(fetch("GET", u"/redfish/v1/Chassis"_s, {{"X-Auth-Token", token}}).status, 200);
        const auto revoked = callAsAdmin(u"token.revoke"_s, {{u"name"_s, u"watcher"_s}});
        QVERIFY(revoked && !revoked->isError());
        QCOMPARE(fetch("GET", u"/redfish/v1/Chassis"_s, {{"X-Auth-Token", token}}).status, 401);
    }

    void theLedBlinksThroughLocationIndicatorActive()
    {
        startRack();
        const QString path = u"/redfish/v1/Systems/s1-n2"_s;
        const QByteArray on = R"({"LocationIndicatorActive": true})";
        // A viewer may look, not blink.
        const HttpsFetched refused
            = fetch("PATCH", path, {{"Authorization", basic(u"watcher"_s, m_viewerToken)}}, on);
        QCOMPARE(refused.status, 403);
        QCOMPARE(messageIdOf(refused), u"Base.1.22.InsufficientPrivilege"_s);
        // A stale ETag is refused; the current one is taken.
        QCOMPARE(asOperator("PATCH", path, on, {{"If-Match", "W/\"0000000000000000\""}}).status, 412);
        const QByteArray etag = asOperator("GET", path).headers.value("etag");
        // A list, and the tag without W/ and quotes (Ansible's strip_etag_quotes), match too.
        const QByteArray bare = etag.mid(3).chopped(1);
        const HttpsFetched patched
            = asOperator("PATCH", path, on, {{"If-Match", "\"0000000000000000\", " + bare}});
        QCOMPARE(patched.status, 200);
        QVERIFY(!patched.headers.value("etag").isEmpty());
        QVERIFY(patched.headers.value("etag") != etag);
        QCOMPARE(patched.json()[u"LocationIndicatorActive"_s].toBool(), true);
        QCOMPARE(patched.json()[u"IndicatorLED"_s].toString(), u"Blinking"_s);
        QCOMPARE(ledTrigger(1), QByteArray("timer"));
        QCOMPARE(ledTrigger(0), QByteArray("none [mmc0] timer"));
        QCOMPARE(
            asOperator("GET", u"/redfish/v1/Chassis/Stack1"_s).json()[u"LocationIndicatorActive"_s].toBool(),
            true);

        // IndicatorLED Off (as Ansible's IndicatorLedOff sends it) gives the LED back.
        const HttpsFetched off = asOperator("PATCH", path, R"({"IndicatorLED": "Off"})");
        QCOMPARE(off.status, 200);
        QCOMPARE(off.json()[u"LocationIndicatorActive"_s].toBool(true), false);
        QVERIFY2(
            QTest::qWaitFor([this] { return ledTrigger(1) == "mmc0"; }, 10000), ledTrigger(1).constData());

        // The stack's chassis blinks all its running Pis.
        QCOMPARE(
            asOperator("PATCH", u"/redfish/v1/Chassis/Stack1"_s, R"({"IndicatorLED": "Blinking"})").status,
            200);
        QCOMPARE(ledTrigger(0), QByteArray("timer"));
        QCOMPARE(ledTrigger(1), QByteArray("timer"));
        QCOMPARE(ledTrigger(2), QByteArray("none [mmc0] timer"));
        // Identify is audited like every node action.
        const auto audit = callAsAdmin(u"audit"_s, {{u"last"_s, 20}});
        QVERIFY(audit && !audit->isError());
        int identified = 0;
        for (const QJsonValue &entry : audit->result.value(u"entries"_s).toArray()) {
            if (entry[u"request"_s].toString() == u"exec" && entry[u"token"_s].toString() == u"ops"
                && entry[u"source"_s].toString() == u"127.0.0.1 (redfish)")
                ++identified;
        }
        QCOMPARE(identified, 3);
    }

    void badRequestsGetTheirStatusAndARedfishError_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("messageId");
        const QString system = u"/redfish/v1/Systems/s1-n1"_s;
        const QString reset = system + u"/Actions/ComputerSystem.Reset"_s;
        QTest::newRow("malformed JSON")
            << QByteArray("PATCH") << system << QByteArray("{\"LocationIndicatorActive\":") << 400
            << u"MalformedJSON"_s;
        QTest::newRow("not an object")
            << QByteArray("PATCH") << system << QByteArray("[true]") << 400 << u"MalformedJSON"_s;
        QTest::newRow("unknown property")
            << QByteArray("PATCH") << system << QByteArray(R"({"Colour": "red"})") << 400
            << u"PropertyUnknown"_s;
        QTest::newRow("read-only property")
            << QByteArray("PATCH") << system << QByteArray(R"({"PowerState": "Off"})") << 400
            << u"PropertyNotWritable"_s;
        QTest::newRow("wrong type") << QByteArray("PATCH") << system
                                    << QByteArray(R"({"LocationIndicatorActive": "yes"})") << 400
                                    << u"PropertyValueTypeError"_s;
        QTest::newRow("value not offered")
            << QByteArray("PATCH") << system << QByteArray(R"({"IndicatorLED": "Lit"})") << 400
            << u"PropertyValueNotInList"_s;
        QTest::newRow("empty patch") << QByteArray("PATCH") << system << QByteArray("{}") << 400
                                     << u"GeneralError"_s;
        QTest::newRow("reset without ResetType")
            << QByteArray("POST") << reset << QByteArray("{}") << 400 << u"ActionParameterMissing"_s;
        QTest::newRow("reset type not offered")
            << QByteArray("POST") << reset << QByteArray(R"({"ResetType": "Nmi"})") << 400
            << u"ActionParameterValueNotInList"_s;
        QTest::newRow("reset type of the wrong type")
            << QByteArray("POST") << reset << QByteArray(R"({"ResetType": 1})") << 400
            << u"ActionParameterValueTypeError"_s;
        QTest::newRow("unknown action parameter")
            << QByteArray("POST") << reset << QByteArray(R"({"ResetType": "On", "When": "now"})") << 400
            << u"ActionParameterUnknown"_s;
        QTest::newRow("unknown system") << QByteArray("GET") << u"/redfish/v1/Systems/s9-n9"_s << QByteArray()
                                        << 404 << u"ResourceNotFound"_s;
        QTest::newRow("unknown stack action")
            << QByteArray("POST") << u"/redfish/v1/Chassis/Stack9/Actions/Chassis.Reset"_s
            << QByteArray(R"({"ResetType": "On"})") << 404 << u"ResourceNotFound"_s;
        QTest::newRow("delete a system")
            << QByteArray("DELETE") << system << QByteArray() << 405 << u"OperationNotAllowed"_s;
        QTest::newRow("post to the root")
            << QByteArray("POST") << u"/redfish/v1"_s << QByteArray("{}") << 405 << u"OperationNotAllowed"_s;
        QTest::newRow("get an action")
            << QByteArray("GET") << reset << QByteArray() << 405 << u"OperationNotAllowed"_s;
        QTest::newRow("patch the accounts")
            << QByteArray("PATCH") << u"/redfish/v1/AccountService/Accounts/ops"_s
            << QByteArray(R"({"Enabled": false})") << 405 << u"OperationNotAllowed"_s;
    }

    void badRequestsGetTheirStatusAndARedfishError()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, messageId);
        if (!m_daemon)
            startRack();
        const HttpsFetched answer = asOperator(method, path, body);
        QCOMPARE(answer.status, status);
        QCOMPARE(messageIdOf(answer), u"Base.1.22."_s + messageId);
        QVERIFY(!messageOf(answer).isEmpty());
        QCOMPARE(answer.json()[u"error"_s][u"@Message.ExtendedInfo"_s][0][u"Severity"_s].toString(),
            u"Critical"_s);
        if (status == 405)
            QVERIFY(!answer.headers.value("allow").isEmpty());
        // Nothing of it changed the rack.
        QCOMPARE(m_daemon->powerController()->relayState(1), std::optional<bool>(true));
    }

    void aReportedContentTypeMustBeJson()
    {
        startRack();
        const HttpsFetched answer
            = asOperator("POST", u"/redfish/v1/Systems/s1-n1/Actions/ComputerSystem.Reset"_s, "ResetType=On",
                {{"Content-Type", "application/x-www-form-urlencoded"}});
        QCOMPARE(answer.status, 415);
    }

    void aHugeBodyIsRefusedBeforeItIsSent()
    {
        startRack();
        // A raw client: it announces 10 MB and waits for the answer instead of sending them.
        QSslSocket socket;
        socket.setPeerVerifyMode(QSslSocket::VerifyNone);
        socket.connectToHostEncrypted(u"127.0.0.1"_s, m_daemon->httpPort());
        QVERIFY(QTest::qWaitFor([&socket] { return socket.isEncrypted(); }, 15000));
        socket.write("PATCH /redfish/v1/Systems/s1-n1 HTTP/1.1\r\nHost: rackd\r\nAuthorization: "
            + basic(u"ops"_s, m_operatorToken) + "\r\nContent-Type: application/json\r\n"
            + "Content-Length: 10000000\r\n\r\n{");
        QByteArray answer;
        QVERIFY(QTest::qWaitFor(
            [&] {
                answer += socket.readAll();
                return answer.contains("}}");
            },
            15000));
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
        QVERIFY(answer.contains("Base.1.22.PayloadTooLarge"));
    }

    void aResetOfOnePiDoesNotCutItsNeighbours()
    {
        startRack();
        const QString reset = u"/redfish/v1/Systems/s1-n1/Actions/ComputerSystem.Reset"_s;
        const HttpsFetched refused = asOperator("POST", reset, R"({"ResetType": "ForceOff"})");
        QCOMPARE(refused.status, 409);
        QCOMPARE(messageIdOf(refused), u"Base.1.22.ResourceInUse"_s);
        QVERIFY2(messageOf(refused).contains(u"s1-n2 (up)"_s), qPrintable(messageOf(refused)));
        QCOMPARE(m_daemon->powerController()->relayState(1), std::optional<bool>(true));
        // A viewer may not reset anything, not even what would change nothing, and is told so
        // before anything of the rack's state.
        for (const QByteArray &body : {QByteArray(R"({"ResetType": "GracefulRestart"})"),
                 QByteArray(R"({"ResetType": "On"})"), QByteArray(R"({"ResetType": "ForceOff"})")}) {
            const HttpsFetched viewer
                = fetch("POST", reset, {{"Authorization", basic(u"watcher"_s, m_viewerToken)}}, body);
            QCOMPARE(viewer.status, 403);
            QCOMPARE(messageIdOf(viewer), u"Base.1.22.InsufficientPrivilege"_s);
        }

        // The stack's own chassis cuts it, on purpose.
        const HttpsFetched cut = asOperator(
            "POST", u"/redfish/v1/Chassis/Stack1/Actions/Chassis.Reset"_s, R"({"ResetType": "ForceOff"})");
        QCOMPARE(cut.status, 204);
        QVERIFY2(!cut.headers.contains("content-length"), "a 204 has no Content-Length (RFC 9110)");
        QCOMPARE(m_daemon->powerController()->relayState(1), std::optional<bool>(false));
        QCOMPARE(
            asOperator("GET", u"/redfish/v1/Systems/s1-n1"_s).json()[u"PowerState"_s].toString(), u"Off"_s);
        // On for one Pi switches its stack back on.
        QCOMPARE(asOperator("POST", reset, R"({"ResetType": "On"})").status, 204);
        QCOMPARE(m_daemon->powerController()->relayState(1), std::optional<bool>(true));
        // GracefulRestart goes to the Pi's agent (its reboot command here is /bin/true).
        QVERIFY(QTest::qWaitFor(
            [this] { return m_daemon->nodeManager()->state(macFor(0)) == NodeManager::State::Up; }, 30000));
        QCOMPARE(asOperator("POST", reset, R"({"ResetType": "GracefulRestart"})").status, 204);
    }

    void theRedfishKeysOfRackdConfReachTheService()
    {
        startRack("redfish_shared_power = allow\nredfish_session_timeout = 600\n");
        QCOMPARE(asAdmin("GET", u"/redfish/v1/SessionService"_s).json()[u"SessionTimeout"_s].toInt(), 600);
        const HttpsFetched cut = asOperator("POST",
            u"/redfish/v1/Systems/s1-n1/Actions/ComputerSystem.Reset"_s, R"({"ResetType": "ForceOff"})");
        QCOMPARE(cut.status, 204);
        QCOMPARE(m_daemon->powerController()->relayState(1), std::optional<bool>(false));
    }

    void aSlowActionAnswers202AndItsTaskMonitorTheResult()
    {
        startRack();
        // The Pis of stack 1 halt only when the test says so: the graceful shutdown waits for them.
        const HttpsFetched accepted = asOperator("POST",
            u"/redfish/v1/Chassis/Stack1/Actions/Chassis.Reset"_s, R"({"ResetType": "GracefulShutdown"})");
        QCOMPARE(accepted.status, 202);
        const QString monitor = QString::fromLatin1(accepted.headers.value("location"));
        QVERIFY(monitor.startsWith(u"/redfish/v1/TaskService/TaskMonitors/"_s));
        QCOMPARE(accepted.json()[u"TaskState"_s].toString(), u"Running"_s);
        QCOMPARE(asOperator("GET", monitor).status, 202);
        QCOMPARE(m_daemon->powerController()->relayState(1), std::optional<bool>(true));

        m_agents.at(0).reset();
        m_agents.at(1).reset();
        HttpsFetched done;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         done = asOperator("GET", monitor);
                         return done.status != 202;
                     },
                     60000),
            "the task did not finish");
        QCOMPARE(done.status, 204);
        QCOMPARE(m_daemon->powerController()->relayState(1), std::optional<bool>(false));
        QCOMPARE(asOperator("GET", u"/redfish/v1/TaskService/TaskMonitors/nothing"_s).status, 404);
    }

    void aFloodOfBadRequestsLeavesTheServiceAnswering()
    {
        startRack();
        // Every kind of bad request, many times over, from one source; then a good one.
        const QList<std::tuple<QByteArray, QString, QByteArray>> bad {
            {"PATCH", u"/redfish/v1/Systems/s1-n1"_s, "{{{{"},
            {"POST", u"/redfish/v1/Systems/s1-n1/Actions/ComputerSystem.Reset"_s, R"({"ResetType": []})"},
            {"GET", u"/redfish/v1/Systems/%2e%2e/%2e%2e/etc/passwd"_s, {}},
            {"PUT", u"/redfish/v1/Chassis/Rack"_s, "{}"},
            {"GET", u"/redfish/v1/Systems/"_s + QString(2000, u'x'), {}},
        };
        int answered = 0;
        for (int round = 0; round < 40; ++round) {
            for (const auto &[method, path, body] : bad) {
                const HttpsFetched answer = asOperator(method, path, body);
                QVERIFY2(answer.status >= 400 && answer.status < 500,
                    qPrintable(
                        u"%1 %2: %3"_s.arg(QString::fromLatin1(method), path.left(60)).arg(answer.status)));
                ++answered;
            }
        }
        QCOMPARE(answered, 200);
        const HttpsFetched good = asOperator("GET", u"/redfish/v1/Systems/s1-n1"_s);
        QCOMPARE(good.status, 200);
        QCOMPARE(good.json()[u"PowerState"_s].toString(), u"On"_s);
    }
};

QTEST_GUILESS_MAIN(TestRedfishApi)
#include "tst_redfishapi.moc"
