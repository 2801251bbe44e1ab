// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/httpserver.h"
#include "protocol/tlsconfiguration.h"
#include "protocol/tlsidentity.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTest>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace {

/// One answer as a client reads it.
struct Answer
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers; ///< Names in lower case.
    QByteArray body;
};

/// Reads whole answers from what a socket received so far; false while one is incomplete.
bool takeAnswer(QByteArray *received, Answer *answer)
{
    const qsizetype headEnd = received->indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    const QList<QByteArray> lines = received->left(headEnd).split('\n');
    Answer parsed;
    parsed.status = lines.constFirst().split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        parsed.headers.insert(
            lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
    }
    const qsizetype length = parsed.headers.value("content-length").toLongLong();
    if (received->size() < headEnd + 4 + length)
        return false;
    parsed.body = received->mid(headEnd + 4, length);
    received->remove(0, headEnd + 4 + length);
    *answer = parsed;
    return true;
}

} // namespace

/// rackd's HTTPS listener: Qt's HTTP server behind the strict parser, with its deadlines and caps.
class TestHttpServer : public QObject
{
    Q_OBJECT

    std::optional<TlsIdentity> m_identity;
    std::unique_ptr<HttpServer> m_server;
    QList<HttpRequest> m_handled;
    QList<HttpServer::Respond> m_deferred; ///< Answers the test gives later (paths starting /slow).

    void startServer(bool tls, const HttpServer::Limits &limits = {})
    {
        m_handled.clear();
        m_deferred.clear();
        m_server = std::make_unique<HttpServer>(
            [this](const HttpRequest &request, const QHostAddress &, const HttpServer::Respond &respond) {
                m_handled.append(request);
                if (request.path.startsWith("/slow")) {
                    m_deferred.append(respond);
                    return;
                }
                respond({200, {{"Content-Type", "text/plain"}},
                    request.method + ' ' + request.path + ' ' + request.body});
            });
        m_server->setLimits(limits);
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0,
                     tls ? std::optional<QSslConfiguration>(PiRackTls::serverConfiguration(*m_identity))
                         : std::nullopt,
                     &error),
            qPrintable(error));
    }

    // The server runs in this thread: every wait below lets the event loop run (no blocking waitFor*).
    std::unique_ptr<QSslSocket> connectClient(bool tls)
    {
        auto socket = std::make_unique<QSslSocket>();
        if (tls) {
            socket->setPeerVerifyMode(QSslSocket::VerifyNone); // the fingerprint pinning is tested elsewhere
            socket->connectToHostEncrypted(u"127.0.0.1"_s, m_server->port());
            if (!QTest::qWaitFor([&] { return socket->isEncrypted(); }, 10000))
                return nullptr;
        } else {
            socket->connectToHost(QHostAddress::LocalHost, m_server->port());
            if (!QTest::qWaitFor([&] { return socket->state() == QAbstractSocket::ConnectedState; }, 10000))
                return nullptr;
        }
        return socket;
    }

    /// Waits (with a deadline) for `count` answers on `socket`, or for the server to close it.
    static QList<Answer> answers(QSslSocket *socket, int count)
    {
        QByteArray received;
        QList<Answer> got;
        // Fewer answers than awaited is what the caller's QCOMPARE reports.
        [[maybe_unused]] const bool all = QTest::qWaitFor(
            [&] {
                received += socket->readAll();
                Answer answer;
                while (got.size() < count && takeAnswer(&received, &answer))
                    got.append(answer);
                return got.size() == count || socket->state() == QAbstractSocket::UnconnectedState;
            },
            10000);
        return got;
    }

    static bool waitForClose(QSslSocket *socket)
    {
        return QTest::qWaitFor(
            [&] {
                socket->readAll();
                return socket->state() == QAbstractSocket::UnconnectedState;
            },
            10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        m_identity = TlsIdentity::generate(u"rackd-test"_s, &error);
        QVERIFY2(m_identity, qPrintable(error));
    }

    void cleanup() { m_server.reset(); }

    void answersOverTlsAndKeepsTheConnection()
    {
        startServer(true);
        const auto client = connectClient(true);
        QVERIFY(client);
        client->write("GET /redfish/v1 HTTP/1.1\r\nHost: rack\r\n\r\n");
        QList<Answer> got = answers(client.get(), 1);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.constFirst().status, 200);
        QCOMPARE(got.constFirst().body, QByteArray("GET /redfish/v1 "));
        // The same connection serves the next one, with its body.
        client->write("POST /x HTTP/1.1\r\nHost: rack\r\nContent-Length: 5\r\n\r\nhello");
        got = answers(client.get(), 1);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.constFirst().body, QByteArray("POST /x hello"));
        QCOMPARE(client->state(), QAbstractSocket::ConnectedState);
        QCOMPARE(m_handled.size(), 2);
        QCOMPARE(m_handled.constLast().header("content-length"), QByteArray("5"));
    }

    void pipelinedAnswersKeepTheirOrder()
    {
        startServer(false);
        const auto client = connectClient(false);
        QVERIFY(client);
        client->write("GET /slow/1 HTTP/1.1\r\nHost: r\r\n\r\nGET /fast/2 HTTP/1.1\r\nHost: r\r\n\r\n"
                      "GET /fast/3 HTTP/1.1\r\nHost: r\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(m_deferred.size(), 1, 10000);
        // The second waits for the first, however quick its own answer would be.
        QTest::qWait(200); // a window for a wrong early answer to show; the answers below are awaited
        QCOMPARE(m_handled.size(), 1);
        QCOMPARE(client->bytesAvailable(), 0);
        m_deferred.takeFirst()({202, {}, "first"});
        const QList<Answer> got = answers(client.get(), 3);
        QCOMPARE(got.size(), 3);
        QCOMPARE(got.at(0).status, 202);
        QCOMPARE(got.at(0).body, QByteArray("first"));
        QCOMPARE(got.at(1).body, QByteArray("GET /fast/2 "));
        QCOMPARE(got.at(2).body, QByteArray("GET /fast/3 "));
    }

    void anAnswerAfterTheClientLeftIsDropped()
    {
        startServer(false);
        auto client = connectClient(false);
        QVERIFY(client);
        client->write("GET /slow HTTP/1.1\r\nHost: r\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(m_deferred.size(), 1, 10000);
        client->abort();
        client.reset();
        QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, 10000);
        m_deferred.takeFirst()({200, {}, "too late"}); // must not touch the gone socket
    }

    void connectionCloseIsHonoured()
    {
        startServer(false);
        const auto client = connectClient(false);
        QVERIFY(client);
        client->write("GET /a HTTP/1.1\r\nHost: r\r\nConnection: close\r\n\r\n");
        const QList<Answer> got = answers(client.get(), 1);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.constFirst().headers.value("connection"), QByteArray("close"));
        QVERIFY(waitForClose(client.get()));
    }

    void badRequestsAreAnsweredAndClosedWithoutReachingTheHandler_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: r\n\n") << 400;
        QTest::newRow("no Host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("chunked") << QByteArray(
            "POST / HTTP/1.1\r\nHost: r\r\nTransfer-Encoding: chunked\r\n\r\n")
                                 << 501;
        QTest::newRow("huge body") << QByteArray(
            "POST / HTTP/1.1\r\nHost: r\r\nContent-Length: 99999999999\r\n\r\n")
                                   << 413;
        QTest::newRow("two lengths") << QByteArray(
            "POST / HTTP/1.1\r\nHost: r\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
                                     << 400;
        QTest::newRow("long target") << "GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\n" << 414;
        QTest::newRow("HTTP/2") << QByteArray("GET / HTTP/2.0\r\nHost: r\r\n\r\n") << 505;
    }

    void badRequestsAreAnsweredAndClosedWithoutReachingTheHandler()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        startServer(true);
        m_server->setErrorFormatter([](int code, const QString &reason) {
            return HttpResponse {
                code, {{"Content-Type", "application/json"}}, "{\"why\":\"" + reason.toUtf8() + "\"}"};
        });
        const auto client = connectClient(true);
        QVERIFY(client);
        client->write(request);
        const QList<Answer> got = answers(client.get(), 1);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.constFirst().status, status);
        QVERIFY(got.constFirst().body.startsWith("{\"why\":\""));
        QCOMPARE(got.constFirst().headers.value("connection"), QByteArray("close"));
        QVERIFY(waitForClose(client.get()));
        QVERIFY(m_handled.isEmpty());
    }

    void aGoodRequestBeforeABadOneIsStillAnswered()
    {
        startServer(false);
        const auto client = connectClient(false);
        QVERIFY(client);
        client->write("GET /slow HTTP/1.1\r\nHost: r\r\n\r\nGET / HTTP/1.1\nHost: r\n\n");
        QTRY_COMPARE_WITH_TIMEOUT(m_deferred.size(), 1, 10000);
        m_deferred.takeFirst()({200, {}, "ok"});
        const QList<Answer> got = answers(client.get(), 2);
        QCOMPARE(got.size(), 2);
        QCOMPARE(got.at(0).body, QByteArray("ok"));
        QCOMPARE(got.at(1).status, 400);
        QVERIFY(waitForClose(client.get()));
        QCOMPARE(m_handled.size(), 1);
    }

    void aSlowRequestGets408()
    {
        HttpServer::Limits limits;
        limits.requestTimeout = std::chrono::milliseconds(300);
        startServer(false, limits);
        const auto client = connectClient(false);
        QVERIFY(client);
        client->write("GET / HTTP/1.1\r\nHo");
        const QList<Answer> got = answers(client.get(), 1);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.constFirst().status, 408);
        QVERIFY(waitForClose(client.get()));
    }

    void anIdleConnectionAndAStalledHandshakeAreClosed()
    {
        HttpServer::Limits limits;
        limits.idleTimeout = std::chrono::milliseconds(300);
        limits.handshakeTimeout = std::chrono::milliseconds(300);
        startServer(true, limits);
        const auto idle = connectClient(true);
        QVERIFY(idle);
        QVERIFY(waitForClose(idle.get()));
        // A plain TCP connection to the TLS port that never says hello.
        QSslSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(silent.waitForConnected(10000));
        QVERIFY(waitForClose(&silent));
        QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, 10000);
    }

    void oneSourceCannotTakeEveryConnection()
    {
        HttpServer::Limits limits;
        limits.maxConnectionsPerSource = 3;
        startServer(false, limits);
        std::vector<std::unique_ptr<QSslSocket>> held;
        for (int i = 0; i < 3; ++i) {
            held.push_back(connectClient(false));
            QVERIFY(held.back());
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 3, 10000);
        const auto fourth = connectClient(false);
        QVERIFY(fourth);
        QVERIFY(waitForClose(fourth.get()));
        // The three still work, and a closed one makes room.
        held.front()->write("GET /a HTTP/1.1\r\nHost: r\r\n\r\n");
        QCOMPARE(answers(held.front().get(), 1).size(), 1);
        held.pop_back();
        QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 2, 10000);
        const auto again = connectClient(false);
        QVERIFY(again);
        again->write("GET /b HTTP/1.1\r\nHost: r\r\n\r\n");
        QCOMPARE(answers(again.get(), 1).size(), 1);
    }

    void tooManyRequestsAheadOfTheirAnswersAreRefused()
    {
        HttpServer::Limits limits;
        limits.maxPipelined = 2;
        startServer(false, limits);
        const auto client = connectClient(false);
        QVERIFY(client);
        QByteArray flood;
        for (int i = 0; i < 6; ++i)
            flood += "GET /slow HTTP/1.1\r\nHost: r\r\n\r\n";
        client->write(flood);
        // The two read before the limit are answered, in order, then the refusal.
        QTRY_COMPARE_WITH_TIMEOUT(m_deferred.size(), 1, 10000);
        m_deferred.takeFirst()({200, {}, "one"});
        QTRY_COMPARE_WITH_TIMEOUT(m_deferred.size(), 1, 10000);
        m_deferred.takeFirst()({200, {}, "two"});
        const QList<Answer> got = answers(client.get(), 3);
        QCOMPARE(got.size(), 3);
        QCOMPARE(got.at(0).body, QByteArray("one"));
        QCOMPARE(got.at(1).body, QByteArray("two"));
        QCOMPARE(got.at(2).status, 429);
        QCOMPARE(m_handled.size(), 2);
        QVERIFY(waitForClose(client.get()));
    }

    void aClientThatKeepsSendingStillGetsItsAnswers()
    {
        startServer(false);
        const auto client = connectClient(false);
        QVERIFY(client);
        client->write("GET /slow HTTP/1.1\r\nHost: r\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(m_deferred.size(), 1, 10000);
        // 8 MiB of junk while the answer is pending: refused at its first byte, the rest left to TCP
        // (rackd buffers at most 256 KiB); both answers must arrive, not a reset.
        client->write(QByteArray(8 * 1024 * 1024, '\x01'));
        QTest::qWait(300);
        m_deferred.takeFirst()({200, {}, "still"});
        const QList<Answer> got = answers(client.get(), 2);
        QCOMPARE(got.size(), 2);
        QCOMPARE(got.at(0).body, QByteArray("still"));
        QCOMPARE(got.at(1).status, 400);
        QVERIFY(waitForClose(client.get()));
        QCOMPARE(m_handled.size(), 1);
    }

    void aFloodOfBadRequestsLeavesTheServerServing()
    {
        startServer(true);
        const QList<QByteArray> junk {QByteArray("\x16\x03\x01garbage"), QByteArray("GET / HTTP/1.1\r\n\r\n"),
            QByteArray(20000, 'A'), QByteArray("POST / HTTP/1.1\r\nHost: r\r\nContent-Length: -1\r\n\r\n"),
            QByteArray("GET / HTTP/1.1\r\nHost: r\r\n x: folded\r\n\r\n")};
        for (int round = 0; round < 20; ++round) {
            const auto client = connectClient(true);
            QVERIFY(client);
            client->write(junk.at(round % junk.size()));
            QVERIFY(waitForClose(client.get()));
        }
        QVERIFY(m_handled.isEmpty());
        const auto good = connectClient(true);
        QVERIFY(good);
        good->write("GET /still HTTP/1.1\r\nHost: r\r\n\r\n");
        const QList<Answer> got = answers(good.get(), 1);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.constFirst().body, QByteArray("GET /still "));
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
