// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocol/framing.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Status = FrameDecoder::Result::Status;

Q_DECLARE_METATYPE(Status)

namespace {
QByteArray rawFrame(const QByteArray &payload)
{
    QByteArray header(4, '\0');
    const quint32 size = quint32(payload.size());
    header[0] = char(size >> 24);
    header[1] = char(size >> 16);
    header[2] = char(size >> 8);
    header[3] = char(size);
    return header + payload;
}
} // namespace

class TestFraming : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encodesLengthThenJson()
    {
        const QByteArray frame = encodeFrame({{u"type"_s, u"hello"_s}});
        QCOMPARE(frame, rawFrame(R"({"type":"hello"})"));
    }

    void decodesByteByByte()
    {
        FrameDecoder decoder(1024);
        const QByteArray stream = encodeFrame({{u"a"_s, 1}}) + encodeFrame({{u"b"_s, 2}});
        QList<QJsonObject> messages;
        for (char byte : stream) {
            decoder.append(QByteArray(1, byte));
            for (auto result = decoder.next(); result.status != Status::NeedMore; result = decoder.next()) {
                QCOMPARE(result.status, Status::Message);
                messages.append(result.message);
            }
        }
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(1).value(u"b"_s).toInt(), 2);
        QCOMPARE(decoder.bufferedBytes(), 0);
    }

    void decodesSeveralFramesInOneReadAndKeepsTheRest()
    {
        FrameDecoder decoder(1024);
        const QByteArray third = encodeFrame({{u"c"_s, 3}});
        // Two whole frames and the start of a third arrive together, the rest of it later.
        decoder.append(encodeFrame({{u"a"_s, 1}}) + encodeFrame({{u"b"_s, 2}}) + third.left(5));
        QCOMPARE(decoder.next().message.value(u"a"_s).toInt(), 1);
        QCOMPARE(decoder.next().message.value(u"b"_s).toInt(), 2);
        QCOMPARE(decoder.next().status, Status::NeedMore);
        QCOMPARE(decoder.bufferedBytes(), 5);
        decoder.append(third.mid(5));
        QCOMPARE(decoder.bufferedBytes(), third.size());
        const FrameDecoder::Result result = decoder.next();
        QCOMPARE(result.status, Status::Message);
        QCOMPARE(result.message.value(u"c"_s).toInt(), 3);
        QCOMPARE(decoder.bufferedBytes(), 0);
        QCOMPARE(decoder.next().status, Status::NeedMore);
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<Status>("status");
        QTest::addColumn<QString>("error");
        QTest::newRow("truncated header") << QByteArray("\0\0", 2) << Status::NeedMore << QString();
        QTest::newRow("truncated payload")
            << rawFrame(R"({"a":1})").chopped(2) << Status::NeedMore << QString();
        QTest::newRow("zero length") << QByteArray(4, '\0') << Status::Fatal << u"a frame of length 0"_s;
        QTest::newRow("oversized") << QByteArray("\x00\x10\x00\x01", 4) << Status::Fatal
                                   << u"a frame of 1048577 bytes is larger than the 1048576 allowed"_s;
        QTest::newRow("binary garbage header")
            << QByteArray("\xff\xfe\xfd\xfc garbage") << Status::Fatal
            << u"a frame of 4294901244 bytes is larger than the 1048576 allowed"_s;
        QTest::newRow("invalid json") << rawFrame("{not json") << Status::BadPayload
                                      << u"not valid JSON: unterminated object at byte 2"_s;
        QTest::newRow("invalid utf-8") << rawFrame("{\"a\":\"\xff\xfe\"}") << Status::BadPayload
                                       << u"not valid JSON: invalid UTF8 string at byte 6"_s;
        QTest::newRow("array, not object")
            << rawFrame("[1,2]") << Status::BadPayload << u"the message is not a JSON object"_s;
    }

    void badInput()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(Status, status);
        QFETCH(QString, error);
        FrameDecoder decoder(1024 * 1024);
        decoder.append(bytes);
        const FrameDecoder::Result result = decoder.next();
        QCOMPARE(result.status, status);
        QCOMPARE(result.error, error);
    }

    void goesOnAfterABadPayload()
    {
        FrameDecoder decoder(1024);
        decoder.append(rawFrame("[1]") + encodeFrame({{u"ok"_s, true}}));
        QCOMPARE(decoder.next().status, Status::BadPayload);
        const auto result = decoder.next();
        QCOMPARE(result.status, Status::Message);
        QVERIFY(result.message.value(u"ok"_s).toBool());
    }
};

QTEST_GUILESS_MAIN(TestFraming)
#include "tst_framing.moc"
