// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// What strangers can do to rackd's port before they authenticate: abort handshakes in every
// way, hold connections open, guess in parallel. Afterwards people and nodes must still get in.
#include "agent.h"
#include "agenttesthelpers.h"
#include "controlserver.h"
#include "rackdfixture.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTest>
#include <QtEndian>

#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

/// A real TLS ClientHello, as the first bytes a client sends, made once with OpenSSL's memory BIOs.
QByteArray makeClientHello()
{
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    SSL *ssl = SSL_new(context);
    BIO *in = BIO_new(BIO_s_mem());
    BIO *out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, out);
    SSL_set_connect_state(ssl);
    SSL_do_handshake(ssl); // wants to read: the hello is written
    char *data = nullptr;
    const long size = BIO_get_mem_data(out, &data);
    const QByteArray hello(data, int(size));
    SSL_free(ssl);
    SSL_CTX_free(context);
    return hello;
}

/// A blocking TCP connection to 127.0.0.1:port from `source` (a 127.x address), with 5 s timeouts.
int connectFrom(const QByteArray &source, quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    const timeval timeout {5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in local {};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = ::inet_addr(source.constData());
    sockaddr_in remote {};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&local), sizeof local) != 0
        || ::connect(fd, reinterpret_cast<sockaddr *>(&remote), sizeof remote) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

/// Closes with a reset instead of a FIN.
void resetClose(int fd)
{
    const linger abortive {1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    ::close(fd);
}

bool sendAll(int fd, const QByteArray &bytes)
{
    return ::send(fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL) == bytes.size();
}

/// True when the peer has closed (or reset) the connection; data that came before is skipped.
/// It does not wait: call it from QTRY_VERIFY, so that rackd's event loop runs meanwhile.
bool closedByPeer(int fd)
{
    char buffer[4096];
    for (;;) {
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0)
            continue;
        return got == 0 || (errno != EAGAIN && errno != EINTR);
    }
}

QString macFor(int index) { return u"b8:27:eb:00:10:%1"_s.arg(index, 2, 16, QLatin1Char('0')); }

} // namespace

class TestHostilePeers : public QObject
{
    Q_OBJECT

private:
    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;
    QString m_joinSecret;
    int m_nextAgent = 0;

    ControlServer *server() const { return m_daemon->controlServer(); }

    AgentConfig agentConfig(int index)
    {
        AgentConfig config = nodeAgentConfig(m_fixture.path(u"node%1"_s.arg(index)), macFor(index));
        config.reconnectMaximum = std::chrono::milliseconds(500);
        return config;
    }

    /// A person logs in, and a new node joins and then connects as its agent, each within `timeoutMs`.
    void verifyPeopleAndNodesGetIn(int timeoutMs)
    {
        RackClient client;
        const ConnectResult result = connectClient(
            client, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint(), timeoutMs);
        QVERIFY2(result.ready, qPrintable(result.code + u": "_s + result.reason));
        const auto status = call(client, u"status"_s);
        QVERIFY(status && !status->isError());

        const int index = m_nextAgent++;
        AgentJoin joining(agentConfig(index));
        QSignalSpy joined(&joining, &AgentJoin::finished);
        joining.run({u"127.0.0.1"_s, m_daemon->port(), m_daemon->fingerprint(), m_joinSecret});
        QVERIFY(joined.wait(timeoutMs));
        QCOMPARE(joined.at(0).at(0).toInt(), int(AgentJoin::Joined));
        Agent agent(agentConfig(index));
        QSignalSpy connected(&agent, &Agent::connected);
        QString error;
        QVERIFY2(agent.start(&error), qPrintable(error));
        QVERIFY(connected.wait(timeoutMs));
    }

    void setLimits(int total, int perSource, int handshakeMs)
    {
        ControlServer::Limits limits;
        limits.unauthenticated = {total, perSource};
        limits.handshakeTimeout = std::chrono::milliseconds(handshakeMs);
        server()->setLimits(limits);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
        const auto secret = m_daemon->nodeManager()->joinSecrets()->create(
            std::chrono::seconds(3600), 50, u"test"_s, QDateTime::currentDateTimeUtc(), &error);
        QVERIFY2(secret, qPrintable(error));
        m_joinSecret = *secret;
    }

    void init() { setLimits(128, 16, 5000); }

    void cleanupTestCase() { m_daemon.reset(); }

    // The regression of the review: 30 handshakes that never finish used to stop accepting for good.
    void thirtyAbandonedHandshakesChangeNothing()
    {
        for (int i = 0; i < 30; ++i) {
            const int fd = connectFrom("127.0.0.1", m_daemon->port());
            QVERIFY(fd >= 0);
            ::close(fd);
        }
        verifyPeopleAndNodesGetIn(5000);
        QTRY_COMPARE_WITH_TIMEOUT(server()->unauthenticatedCount(), 0, 10000);
    }

    void tenThousandAbortedHandshakesOfEveryKind()
    {
        const QByteArray clientHello = makeClientHello();
        QVERIFY(clientHello.size() > 100 && clientHello.at(0) == 0x16); // a TLS handshake record
        const quint16 port = m_daemon->port();
        std::atomic<int> connectFailures {0};
        std::atomic<int> serverHellos {0};
        std::atomic<bool> done {false};
        // The attacker runs beside rackd's event loop, one connection at a time, from 50 addresses.
        std::thread attacker([&] {
            const QByteArray garbage("GET / HTTP/1.0\r\n\r\n\x00\xff\x16\x03\x01\xff\xff", 25);
            for (int i = 0; i < 10000; ++i) {
                const QByteArray source = "127.0.1." + QByteArray::number(1 + i % 50);
                const int fd = connectFrom(source, port);
                if (fd < 0) {
                    ++connectFailures;
                    continue;
                }
                switch (i % 6) {
                case 0: // RST at once
                    resetClose(fd);
                    break;
                case 1: // FIN before the ClientHello
                    ::close(fd);
                    break;
                case 2: // ClientHello, then RST
                    sendAll(fd, clientHello);
                    resetClose(fd);
                    break;
                case 3: // ClientHello, then FIN
                    sendAll(fd, clientHello);
                    ::close(fd);
                    break;
                case 4: // not TLS at all
                    sendAll(fd, garbage);
                    ::close(fd);
                    break;
                case 5: { // mid-handshake: rackd has answered the hello, then the peer vanishes
                    sendAll(fd, clientHello);
                    char answer[16];
                    if (::recv(fd, answer, sizeof answer, 0) > 0 && answer[0] == 0x16)
                        ++serverHellos;
                    resetClose(fd);
                    break;
                }
                }
            }
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 280000);
        attacker.join();
        QCOMPARE(connectFailures.load(), 0); // rackd kept accepting all along
        QVERIFY2(serverHellos.load() > 1000, qPrintable(QString::number(serverHellos.load())));
        QTRY_COMPARE_WITH_TIMEOUT(server()->unauthenticatedCount(), 0, 15000);
        verifyPeopleAndNodesGetIn(5000);
    }

    void idleStrangersAreCappedPerSourceAndTimedOut()
    {
        setLimits(128, 16, 1500);
        QList<int> idle;
        for (int i = 0; i < 16; ++i) {
            const int fd = connectFrom("127.0.2.1", m_daemon->port());
            QVERIFY(fd >= 0);
            idle.append(fd);
        }
        QTRY_COMPARE_WITH_TIMEOUT(server()->unauthenticatedCount(), 16, 10000);
        // A 17th from that address pushes out the oldest of them; other addresses are not touched.
        const int extra = connectFrom("127.0.2.1", m_daemon->port());
        QVERIFY(extra >= 0);
        const int oldest = idle.takeFirst();
        QTRY_VERIFY_WITH_TIMEOUT(closedByPeer(oldest), 5000);
        ::close(oldest);
        idle.append(extra);
        QCOMPARE(server()->unauthenticatedCount(), 16);
        verifyPeopleAndNodesGetIn(5000);
        // Nobody sent a byte: each handshake ends at its deadline, and its slot is free again.
        for (int fd : std::as_const(idle)) {
            QTRY_VERIFY_WITH_TIMEOUT(closedByPeer(fd), 10000);
            ::close(fd);
        }
        QTRY_COMPARE_WITH_TIMEOUT(server()->unauthenticatedCount(), 0, 5000);
    }

    void whenEveryStrangerSlotIsTakenTheOldestMakesRoom()
    {
        setLimits(8, 4, 60000);
        // Four still in the handshake from one address, four done with TLS but silent from another.
        QList<int> handshaking;
        for (int i = 0; i < 4; ++i) {
            const int fd = connectFrom("127.0.3.1", m_daemon->port());
            QVERIFY(fd >= 0);
            handshaking.append(fd);
        }
        QTRY_COMPARE_WITH_TIMEOUT(server()->unauthenticatedCount(), 4, 10000);
        std::vector<std::unique_ptr<QSslSocket>> silent;
        int encrypted = 0;
        for (int i = 0; i < 4; ++i) {
            auto socket = std::make_unique<QSslSocket>();
            socket->setPeerVerifyMode(QSslSocket::VerifyNone); // never says hello: only holds a place
            QObject::connect(socket.get(), &QSslSocket::encrypted, [&encrypted] { ++encrypted; });
            socket->bind(QHostAddress(u"127.0.3.2"_s));
            socket->connectToHostEncrypted(u"127.0.0.1"_s, m_daemon->port());
            silent.push_back(std::move(socket));
        }
        QTRY_COMPARE_WITH_TIMEOUT(encrypted, 4, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(server()->unauthenticatedCount(), 8, 10000);
        // A person and a node still get in, each pushing out the oldest stranger.
        verifyPeopleAndNodesGetIn(5000);
        QTRY_VERIFY_WITH_TIMEOUT(closedByPeer(handshaking.at(0)), 5000);
        for (int fd : std::as_const(handshaking))
            resetClose(fd);
        silent.clear();
        QTRY_COMPARE_WITH_TIMEOUT(server()->unauthenticatedCount(), 0, 10000);
    }

    // Before the welcome a frame may hold 16 KiB: a peer announcing more is closed at once, having
    // cost nothing but its handshake.
    void aStrangerMaySendOneHelloNoMore()
    {
        QSslSocket stranger;
        stranger.setPeerVerifyMode(QSslSocket::VerifyNone);
        QSignalSpy encrypted(&stranger, &QSslSocket::encrypted);
        QSignalSpy closed(&stranger, &QSslSocket::disconnected);
        stranger.connectToHostEncrypted(u"127.0.0.1"_s, m_daemon->port());
        QVERIFY(encrypted.wait(10000));
        QByteArray header(4, '\0');
        qToBigEndian(quint32(17 * 1024), header.data());
        stranger.write(header + QByteArray(1024, '{'));
        QVERIFY(closed.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(server()->unauthenticatedCount(), 0, 5000);
        // 16 KiB itself is fine: a hello that large is read, and refused for what it says.
        RackClient big;
        RackClient::Options options {
            u"127.0.0.1"_s, m_daemon->port(), u"x"_s, m_daemon->fingerprint(), QString(15000, u'a')};
        const ConnectResult refused = connectClient(big, options);
        QCOMPARE(refused.code, Protocol::ErrorCode::Unauthenticated);
    }

    void parallelGuessesAreCheckedOneAtATime()
    {
        // Every failure from here makes the next attempt wait a minute.
        m_daemon->service()->authenticator()->throttle().setPolicy({0, std::chrono::milliseconds(60000),
            std::chrono::milliseconds(60000), std::chrono::minutes(15)});
        std::vector<std::unique_ptr<RackClient>> guessers;
        QStringList codes;
        for (int i = 0; i < 10; ++i) {
            auto client = std::make_unique<RackClient>();
            QObject::connect(client.get(), &RackClient::disconnected,
                [&codes](const QString &code, const QString &) { codes.append(code); });
            RackClient::Options options {
                u"127.0.0.1"_s, m_daemon->port(), u"not-a-token"_s, m_daemon->fingerprint(), u"guesser"_s};
            options.localAddress = QHostAddress(u"127.0.4.1"_s);
            client->connectToRack(options);
            guessers.push_back(std::move(client));
        }
        QTRY_COMPARE_WITH_TIMEOUT(codes.size(), 10, 15000);
        QCOMPARE(codes.count(Protocol::ErrorCode::Unauthenticated), 1);
        QCOMPARE(codes.count(Protocol::ErrorCode::TooManyRequests), 9);
        // Another address is not held back.
        RackClient other;
        QVERIFY(connectClient(other, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        m_daemon->service()->authenticator()->throttle().setPolicy({});
    }
};

QTEST_GUILESS_MAIN(TestHostilePeers)
#include "tst_hostilepeers.moc"
