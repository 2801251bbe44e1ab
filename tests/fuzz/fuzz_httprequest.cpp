// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// HttpRequestParser on a byte stream as a client would send it, cut into chunks of a size the input
// chooses. Whatever the cut, the requests and the refusal must be the same as with the stream in
// one piece, and the parser never holds more than its limits allow.
#include "fuzzsupport.h"

#include "http/httprequestparser.h"

namespace {

struct Outcome
{
    QList<HttpRequest> requests;
    int errorStatus = 0;
};

bool sameRequest(const HttpRequest &a, const HttpRequest &b)
{
    return a.method == b.method && a.path == b.path && a.query == b.query && a.version == b.version
        && a.headers == b.headers && a.body == b.body;
}

Outcome parse(const QByteArray &stream, qsizetype chunk, const HttpLimits &limits)
{
    const qsizetype bound = limits.maxRequestLine + limits.maxHeaderBytes + limits.maxBody + 8;
    HttpRequestParser parser(limits);
    Outcome outcome;
    for (qsizetype at = 0; at < stream.size();) {
        const qsizetype length = chunk == 0 ? stream.size() : qMin(chunk, stream.size() - at);
        HttpRequestParser::State state = parser.feed(stream.mid(at, length));
        at += length;
        while (state == HttpRequestParser::State::Complete) {
            const HttpRequest request = parser.takeRequest();
            PIRACK_FUZZ_CHECK(request.path.startsWith('/') && !request.method.isEmpty()
                    && request.body.size() <= limits.maxBody,
                QString::fromLatin1(request.path));
            outcome.requests.append(request);
            state = parser.feed({});
        }
        PIRACK_FUZZ_CHECK(parser.bufferedBytes() <= bound, QString::number(parser.bufferedBytes()));
        if (state == HttpRequestParser::State::Failed) {
            PIRACK_FUZZ_CHECK(!parser.errorReason().isEmpty(), QString::number(parser.errorStatus()));
            outcome.errorStatus = parser.errorStatus();
            break;
        }
    }
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    // First byte: the chunk size (1 to 64), and whether the limits are small.
    const qsizetype chunk = (data[0] & 0x3f) + 1;
    const HttpLimits limits = data[0] & 0x40 ? HttpLimits {48, 96, 4, 64} : HttpLimits {};
    const QByteArray stream = Fuzz::bytes(data + 1, size - 1);

    const Outcome whole = parse(stream, 0, limits);
    const Outcome pieces = parse(stream, chunk, limits);
    PIRACK_FUZZ_CHECK(whole.requests.size() == pieces.requests.size(),
        QStringLiteral("%1 requests at once, %2 in pieces")
            .arg(whole.requests.size())
            .arg(pieces.requests.size()));
    for (qsizetype i = 0; i < whole.requests.size(); ++i)
        PIRACK_FUZZ_CHECK(sameRequest(whole.requests.at(i), pieces.requests.at(i)), QString::number(i));
    PIRACK_FUZZ_CHECK(whole.errorStatus == pieces.errorStatus,
        QStringLiteral("status %1 at once, %2 in pieces").arg(whole.errorStatus).arg(pieces.errorStatus));
    return 0;
}
