// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpserver.h"

#include "daemonlogging.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QSslSocket>
#include <QTcpServer>
#include <QTimer>

#include <sys/socket.h>

using namespace Qt::Literals::StringLiterals;

namespace {

/// Answers written but not yet sent, per connection, beyond which no further request is answered
/// until the client reads: a client that pipelines and never reads cannot make rackd buffer much.
constexpr qint64 MaximumUnsentBytes = 4 * 1024 * 1024;
/// How long a refused client may go on sending (dropped unread) before its connection is cut.
constexpr std::chrono::milliseconds LingerTime {2000};
/// Received bytes buffered per connection, at most.
constexpr qint64 ReadBufferBytes = 256 * 1024;

} // namespace

class HttpServer::Listener : public QTcpServer
{
public:
    explicit Listener(HttpServer *server)
        : QTcpServer(server)
        , m_server(server)
    { }
    void addAdmitted(QTcpSocket *socket) { addPendingConnection(socket); }

protected:
    void incomingConnection(qintptr descriptor) override { m_server->onIncoming(descriptor); }

private:
    HttpServer *m_server;
};

/// One request read by the strict parser, waiting for its turn or being answered.
struct HttpServer::Exchange
{
    HttpRequest request;
    std::shared_ptr<QHttpServerResponder> responder;
};

struct HttpServer::Connection
{
    explicit Connection(const HttpLimits &limits)
        : parser(limits)
    { }
    enum class Deadline { Handshake, Idle, Request, Linger, None };

    HttpRequestParser parser;
    QHostAddress peer;
    bool admitted = false;
    bool busy = false; ///< The handler has a request and has not answered yet.
    bool refused = false; ///< The parser refused: nothing more is read.
    qint64 unread = 0; ///< Bytes in the socket that Qt's reader left there, already seen by the parser.
    QList<HttpRequest> parsed; ///< Read by the strict parser, not yet by Qt's.
    QList<Exchange> waiting; ///< Read by both, waiting for the one before to be answered.
    std::optional<HttpResponse> refusal; ///< To send once the answers before it are out.
    QMetaObject::Connection guardBefore; ///< The strict parser's readyRead handler, before Qt's.
    QMetaObject::Connection guardAfter; ///< Notes what Qt's reader left unread, after Qt's.
    QTimer *deadline = nullptr;
    Deadline deadlineKind = Deadline::None;
};

HttpServer::HttpServer(Handler handler, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_handler(std::move(handler))
    , m_errorFormatter([](int status, const QString &reason) {
        return HttpResponse {status, {{"Content-Type", "text/plain; charset=utf-8"}}, reason.toUtf8() + '\n'};
    })
    , m_listener(new Listener(this))
{ }

HttpServer::~HttpServer()
{
    // The sockets go first, while what their signals reach still exists.
    m_listener->close();
    const QList<QObject *> sockets = m_connections.keys();
    for (QObject *socket : sockets) {
        disconnect(socket, nullptr, this, nullptr);
        delete socket;
    }
    m_connections.clear();
}

bool HttpServer::listen(
    const QHostAddress &address, quint16 port, const std::optional<QSslConfiguration> &tls, QString *error)
{
    m_tls = tls;
    if (!m_listener->listen(address, port)) {
        *error = u"cannot listen for HTTP%1 on %2 port %3: %4"_s
                     .arg(tls ? u"S"_s : QString(), address.toString())
                     .arg(port)
                     .arg(m_listener->errorString());
        return false;
    }
    // Qt's module takes the connections this listener admits (after their handshake and checks).
    bind(m_listener);
    return true;
}

quint16 HttpServer::port() const { return m_listener->serverPort(); }

QByteArray HttpServer::reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Status";
    }
}

void HttpServer::onIncoming(qintptr descriptor)
{
    QTcpSocket *socket = m_tls ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcDaemon).noquote() << "HTTP: cannot take a connection:" << socket->errorString();
        delete socket;
        return;
    }
    const QHostAddress peer = socket->peerAddress();
    if (m_connections.size() >= m_limits.maxConnections
        || m_perSource.value(peer) >= m_limits.maxConnectionsPerSource) {
        qCWarning(lcDaemon).noquote()
            << "HTTP: refusing a connection from" << peer.toString() << "(already" << m_perSource.value(peer)
            << "from there," << m_connections.size() << "in all)";
        socket->abort();
        socket->deleteLater();
        return;
    }
    auto connection = std::make_shared<Connection>(m_limits.request);
    connection->peer = peer;
    // What a client sends beyond what it may have pending stays in the kernel (TCP pushes back): a
    // refused connection waiting for an earlier answer, or one that pipelines without end, cannot
    // make rackd buffer more than this.
    const HttpLimits &request = m_limits.request;
    socket->setReadBufferSize(qMax<qint64>(
        ReadBufferBytes, request.maxRequestLine + request.maxHeaderBytes + request.maxBody + 1024));
    connection->deadline = new QTimer(socket);
    connection->deadline->setSingleShot(true);
    m_connections.insert(socket, connection);
    m_perSource[peer] += 1;
    connect(socket, &QObject::destroyed, this, &HttpServer::forget);
    // Until Qt's module has it, a connection that ends is ours to delete.
    connect(socket, &QAbstractSocket::disconnected, socket, [socket, connection] {
        if (!connection->admitted)
            socket->deleteLater();
    });
    connect(connection->deadline, &QTimer::timeout, this, [this, socket] {
        const std::shared_ptr<Connection> current = m_connections.value(socket);
        if (!current)
            return;
        switch (current->deadlineKind) {
        case Connection::Deadline::Handshake:
            qCDebug(lcDaemon).noquote()
                << "HTTP:" << current->peer.toString() << "did not finish its TLS handshake";
            socket->abort();
            socket->deleteLater();
            break;
        case Connection::Deadline::Idle:
            socket->disconnectFromHost();
            break;
        case Connection::Deadline::Request:
            refuse(socket, 408, u"the request did not arrive in time"_s);
            break;
        case Connection::Deadline::Linger:
            socket->abort();
            break;
        case Connection::Deadline::None:
            break;
        }
    });
    if (!m_tls) {
        admit(socket);
        return;
    }
    auto *tlsSocket = static_cast<QSslSocket *>(socket);
    tlsSocket->setSslConfiguration(*m_tls);
    connect(tlsSocket, &QSslSocket::encrypted, this, [this, socket] { admit(socket); });
    connect(tlsSocket, &QSslSocket::errorOccurred, this, [socket, connection](QAbstractSocket::SocketError) {
        if (!connection->admitted) {
            qCDebug(lcDaemon).noquote() << "HTTP: TLS handshake with" << connection->peer.toString()
                                        << "failed:" << socket->errorString();
            socket->abort();
            socket->deleteLater();
        }
    });
    connection->deadlineKind = Connection::Deadline::Handshake;
    connection->deadline->start(m_limits.handshakeTimeout);
    tlsSocket->startServerEncryption();
}

void HttpServer::admit(QTcpSocket *socket)
{
    const std::shared_ptr<Connection> connection = m_connections.value(socket);
    if (!connection || connection->admitted)
        return;
    connection->admitted = true;
    connection->deadlineKind = Connection::Deadline::Idle;
    connection->deadline->start(m_limits.idleTimeout);
    // The strict parser reads every byte before Qt's reader does (connected first, so called first)...
    connection->guardBefore
        = connect(socket, &QIODevice::readyRead, this, [this, socket] { guardRead(socket); });
    m_listener->addAdmitted(socket); // ...Qt's module connects its reader here...
    // ...and afterwards, what Qt's reader left in the socket is noted, so the next call sees only news.
    connection->guardAfter = connect(socket, &QIODevice::readyRead, this, [this, socket] {
        if (const std::shared_ptr<Connection> current = m_connections.value(socket))
            current->unread = socket->bytesAvailable();
    });
    connect(socket, &QIODevice::bytesWritten, this, [this, socket] { dispatchNext(socket); });
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(socket, &QIODevice::readyRead, Qt::QueuedConnection);
}

void HttpServer::guardRead(QTcpSocket *socket)
{
    const std::shared_ptr<Connection> connection = m_connections.value(socket);
    if (!connection || connection->refused)
        return;
    const qint64 available = socket->bytesAvailable();
    const qint64 fresh = available - connection->unread;
    if (fresh <= 0)
        return;
    connection->unread = available;
    HttpRequestParser::State state = connection->parser.feed(socket->peek(available).right(fresh));
    while (state == HttpRequestParser::State::Complete) {
        if (connection->parsed.size() + connection->waiting.size() + (connection->busy ? 1 : 0)
            >= m_limits.maxPipelined) {
            refuse(socket, 429,
                u"more than %1 requests sent ahead of their answers"_s.arg(m_limits.maxPipelined));
            return;
        }
        connection->parsed.append(connection->parser.takeRequest());
        state = connection->parser.feed({});
    }
    if (state == HttpRequestParser::State::Failed) {
        refuse(socket, connection->parser.errorStatus(), connection->parser.errorReason());
        return;
    }
    if (connection->parser.bufferedBytes() > 0 && connection->deadlineKind != Connection::Deadline::Request) {
        // From a request's first byte, however slowly the rest comes.
        connection->deadlineKind = Connection::Deadline::Request;
        connection->deadline->start(m_limits.requestTimeout);
    }
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const std::shared_ptr<Connection> connection = m_connections.value(socket);
    if (!connection)
        return true;
    if (connection->parsed.isEmpty() && connection->refused) {
        // What Qt's reader made of bytes the strict parser refused: not answered, and Qt reads no more.
        disconnect(socket, &QIODevice::readyRead, this, nullptr);
        return true;
    }
    if (connection->parsed.isEmpty()
        || connection->parsed.constFirst().body.size() != request.body().size()) {
        // The two readers disagree about where a request ends: answer nothing more on this connection.
        qCCritical(lcDaemon).noquote() << "HTTP: Qt's reader and the strict parser disagree on a request from"
                                       << connection->peer.toString() << "; closing the connection";
        connection->parsed.clear();
        refuse(socket, 400, u"the request could not be read unambiguously"_s);
        return true;
    }
    if (connection->parser.bufferedBytes() == 0
        && connection->deadlineKind == Connection::Deadline::Request) {
        connection->deadline->stop();
        connection->deadlineKind = Connection::Deadline::None;
    }
    connection->waiting.append({connection->parsed.takeFirst(),
        std::make_shared<QHttpServerResponder>(makeResponder(request, socket))});
    // After the last request read before a refusal, Qt's reader stops too: it must not read the refused
    // bytes.
    if (connection->refused && connection->parsed.isEmpty())
        disconnect(socket, &QIODevice::readyRead, this, nullptr);
    dispatchNext(socket);
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // handleRequest() takes every request.
}

void HttpServer::dispatchNext(QTcpSocket *socket)
{
    const std::shared_ptr<Connection> connection = m_connections.value(socket);
    if (!connection || connection->busy || socket->bytesToWrite() > MaximumUnsentBytes)
        return;
    if (connection->waiting.isEmpty()) {
        if (connection->refusal) {
            writeRaw(socket, *connection->refusal, true);
            connection->refusal.reset();
        } else if (connection->parser.bufferedBytes() == 0 && !connection->refused
            && connection->deadlineKind != Connection::Deadline::Idle) {
            connection->deadlineKind = Connection::Deadline::Idle;
            connection->deadline->start(m_limits.idleTimeout);
        }
        return;
    }
    const Exchange exchange = connection->waiting.takeFirst();
    connection->busy = true;
    if (connection->deadlineKind == Connection::Deadline::Idle) {
        connection->deadline->stop();
        connection->deadlineKind = Connection::Deadline::None;
    }
    const bool keepAlive = exchange.request.keepAlive();
    auto answered = std::make_shared<bool>(false);
    QPointer<QTcpSocket> guard(socket);
    const std::shared_ptr<QHttpServerResponder> responder = exchange.responder;
    m_handler(exchange.request, connection->peer,
        [this, guard, answered, responder, keepAlive](const HttpResponse &response) {
            if (std::exchange(*answered, true) || !guard)
                return;
            const std::shared_ptr<Connection> current = m_connections.value(guard.data());
            if (!current || !guard->isOpen())
                return;
            responder->writeStatusLine(QHttpServerResponder::StatusCode(response.status));
            for (const auto &[name, value] : response.headers)
                responder->writeHeader(name, value);
            // RFC 9110 §8.6: a 204 has no Content-Length; a HEAD's is the GET's.
            if (response.status != 204 && response.status != 304)
                responder->writeHeader("Content-Length", QByteArray::number(response.body.size()));
            const bool close = !keepAlive || current->refused;
            if (close)
                responder->writeHeader("Connection", "close");
            responder->writeBody(response.headersOnly ? QByteArray() : response.body);
            current->busy = false;
            if (close && !current->refusal) {
                guard->disconnectFromHost();
                return;
            }
            // The next pipelined request, after this call has returned to its caller.
            QMetaObject::invokeMethod(
                this,
                [this, guard] {
                    if (guard)
                        dispatchNext(guard.data());
                },
                Qt::QueuedConnection);
        });
}

void HttpServer::refuse(QTcpSocket *socket, int status, const QString &reason)
{
    const std::shared_ptr<Connection> connection = m_connections.value(socket);
    if (!connection || connection->refused)
        return;
    qCDebug(lcDaemon).noquote() << "HTTP:" << connection->peer.toString() << "refused with" << status
                                << reason;
    connection->refused = true;
    connection->deadline->stop();
    connection->deadlineKind = Connection::Deadline::None;
    // The strict parser reads no more. Qt's reader still takes the requests the strict parser read
    // before the refused bytes (handleRequest() stops it after the last); with none, it stops now
    // (its slot's context is this object).
    disconnect(connection->guardBefore);
    disconnect(connection->guardAfter);
    if (connection->parsed.isEmpty())
        disconnect(socket, &QIODevice::readyRead, this, nullptr);
    connection->refusal = m_errorFormatter(status, reason);
    connection->refusal->status = status;
    // Answers owed before it go out first.
    if (!connection->busy && connection->waiting.isEmpty() && connection->parsed.isEmpty()) {
        writeRaw(socket, *connection->refusal, true);
        connection->refusal.reset();
    }
}

void HttpServer::writeRaw(QTcpSocket *socket, const HttpResponse &response, bool close)
{
    QByteArray head
        = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    for (const auto &[name, value] : response.headers)
        head += name + ": " + value + "\r\n";
    head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    if (close)
        head += "Connection: close\r\n";
    socket->write(head + "\r\n" + response.body);
    if (close)
        closeAfterAnswer(socket);
}

void HttpServer::closeAfterAnswer(QTcpSocket *socket)
{
    // Closing a socket that still holds unread bytes makes the kernel send a reset, and a client
    // still sending (a body after a 413, junk after a 400) would lose the answer it has not read yet.
    // So: send the answer, shut the sending side, read and drop what still comes for a while, close.
    disconnect(socket, &QIODevice::readyRead, this, nullptr);
    connect(socket, &QIODevice::readyRead, this, [socket] { socket->skip(socket->bytesAvailable()); });
    auto *tlsSocket = qobject_cast<QSslSocket *>(socket);
    const auto shutWhenSent = [socket, tlsSocket] {
        if (socket->bytesToWrite() > 0 || (tlsSocket && tlsSocket->encryptedBytesToWrite() > 0))
            return false;
        ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
        return true;
    };
    socket->flush();
    if (!shutWhenSent()) {
        // Owned by the lambda (so freed with the socket's connections, whichever comes first).
        auto sent = std::make_shared<QMetaObject::Connection>();
        *sent = connect(socket, &QIODevice::bytesWritten, this, [shutWhenSent, sent] {
            if (shutWhenSent())
                disconnect(*sent);
        });
        if (tlsSocket)
            connect(tlsSocket, &QSslSocket::encryptedBytesWritten, this, [shutWhenSent] { shutWhenSent(); });
    }
    if (const std::shared_ptr<Connection> connection = m_connections.value(socket)) {
        connection->deadlineKind = Connection::Deadline::Linger;
        connection->deadline->start(LingerTime);
    }
}

void HttpServer::forget(QObject *socket)
{
    const std::shared_ptr<Connection> connection = m_connections.take(socket);
    if (!connection)
        return;
    const auto source = m_perSource.find(connection->peer);
    if (source != m_perSource.end() && --source.value() <= 0)
        m_perSource.erase(source);
}
