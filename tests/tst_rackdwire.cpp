// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// Malformed and hostile input at the wire level: after each case, rackd must still serve others.
#include "protocol/framing.h"
#include "protocol/tlsconfiguration.h"
#include "rackdfixture.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTest>
#include <QtEndian>

using namespace Qt::Literals::StringLiterals;

namespace {

QByteArray header(quint32 length)
{
    QByteArray bytes(4, Qt::Uninitialized);
    qToBigEndian(length, bytes.data());
    return bytes;
}

QByteArray rawFrame(const QByteArray &payload) { return header(quint32(payload.size())) + payload; }

// A TLS client that speaks bytes, not the client library, so it can say anything. It waits on
// signals (running the event loop), because the daemon under test lives in this same thread.
class RawClient
{
public:
    bool connect(quint16 port, const QString &fingerprint)
    {
        m_socket.setSslConfiguration(PiRackTls::clientConfiguration());
        QObject::connect(&m_socket, &QSslSocket::sslErrors, &m_socket,
            [this, fingerprint](const QList<QSslError> &errors) {
                PiRackTls::acceptPinnedPeer(&m_socket, errors, fingerprint);
            });
        QSignalSpy encrypted(&m_socket, &QSslSocket::encrypted);
        m_socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
        return encrypted.wait(15000);
    }

    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    void sendMessage(const QJsonObject &message) { send(encodeFrame(message)); }
    void hello(const QString &token)
    {
        sendMessage(Protocol::Hello {Protocol::Version, u"raw"_s, token}.toJson());
    }

    /// The next message, or nothing if the connection closed or the deadline passed.
    std::optional<QJsonObject> next(int timeoutMs = 10000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (true) {
            m_decoder.append(m_socket.readAll());
            const FrameDecoder::Result result = m_decoder.next();
            if (result.status == FrameDecoder::Result::Status::Message)
                return result.message;
            if (m_socket.state() != QAbstractSocket::ConnectedState || deadline.hasExpired())
                return std::nullopt;
            m_readyRead.wait(int(std::max<qint64>(1, deadline.remainingTime())));
        }
    }

    bool waitClosed(int timeoutMs = 10000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (m_socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
            m_socket.readAll();
            m_disconnected.wait(int(std::max<qint64>(1, deadline.remainingTime())));
        }
        return m_socket.state() != QAbstractSocket::ConnectedState;
    }

    QSslSocket &socket() { return m_socket; }

private:
    QSslSocket m_socket;
    QSignalSpy m_readyRead {&m_socket, &QSslSocket::readyRead};
    QSignalSpy m_disconnected {&m_socket, &QSslSocket::disconnected};
    FrameDecoder m_decoder {64 * 1024 * 1024};
};

} // namespace

class TestRackdWire : public QObject
{
    Q_OBJECT

private:
    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;

    // The daemon still answers a well-behaved client correctly.
    void verifyStillServing()
    {
        RackClient client;
        const ConnectResult connected
            = connectClient(client, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint());
        QVERIFY2(connected.ready, qPrintable(connected.reason));
        const auto status = call(client, u"status"_s);
        QVERIFY(status && !status->isError());
        QCOMPARE(status->result.value(u"stacks"_s).toArray().size(), 3);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
        m_daemon->controlServer()->setSessionLimits({std::chrono::milliseconds(1500), 32, 20});
        m_daemon->controlServer()->setConnectionLimits({Protocol::MaximumMessageSize, 256 * 1024});
    }

    void malformedInput_data()
    {
        QTest::addColumn<bool>("authenticate");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected"); // "closed", "error:CODE" (stays open), "reply:CODE"
        QTest::newRow("truncated message") << true << QByteArray(header(100) + "{\"type\":") << u"silent"_s;
        QTest::newRow("oversized message") << true << header(2 * 1024 * 1024) << u"closed"_s;
        QTest::newRow("zero-length frame") << true << header(0) << u"closed"_s;
        QTest::newRow("invalid JSON") << true << rawFrame("{\"type\": request") << u"error:bad_message"_s;
        QTest::newRow("invalid UTF-8")
            << true << rawFrame("{\"type\":\"request\",\"method\":\"\xc3\x28\"}") << u"error:bad_message"_s;
        QTest::newRow("not an object") << true << rawFrame("[1,2,3]") << u"error:bad_message"_s;
        QTest::newRow("id of the wrong type")
            << true << rawFrame(R"({"type":"request","id":"7","method":"status"})") << u"error:bad_message"_s;
        QTest::newRow("method of the wrong type")
            << true << rawFrame(R"({"type":"request","id":7,"method":5})") << u"reply:bad_request"_s;
        QTest::newRow("params of the wrong type")
            << true << rawFrame(R"({"type":"request","id":8,"method":"power","params":"all"})")
            << u"reply:bad_request"_s;
        QTest::newRow("unknown message type")
            << true << rawFrame(R"({"type":"launch","id":1})") << u"error:bad_message"_s;
        QTest::newRow("unknown request")
            << true << rawFrame(R"({"type":"request","id":9,"method":"format.disk"})")
            << u"reply:unknown_method"_s;
        QTest::newRow("missing id") << true << rawFrame(R"({"type":"request","method":"status"})")
                                    << u"error:bad_message"_s;
        QTest::newRow("huge id") << true << rawFrame(R"({"type":"request","id":1e300,"method":"status"})")
                                 << u"error:bad_message"_s;
        QTest::newRow("huge stack number")
            << true
            << rawFrame(
                   R"({"type":"request","id":3,"method":"power","params":{"action":"on","stacks":[99999999999999999999]}})")
            << u"reply:not_found"_s;
        QTest::newRow("binary garbage")
            << true << QByteArray("\x7f\x45\x4c\x46\x02\x01\x01\x00\xde\xad\xbe\xef", 12) << u"closed"_s;
        QTest::newRow("request before hello")
            << false << rawFrame(R"({"type":"request","id":1,"method":"status"})") << u"closed"_s;
        QTest::newRow("future protocol version")
            << false << rawFrame(R"({"type":"hello","protocol":99,"token":"x"})") << u"closed"_s;
        QTest::newRow("no hello at all") << false << QByteArray() << u"closed"_s;
    }

    void malformedInput()
    {
        QFETCH(bool, authenticate);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        RawClient client;
        QVERIFY(client.connect(m_daemon->port(), m_daemon->fingerprint()));
        if (authenticate) {
            client.hello(m_fixture.adminToken);
            const auto welcome = client.next();
            QVERIFY(welcome);
            QCOMPARE(Protocol::typeOf(*welcome), u"welcome"_s);
        }
        if (!bytes.isEmpty())
            client.send(bytes);

        if (expected == u"closed") {
            QVERIFY2(client.waitClosed(), "rackd kept a connection that sent garbage");
        } else if (expected.startsWith(u"error:"_s)) {
            const auto message = client.next();
            QVERIFY(message);
            QCOMPARE(Protocol::typeOf(*message), u"error"_s);
            QCOMPARE(message->value(u"error"_s).toObject().value(u"code"_s).toString(), expected.mid(6));
            // The connection is still usable after a bad message.
            client.sendMessage(Protocol::Request {41, u"status"_s, {}}.toJson());
            const auto reply = client.next();
            QVERIFY(reply);
            QCOMPARE(reply->value(u"id"_s).toInt(), 41);
        } else if (expected.startsWith(u"reply:"_s)) {
            const auto message = client.next();
            QVERIFY(message);
            QCOMPARE(Protocol::typeOf(*message), u"reply"_s);
            QCOMPARE(message->value(u"error"_s).toObject().value(u"code"_s).toString(), expected.mid(6));
        } else {
            client.socket().abort(); // the truncated message never completes
        }
        verifyStillServing();
    }

    void requestRightBehindTheHelloIsAnswered()
    {
        RawClient client;
        QVERIFY(client.connect(m_daemon->port(), m_daemon->fingerprint()));
        client.send(encodeFrame(Protocol::Hello {Protocol::Version, u"raw"_s, m_fixture.adminToken}.toJson())
            + encodeFrame(Protocol::Request {5, u"status"_s, {}}.toJson()));
        const auto welcome = client.next();
        QVERIFY(welcome);
        QCOMPARE(Protocol::typeOf(*welcome), u"welcome"_s);
        const auto reply = client.next();
        QVERIFY2(reply, "a request pipelined behind the hello was dropped");
        QCOMPARE(reply->value(u"id"_s).toInt(), 5);
        QVERIFY(reply->contains(u"result"_s));
    }

    void floodOfRequestsInFlight()
    {
        RawClient client;
        QVERIFY(client.connect(m_daemon->port(), m_daemon->fingerprint()));
        client.hello(m_fixture.adminToken);
        QVERIFY(client.next());
        constexpr int requests = 200;
        QByteArray burst;
        for (int id = 1; id <= requests; ++id)
            burst += encodeFrame(
                Protocol::Request {id, u"power"_s, {{u"action"_s, u"cycle"_s}, {u"stacks"_s, QJsonArray {2}}}}
                    .toJson());
        client.send(burst);
        int replies = 0;
        int refused = 0;
        while (replies < requests) {
            const auto message = client.next(30000);
            QVERIFY2(message, qPrintable(u"only %1 of %2 replies arrived"_s.arg(replies).arg(requests)));
            ++replies;
            if (message->value(u"error"_s).toObject().value(u"code"_s).toString() == u"too_many_requests")
                ++refused;
        }
        QVERIFY2(refused >= requests - 32, qPrintable(u"%1 refused"_s.arg(refused)));
        verifyStillServing();
    }

    void clientThatStopsReadingIsDropped()
    {
        RawClient stalled;
        QVERIFY(stalled.connect(m_daemon->port(), m_daemon->fingerprint()));
        stalled.hello(m_fixture.adminToken);
        QVERIFY(stalled.next());
        // Ask for far more than the 256 KiB rackd is allowed to hold for it, and read nothing.
        QByteArray burst;
        for (int id = 1; id <= 30000; ++id)
            burst += encodeFrame(Protocol::Request {id, u"status"_s, {}}.toJson());
        stalled.socket().write(burst);
        QTRY_VERIFY_WITH_TIMEOUT(m_daemon->controlServer()->sessionCount() == 0, 30000);
        verifyStillServing();
    }

    // Each connection may hold 16 MiB here, which three stalled clients' 9 MB each stay under; all
    // together they pass rackd's 512 KiB output budget, and each is dropped past its fair 1 MiB.
    void stalledClientsTogetherStayWithinTheOutputBudget()
    {
        ControlServer::Limits limits;
        limits.outputBudget = 512 * 1024;
        m_daemon->controlServer()->setLimits(limits);
        m_daemon->controlServer()->setConnectionLimits({Protocol::MaximumMessageSize, 16 * 1024 * 1024});
        std::vector<std::unique_ptr<RawClient>> stalled;
        QByteArray burst;
        for (int id = 1; id <= 30000; ++id)
            burst += encodeFrame(Protocol::Request {id, u"status"_s, {}}.toJson());
        for (int i = 0; i < 3; ++i) {
            auto client = std::make_unique<RawClient>();
            QVERIFY(client->connect(m_daemon->port(), m_daemon->fingerprint()));
            client->hello(m_fixture.adminToken);
            QVERIFY(client->next());
            client->socket().write(burst);
            stalled.push_back(std::move(client));
        }
        QTRY_VERIFY_WITH_TIMEOUT(m_daemon->controlServer()->sessionCount() == 0, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(m_daemon->controlServer()->outputBudgetUsed(), qint64(0), 10000);
        verifyStillServing();
        m_daemon->controlServer()->setLimits({});
    }
};

QTEST_GUILESS_MAIN(TestRackdWire)
#include "tst_rackdwire.moc"
