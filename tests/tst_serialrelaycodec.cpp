// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "serial/serialrelaycodec.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(SerialReply::Status)

class TestSerialRelayCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lcusCommands_data()
    {
        QTest::addColumn<int>("channel");
        QTest::addColumn<bool>("on");
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("1 on") << 1 << true << QByteArray::fromHex("a00101a2");
        QTest::newRow("1 off") << 1 << false << QByteArray::fromHex("a00100a1");
        QTest::newRow("2 on") << 2 << true << QByteArray::fromHex("a00201a3");
        QTest::newRow("8 off") << 8 << false << QByteArray::fromHex("a00800a8");
    }

    void lcusCommands()
    {
        QFETCH(int, channel);
        QFETCH(bool, on);
        QFETCH(QByteArray, bytes);
        QCOMPARE(LcusCodec().switchCommand(channel, on), bytes);
        QCOMPARE(LcusCodec().statusCommand(channel), QByteArray::fromHex("ff"));
    }

    void lcusStatus_data()
    {
        QTest::addColumn<QByteArray>("received");
        QTest::addColumn<int>("channel");
        QTest::addColumn<SerialReply::Status>("status");
        QTest::addColumn<int>("state"); // -1 unknown
        QTest::addColumn<QString>("error");
        QTest::newRow("on") << QByteArray("CH1: ON \r\nCH2: OFF\r\n") << 1 << SerialReply::Status::Complete
                            << 1 << QString();
        QTest::newRow("off") << QByteArray("CH1: ON \r\nCH2: OFF\r\n") << 2 << SerialReply::Status::Complete
                             << 0 << QString();
        QTest::newRow("no space") << QByteArray("CH3:ON\r\n") << 3 << SerialReply::Status::Complete << 1
                                  << QString();
        QTest::newRow("waiting for our line")
            << QByteArray("CH1: ON \r\n") << 4 << SerialReply::Status::Incomplete << -1 << QString();
        QTest::newRow("half a line") << QByteArray("CH1: O") << 1 << SerialReply::Status::Incomplete << -1
                                     << QString();
        QTest::newRow("channel 1 is not 12")
            << QByteArray("CH12: ON\r\nCH1: OFF\r\n") << 1 << SerialReply::Status::Complete << 0 << QString();
        QTest::newRow("binary noise") << QByteArray("CH1: \x01ON") << 1 << SerialReply::Status::Garbage << -1
                                      << u"unexpected byte 0x01 (wrong baud rate or protocol?)"_s;
        QTest::newRow("unknown line") << QByteArray("hello\r\n") << 1 << SerialReply::Status::Garbage << -1
                                      << u"unexpected status line \"hello\""_s;
        QTest::newRow("endless line")
            << QByteArray("CH" + QByteArray(2000, '1')) << 1 << SerialReply::Status::Garbage << -1
            << u"the status reply has no line for channel 1"_s;
        QTest::newRow("endless lines")
            << QByteArray("CH2: ON\r\n").repeated(200) << 1 << SerialReply::Status::Garbage << -1
            << u"the status reply has no line for channel 1"_s;
    }

    void lcusStatus()
    {
        QFETCH(QByteArray, received);
        QFETCH(int, channel);
        QFETCH(SerialReply::Status, status);
        QFETCH(int, state);
        QFETCH(QString, error);
        const SerialReply reply = LcusCodec().parseStatusReply(received, channel);
        QCOMPARE(reply.status, status);
        QCOMPARE(reply.state, state < 0 ? std::optional<bool>() : std::optional<bool>(state == 1));
        QCOMPARE(reply.error, error);
    }

    void numatoCommands()
    {
        const NumatoCodec codec;
        QCOMPARE(codec.switchCommand(0, true), QByteArray("relay on 0\r"));
        QCOMPARE(codec.switchCommand(7, false), QByteArray("relay off 7\r"));
        QCOMPARE(codec.switchCommand(10, true), QByteArray("relay on A\r"));
        QCOMPARE(codec.switchCommand(31, true), QByteArray("relay on V\r"));
        QCOMPARE(codec.statusCommand(3), QByteArray("relay read 3\r"));
    }

    void numatoReplies_data()
    {
        QTest::addColumn<bool>("read");
        QTest::addColumn<QByteArray>("received");
        QTest::addColumn<SerialReply::Status>("status");
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("error");
        QTest::newRow("switch echoed")
            << false << QByteArray("relay on 2\n\r>") << SerialReply::Status::Complete << -1 << QString();
        QTest::newRow("switch partial echo")
            << false << QByteArray("relay o") << SerialReply::Status::Incomplete << -1 << QString();
        QTest::newRow("switch no prompt yet")
            << false << QByteArray("relay on 2\n\r") << SerialReply::Status::Incomplete << -1 << QString();
        QTest::newRow("switch wrong echo")
            << false << QByteArray("relay off 2\n\r>") << SerialReply::Status::Garbage << -1
            << u"expected the echo \"relay on 2\", received \"relay off 2\\n\\r>\""_s;
        QTest::newRow("switch error text")
            << false << QByteArray("relay on 2\n\rInvalid\n\r>") << SerialReply::Status::Garbage << -1
            << u"the board answered \"Invalid\""_s;
        QTest::newRow("read on") << true << QByteArray("relay read 2\n\ron\n\r>")
                                 << SerialReply::Status::Complete << 1 << QString();
        QTest::newRow("read off after old prompt") << true << QByteArray("\n\rrelay read 2\n\roff\n\r>")
                                                   << SerialReply::Status::Complete << 0 << QString();
        QTest::newRow("read nonsense")
            << true << QByteArray("relay read 2\n\rmaybe\n\r>") << SerialReply::Status::Garbage << -1
            << u"expected on or off, received \"maybe\""_s;
    }

    void numatoReplies()
    {
        QFETCH(bool, read);
        QFETCH(QByteArray, received);
        QFETCH(SerialReply::Status, status);
        QFETCH(int, state);
        QFETCH(QString, error);
        const NumatoCodec codec;
        const SerialReply reply
            = read ? codec.parseStatusReply(received, 2) : codec.parseSwitchReply(received, 2, true);
        QCOMPARE(reply.status, status);
        QCOMPARE(reply.state, state < 0 ? std::optional<bool>() : std::optional<bool>(state == 1));
        QCOMPARE(reply.error, error);
    }
};

QTEST_GUILESS_MAIN(TestSerialRelayCodec)
#include "tst_serialrelaycodec.moc"
