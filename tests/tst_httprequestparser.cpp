// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/httprequestparser.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using State = HttpRequestParser::State;

class TestHttpRequestParser : public QObject
{
    Q_OBJECT

    static HttpLimits smallLimits() { return {64, 128, 4, 100}; }
    /// A POST head with one more header line.
    static QByteArray postWith(const QByteArray &headerLines)
    {
        return "POST / HTTP/1.1\r\nHost: h\r\n" + headerLines + "\r\n\r\n";
    }

private Q_SLOTS:
    void aRequestWithABodyInOnePiece()
    {
        HttpRequestParser parser;
        QCOMPARE(parser.feed("POST /redfish/v1/SessionService/Sessions?x=1 HTTP/1.1\r\n"
                             "Host: rack:8443\r\nContent-Type:  application/json \r\n"
                             "Content-Length: 2\r\nX-Custom: a\r\nx-custom: b\r\n\r\n{}"),
            State::Complete);
        const HttpRequest request = parser.takeRequest();
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.path, QByteArray("/redfish/v1/SessionService/Sessions"));
        QCOMPARE(request.query, QByteArray("x=1"));
        QCOMPARE(request.header("content-type"), QByteArray("application/json"));
        QCOMPARE(request.header("x-custom"), QByteArray("a, b"));
        QCOMPARE(request.body, QByteArray("{}"));
        QVERIFY(request.keepAlive());
        QCOMPARE(parser.state(), State::NeedMore);
        QCOMPARE(parser.bufferedBytes(), 0);
    }

    void byteByByteGivesTheSameRequest()
    {
        const QByteArray bytes
            = "\r\nPATCH /a%20b HTTP/1.0\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello";
        HttpRequestParser parser;
        for (qsizetype i = 0; i + 1 < bytes.size(); ++i)
            QCOMPARE(parser.feed(bytes.sliced(i, 1)), State::NeedMore);
        QCOMPARE(parser.feed(bytes.last(1)), State::Complete);
        const HttpRequest request = parser.takeRequest();
        QCOMPARE(request.method, QByteArray("PATCH"));
        QCOMPARE(request.path, QByteArray("/a%20b"));
        QCOMPARE(request.body, QByteArray("hello"));
        QVERIFY(request.keepAlive()); // HTTP/1.0 asked for it
    }

    void pipelinedRequestsComeOneAtATime()
    {
        HttpRequestParser parser;
        QCOMPARE(parser.feed("GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: h\r\n"
                             "Connection: close\r\n\r\nGET /thr"),
            State::Complete);
        QCOMPARE(parser.takeRequest().path, QByteArray("/one"));
        QCOMPARE(parser.feed({}), State::Complete);
        const HttpRequest second = parser.takeRequest();
        QCOMPARE(second.path, QByteArray("/two"));
        QVERIFY(!second.keepAlive());
        QCOMPARE(parser.feed({}), State::NeedMore);
        QCOMPARE(parser.bufferedBytes(), 8);
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reason");
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: h\n\n") << 400 << u"bare LF"_s;
        QTest::newRow("folded header")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n x\r\n\r\n") << 400 << u"folded"_s;
        QTest::newRow("no colon") << QByteArray("GET / HTTP/1.1\r\nHost h\r\n\r\n") << 400
                                  << u"NAME: VALUE"_s;
        QTest::newRow("space before colon")
            << QByteArray("GET / HTTP/1.1\r\nHost : h\r\n\r\n") << 400 << u"NAME: VALUE"_s;
        QTest::newRow("control character")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\x01\r\n\r\n") << 400 << u"control characters"_s;
        QTest::newRow("lower-case method")
            << QByteArray("get / HTTP/1.1\r\nHost: h\r\n\r\n") << 400 << u"does not start with a method"_s;
        // Refused at its first byte, without waiting for a line end that may never come.
        QTest::newRow("a TLS hello on a plain port")
            << QByteArray("\x16\x03\x01") << 400 << u"with a method"_s;
        QTest::newRow("no end to the method") << QByteArray(17, 'A') << 400 << u"with a method"_s;
        QTest::newRow("absolute target")
            << QByteArray("GET http://x/ HTTP/1.1\r\nHost: h\r\n\r\n") << 400 << u"not a path"_s;
        QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: h\r\n\r\n") << 400
                                    << u"METHOD TARGET VERSION"_s;
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: h\r\n\r\n") << 505 << u"HTTP/1.1"_s;
        QTest::newRow("not HTTP") << QByteArray("GET / SMTP\r\nHost: h\r\n\r\n") << 400 << u"HTTP/1.1"_s;
        QTest::newRow("no Host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400 << u"exactly one Host"_s;
        QTest::newRow("two Hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400
                                   << u"exactly one Host"_s;
        QTest::newRow("chunked") << postWith("Transfer-Encoding: chunked") << 501 << u"Content-Length"_s;
        QTest::newRow("signed length") << postWith("Content-Length: +5") << 400 << u"not a number"_s;
        QTest::newRow("two lengths") << postWith("Content-Length: 1\r\nContent-Length: 2") << 400
                                     << u"twice"_s;
        QTest::newRow("huge length") << postWith("Content-Length: 99999999999999999999") << 400
                                     << u"not a number"_s;
        QTest::newRow("body too large")
            << postWith("Content-Length: 101") << 413 << u"larger than the 100 bytes"_s;
        QTest::newRow("long request line")
            << QByteArray("GET /" + QByteArray(70, 'a')) << 414 << u"64 bytes"_s;
        QTest::newRow("long headers")
            << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(130, 'a')) << 431 << u"128 bytes"_s;
        QTest::newRow("many headers")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n") << 431
            << u"more than 4"_s;
    }

    void refusals()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        QFETCH(QString, reason);
        HttpRequestParser parser(smallLimits());
        QCOMPARE(parser.feed(bytes), State::Failed);
        QCOMPARE(parser.errorStatus(), status);
        QVERIFY2(parser.errorReason().contains(reason), qPrintable(parser.errorReason()));
        // A failed parser takes nothing more, and keeps nothing.
        QCOMPARE(parser.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), State::Failed);
        QCOMPARE(parser.bufferedBytes(), 0);
    }

    void aTooLargeBodyIsRefusedBeforeItComes()
    {
        HttpRequestParser parser(smallLimits());
        QCOMPARE(parser.feed(postWith("Content-Length: 100000")), State::Failed);
        QCOMPARE(parser.errorStatus(), 413);
    }

    void bytesSentAheadAreBounded()
    {
        HttpRequestParser parser(smallLimits());
        QCOMPARE(parser.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), State::Complete);
        // The answer is slow; the client keeps sending.
        QCOMPARE(parser.feed(QByteArray(200, 'x')), State::Complete);
        QCOMPARE(parser.feed(QByteArray(200, 'x')), State::Failed);
        QCOMPARE(parser.errorStatus(), 400);
        QCOMPARE(parser.bufferedBytes(), 0);
    }

    void theEarliestFaultDecidesWhereverTheBytesAreCut_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QTest::newRow("long line, then a bare LF")
            << QByteArray("GET /" + QByteArray(70, 'a') + " HTTP/1.1\r\nX: 1\n") << 414;
        QTest::newRow("bare LF, then a long line") << QByteArray("GET /\n" + QByteArray(70, 'a')) << 400;
        QTest::newRow("headers at the limit, then the end")
            << QByteArray("GET / HTTP/1.1\r\nHost: " + QByteArray(122, 'h') + "\r\n\r\n") << 0;
        QTest::newRow("headers one byte over")
            << QByteArray("GET / HTTP/1.1\r\nHost: " + QByteArray(123, 'h') + "\r\n\r\n") << 431;
    }

    void theEarliestFaultDecidesWhereverTheBytesAreCut()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        HttpRequestParser whole(smallLimits());
        whole.feed(bytes);
        HttpRequestParser pieces(smallLimits());
        for (char c : std::as_const(bytes)) {
            if (pieces.feed(QByteArray(1, c)) != State::NeedMore)
                break;
        }
        QCOMPARE(whole.errorStatus(), status);
        QCOMPARE(pieces.errorStatus(), status);
        QCOMPARE(pieces.state(), whole.state());
    }

    void anUnfinishedHeadWaitsWithinItsLimits()
    {
        HttpRequestParser parser(smallLimits());
        QCOMPARE(parser.feed("GET / HTTP/1.1\r\nHost: h\r\n"), State::NeedMore);
        QCOMPARE(parser.feed("X: " + QByteArray(100, 'a') + "\r\n"), State::NeedMore);
        QCOMPARE(parser.feed(QByteArray(20, 'b')), State::Failed);
        QCOMPARE(parser.errorStatus(), 431);
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
