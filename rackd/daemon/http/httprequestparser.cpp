// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "httprequestparser.h"

#include <algorithm>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace {

constexpr QByteArrayView lineEnd = "\r\n";
constexpr QByteArrayView headEnd = "\r\n\r\n";
constexpr int maxMethodLength = 16;
constexpr int maxContentLengthDigits = 18; // fits a qint64

bool isTokenCharacter(char c)
{
    // RFC 9110 tchar
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenCharacter);
}

bool isFieldValue(QByteArrayView text)
{
    return std::none_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && c != '\t') || byte == 0x7f;
    });
}

QByteArray trimmedOfBlanks(QByteArrayView text)
{
    qsizetype start = 0;
    qsizetype end = text.size();
    while (start < end && (text[start] == ' ' || text[start] == '\t'))
        ++start;
    while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        --end;
    return text.sliced(start, end - start).toByteArray();
}

/// The first '\n' in `bytes` that does not end a CRLF, or -1.
qsizetype bareLineFeed(QByteArrayView bytes)
{
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r'))
            return i;
    }
    return -1;
}

QString printable(QByteArrayView bytes)
{
    QString text;
    for (char c : bytes.first(std::min<qsizetype>(bytes.size(), 40))) {
        const auto byte = static_cast<unsigned char>(c);
        text += byte >= 0x20 && byte < 0x7f ? QChar::fromLatin1(c) : u'?';
    }
    return bytes.size() > 40 ? text + u"..."_s : text;
}

} // namespace

QByteArray HttpRequest::header(const QByteArray &lowerCaseName) const
{
    QByteArrayList values;
    for (const auto &[name, value] : headers) {
        if (name == lowerCaseName)
            values.append(value);
    }
    return values.join(", ");
}

bool HttpRequest::keepAlive() const
{
    bool close = false;
    bool keep = false;
    for (const QByteArray &option : header("connection").split(',')) {
        const QByteArray word = trimmedOfBlanks(option).toLower();
        close = close || word == "close";
        keep = keep || word == "keep-alive";
    }
    return version == "HTTP/1.1" ? !close : keep && !close;
}

HttpRequestParser::HttpRequestParser(HttpLimits limits)
    : m_limits(limits)
{ }

HttpRequestParser::State HttpRequestParser::feed(const QByteArray &bytes)
{
    if (m_state == State::Failed)
        return m_state;
    m_buffer.append(bytes);
    if (m_state == State::Complete) {
        // The bytes wait for the next request, but no more than one request may take.
        if (m_buffer.size() > m_limits.maxRequestLine + m_limits.maxHeaderBytes + m_limits.maxBody + 8)
            return fail(400, u"more bytes sent ahead than one request may take, before an answer"_s);
        return m_state;
    }

    if (!m_haveHead) {
        // Empty lines before a request line are allowed (RFC 9112, 2.2).
        while (m_buffer.startsWith(lineEnd))
            m_buffer.remove(0, lineEnd.size());
        const qsizetype headSize = m_buffer.indexOf(headEnd);
        if (checkHeadSoFar(headSize) == State::Failed)
            return m_state;
        if (headSize < 0)
            return m_state;
        if (parseHead(headSize) == State::Failed)
            return m_state;
        m_buffer.remove(0, headSize + headEnd.size());
        m_haveHead = true;
    }
    if (m_buffer.size() < m_bodyLength)
        return m_state;
    m_request.body = m_buffer.left(m_bodyLength);
    m_buffer.remove(0, m_bodyLength);
    m_state = State::Complete;
    return m_state;
}

HttpRequestParser::State HttpRequestParser::checkHeadSoFar(qsizetype headSize)
{
    // The head so far, without what may turn out to be the start of its end (CR LF CR LF), so that
    // a head cut anywhere is judged as the same head in one piece.
    QByteArrayView head(m_buffer);
    if (headSize >= 0) {
        head = head.first(headSize);
    } else {
        for (qsizetype partial = 3; partial > 0; --partial) {
            if (head.endsWith(headEnd.first(partial))) {
                head.chop(partial);
                break;
            }
        }
    }
    // The earliest fault decides, wherever the bytes were cut.
    struct Fault
    {
        qsizetype at;
        int status;
        QString reason;
    };
    std::optional<Fault> first;
    auto consider = [&first](qsizetype at, int status, const QString &reason) {
        if (!first || at < first->at)
            first = Fault {at, status, reason};
    };
    // The method, as far as it came: letters only, so that junk (a TLS hello on a plain port, a
    // binary protocol) is refused at its first byte rather than when its line would end.
    for (qsizetype i = 0; i < head.size() && i <= maxMethodLength; ++i) {
        const char c = head.at(i);
        if (c == ' ' && i > 0)
            break;
        if (c < 'A' || c > 'Z' || i == maxMethodLength) {
            consider(i, 400, u"the request does not start with a method (upper-case letters and a space)"_s);
            break;
        }
    }
    if (const qsizetype lineFeed = bareLineFeed(head); lineFeed >= 0)
        consider(lineFeed, 400, u"a line ends in a bare LF at byte %1: lines end in CRLF"_s.arg(lineFeed));
    const qsizetype requestLineSize = head.indexOf(lineEnd);
    if ((requestLineSize < 0 ? head.size() : requestLineSize) > m_limits.maxRequestLine)
        consider(m_limits.maxRequestLine, 414,
            u"the request line is longer than %1 bytes"_s.arg(m_limits.maxRequestLine));
    const qsizetype headersStart = requestLineSize + lineEnd.size();
    if (requestLineSize >= 0 && head.size() - headersStart > m_limits.maxHeaderBytes)
        consider(headersStart + m_limits.maxHeaderBytes, 431,
            u"the header lines are longer than %1 bytes"_s.arg(m_limits.maxHeaderBytes));
    return first ? fail(first->status, first->reason) : m_state;
}

HttpRequest HttpRequestParser::takeRequest()
{
    HttpRequest request = std::move(m_request);
    m_request = {};
    m_haveHead = false;
    m_bodyLength = 0;
    if (m_state == State::Complete)
        m_state = State::NeedMore;
    return request;
}

HttpRequestParser::State HttpRequestParser::parseHead(qsizetype headSize)
{
    const QByteArrayView head = QByteArrayView(m_buffer).first(headSize);
    const QList<QByteArray> lines = head.toByteArray().split('\n'); // each but the last ends in '\r'
    auto lineAt = [&lines](qsizetype index) {
        const QByteArray &line = lines.at(index);
        return line.endsWith('\r') ? line.chopped(1) : line;
    };

    // The request line: method SP target SP version, nothing more.
    const QList<QByteArray> parts = lineAt(0).split(' ');
    if (parts.size() != 3)
        return fail(400, u"the request line '%1' is not METHOD TARGET VERSION"_s.arg(printable(lineAt(0))));
    const QByteArray &method = parts.at(0);
    const QByteArray &target = parts.at(1);
    const QByteArray &version = parts.at(2);
    if (method.isEmpty() || method.size() > maxMethodLength
        || !std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return fail(400, u"'%1' is not a method"_s.arg(printable(method)));
    if (!target.startsWith('/') || target.contains('#')
        || !std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7f; }))
        return fail(400, u"the target '%1' is not a path"_s.arg(printable(target)));
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        const bool looksLikeHttp = version.size() == 8 && version.startsWith("HTTP/") && version.at(6) == '.';
        return fail(looksLikeHttp ? 505 : 400, u"'%1' is not HTTP/1.1 or HTTP/1.0"_s.arg(printable(version)));
    }
    m_request.method = method;
    const qsizetype question = target.indexOf('?');
    m_request.path = question < 0 ? target : target.left(question);
    m_request.query = question < 0 ? QByteArray() : target.mid(question + 1);
    m_request.version = version;

    // The header lines.
    if (lines.size() - 1 > m_limits.maxHeaders)
        return fail(431, u"more than %1 header lines"_s.arg(m_limits.maxHeaders));
    for (qsizetype index = 1; index < lines.size(); ++index) {
        const QByteArray line = lineAt(index);
        if (line.startsWith(' ') || line.startsWith('\t'))
            return fail(400, u"header line %1 is folded onto the one before: not accepted"_s.arg(index));
        const qsizetype colon = line.indexOf(':');
        const QByteArrayView name = QByteArrayView(line).first(std::max<qsizetype>(colon, 0));
        if (colon < 0 || !isToken(name))
            return fail(400, u"header line %1 '%2' is not NAME: VALUE"_s.arg(index).arg(printable(line)));
        const QByteArrayView value = QByteArrayView(line).sliced(colon + 1);
        if (!isFieldValue(value))
            return fail(400, u"the header %1 holds control characters"_s.arg(printable(name)));
        m_request.headers.append({name.toByteArray().toLower(), trimmedOfBlanks(value)});
    }

    if (m_request.version == "HTTP/1.1") {
        const auto hosts = std::count_if(m_request.headers.cbegin(), m_request.headers.cend(),
            [](const auto &header) { return header.first == "host"; });
        if (hosts != 1)
            return fail(400, u"an HTTP/1.1 request needs exactly one Host header, not %1"_s.arg(hosts));
    }
    if (!m_request.header("transfer-encoding").isEmpty())
        return fail(501, u"Transfer-Encoding is not supported: send the body with a Content-Length"_s);

    // The body's length: plain digits, and the same wherever it is given.
    QByteArray contentLength;
    for (const auto &[name, value] : std::as_const(m_request.headers)) {
        if (name != "content-length")
            continue;
        if (value.isEmpty() || value.size() > maxContentLengthDigits
            || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return fail(400, u"Content-Length '%1' is not a number of bytes"_s.arg(printable(value)));
        if (!contentLength.isEmpty() && value.toLongLong() != contentLength.toLongLong())
            return fail(400, u"Content-Length is given twice, differently"_s);
        contentLength = value;
    }
    m_bodyLength = contentLength.isEmpty() ? 0 : contentLength.toLongLong();
    if (m_bodyLength > m_limits.maxBody)
        return fail(413,
            u"the body of %1 bytes is larger than the %2 bytes accepted"_s.arg(m_bodyLength)
                .arg(m_limits.maxBody));
    return m_state;
}

HttpRequestParser::State HttpRequestParser::fail(int status, const QString &reason)
{
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorReason = reason;
    m_buffer.clear();
    return m_state;
}
