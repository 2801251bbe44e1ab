// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

/// One HTTP/1.x request as the parser accepted it.
struct HttpRequest
{
    QByteArray method; ///< "GET", "PATCH", ...: upper-case letters only.
    QByteArray path; ///< The target's path, still percent-encoded: "/redfish/v1/Systems/s1-n1".
    QByteArray query; ///< What followed '?', without it; empty when there was none.
    QByteArray version; ///< "HTTP/1.1" or "HTTP/1.0".
    QList<QPair<QByteArray, QByteArray>> headers; ///< Names in lower case, values trimmed, in order.
    QByteArray body;

    /// The value of a header (name in lower case); repeated headers are joined with ", ".
    QByteArray header(const QByteArray &lowerCaseName) const;
    /// Whether the client wants the connection kept after the answer.
    bool keepAlive() const;
};

/// What one request may take, before the parser refuses it. Defaults fit a Redfish client.
struct HttpLimits
{
    qsizetype maxRequestLine = 8 * 1024; ///< Beyond: 414.
    qsizetype maxHeaderBytes = 16 * 1024; ///< All header lines together; beyond: 431.
    int maxHeaders = 64; ///< Beyond: 431.
    qsizetype maxBody = 64 * 1024; ///< A larger Content-Length: 413, refused before the body comes.
};

/**
 * A strict, incremental HTTP/1.x request parser for a server that faces hostile clients. Bytes
 * go in as they arrive; every limit is checked before more is buffered, so no request costs more
 * than HttpLimits allows. Anything ambiguous is refused rather than guessed, because two readers
 * of one request that disagree are how requests get smuggled: bare LF line ends, folded header
 * lines, a Content-Length that is not plain digits or is given twice differently, and any
 * Transfer-Encoding (bodies must come with a Content-Length).
 *
 * Pipelined requests: after takeRequest(), call feed() with no bytes to parse what is buffered.
 * Bytes that come while a request waits for its answer are kept, up to one more request's worth.
 */
class HttpRequestParser
{
public:
    enum class State {
        NeedMore, ///< The request is not complete yet.
        Complete, ///< takeRequest() has it.
        Failed, ///< errorStatus() and errorReason() say why; the connection should close.
    };

    explicit HttpRequestParser(HttpLimits limits = {});

    State feed(const QByteArray &bytes);
    State state() const { return m_state; }
    /// The complete request; the parser goes on with the bytes after it.
    HttpRequest takeRequest();

    /// 400, 413, 414, 431, 501 or 505 once Failed.
    int errorStatus() const { return m_errorStatus; }
    QString errorReason() const { return m_errorReason; }
    /// Bytes received and not yet part of a taken request.
    qsizetype bufferedBytes() const { return m_buffer.size(); }

private:
    /// Checks the head received so far (headSize: where its end is, or -1) against the limits.
    State checkHeadSoFar(qsizetype headSize);
    /// Parses the complete head, the first headSize bytes of the buffer.
    State parseHead(qsizetype headSize);
    State fail(int status, const QString &reason);

    HttpLimits m_limits;
    QByteArray m_buffer;
    State m_state = State::NeedMore;
    bool m_haveHead = false;
    qsizetype m_bodyLength = 0;
    HttpRequest m_request;
    int m_errorStatus = 0;
    QString m_errorReason;
};
