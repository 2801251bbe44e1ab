// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httprequestparser.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QHostAddress>
#include <QPointer>
#include <QSslConfiguration>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

class QTcpSocket;
class QHttpServerResponder;

/// One answer to an HTTP request. Content-Length is added; header values must not hold CR or LF.
struct HttpResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    /// HEAD: the headers (Content-Length too) of this answer, without its body.
    bool headersOnly = false;
};

/**
 * rackd's HTTPS listener (Redfish and /metrics), on Qt's HTTP server module. Qt 6.4's request
 * reader has no limits of its own (a Content-Length of many gigabytes is buffered as it comes) and
 * is lenient where two readers may disagree, so every byte a client sends goes first through
 * HttpRequestParser, in a readyRead handler connected before Qt's: a request Qt is given has passed
 * the strict parser and its limits, and anything else is answered with the parser's status and
 * the connection closed. The handler gets the request as the strict parser read it.
 *
 * Also: a TLS handshake deadline, an idle and a slow-request deadline, caps on connections in
 * total and per source, and answers kept in request order on pipelined connections.
 */
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    struct Limits
    {
        HttpLimits request;
        int maxConnections = 128;
        int maxConnectionsPerSource = 16;
        int maxPipelined = 16; ///< Requests read ahead of their answers, per connection.
        std::chrono::milliseconds handshakeTimeout {5000};
        std::chrono::milliseconds requestTimeout {10000}; ///< From a request's first byte to its last.
        std::chrono::milliseconds idleTimeout {60000}; ///< Between requests, with nothing pending.
    };

    /// Call exactly once, now or later (the connection waits); after the client left, it does nothing.
    using Respond = std::function<void(const HttpResponse &)>;
    using Handler = std::function<void(const HttpRequest &, const QHostAddress &peer, Respond)>;
    /// The body and headers of an answer rackd makes itself (a refused request, a full server).
    using ErrorFormatter = std::function<HttpResponse(int status, const QString &reason)>;

    explicit HttpServer(Handler handler, QObject *parent = nullptr);
    ~HttpServer() override;

    /// `tls` empty: plain HTTP (the caller allows that only on loopback).
    bool listen(const QHostAddress &address, quint16 port, const std::optional<QSslConfiguration> &tls,
        QString *error);
    quint16 port() const;
    void setLimits(const Limits &limits) { m_limits = limits; }
    void setErrorFormatter(ErrorFormatter formatter) { m_errorFormatter = std::move(formatter); }
    int connectionCount() const { return int(m_connections.size()); }

    static QByteArray reasonPhrase(int status);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    class Listener;
    struct Connection;
    struct Exchange;

    void onIncoming(qintptr descriptor);
    void admit(QTcpSocket *socket);
    void guardRead(QTcpSocket *socket);
    void refuse(QTcpSocket *socket, int status, const QString &reason);
    void dispatchNext(QTcpSocket *socket);
    void finishExchange(QTcpSocket *socket, const HttpResponse &response, bool keepAlive);
    void writeRaw(QTcpSocket *socket, const HttpResponse &response, bool close);
    void closeAfterAnswer(QTcpSocket *socket);
    void forget(QObject *socket);

    Handler m_handler;
    ErrorFormatter m_errorFormatter;
    Limits m_limits;
    Listener *m_listener; ///< Owned by Qt's module once bound (a child of this object).
    std::optional<QSslConfiguration> m_tls;
    QHash<QObject *, std::shared_ptr<Connection>> m_connections; ///< Every accepted socket, handshake or not.
    QHash<QHostAddress, int> m_perSource;
};
