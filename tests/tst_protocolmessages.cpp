// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocol/messages.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {
QJsonObject json(const char *text) { return QJsonDocument::fromJson(QByteArray(text)).object(); }
} // namespace

class TestProtocolMessages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrips()
    {
        QString problem;
        const Protocol::Hello hello {1, u"rackctl 0.1.0"_s, u"prt_secret"_s};
        const auto helloBack = Protocol::Hello::fromJson(hello.toJson(), &problem);
        QVERIFY2(helloBack, qPrintable(problem));
        QCOMPARE(helloBack->token, hello.token);
        QCOMPARE(helloBack->software, hello.software);

        const Protocol::Request request {42, u"power"_s, {{u"action"_s, u"on"_s}}};
        const auto requestBack = Protocol::Request::fromJson(request.toJson(), &problem);
        QVERIFY(requestBack);
        QCOMPARE(requestBack->id, 42);
        QCOMPARE(requestBack->method, u"power"_s);
        QCOMPARE(requestBack->params.value(u"action"_s).toString(), u"on"_s);

        const auto failure
            = Protocol::Reply::failure(7, Protocol::ErrorCode::Forbidden, u"viewers may not switch power"_s);
        const auto failureBack = Protocol::Reply::fromJson(failure.toJson(), &problem);
        QVERIFY(failureBack && failureBack->isError());
        QCOMPARE(failureBack->error->code, u"forbidden"_s);

        const Protocol::Event event {u"relay.changed"_s, {{u"stack"_s, 3}}};
        const auto eventBack = Protocol::Event::fromJson(event.toJson(), &problem);
        QVERIFY(eventBack);
        QCOMPARE(eventBack->data.value(u"stack"_s).toInt(), 3);

        const Protocol::Welcome welcome {1, u"rackd"_s, u"admin"_s, u"admin"_s};
        QVERIFY(Protocol::Welcome::fromJson(welcome.toJson(), &problem));
    }

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("problem");
        QTest::newRow("wrong type") << QByteArray(R"({"type":"reply","id":1})")
                                    << u"expected a \"request\" message"_s;
        QTest::newRow("missing id") << QByteArray(R"({"type":"request","method":"status"})")
                                    << u"\"id\" is missing"_s;
        QTest::newRow("string id") << QByteArray(R"({"type":"request","id":"1","method":"status"})")
                                   << u"\"id\" must be a whole number from 1 to 9007199254740991"_s;
        QTest::newRow("fractional id") << QByteArray(R"({"type":"request","id":1.5,"method":"status"})")
                                       << u"\"id\" must be a whole number from 1 to 9007199254740991"_s;
        QTest::newRow("huge id") << QByteArray(R"({"type":"request","id":1e300,"method":"status"})")
                                 << u"\"id\" must be a whole number from 1 to 9007199254740991"_s;
        QTest::newRow("zero id") << QByteArray(R"({"type":"request","id":0,"method":"status"})")
                                 << u"\"id\" must be a whole number from 1 to 9007199254740991"_s;
        QTest::newRow("method not a string") << QByteArray(R"({"type":"request","id":1,"method":5})")
                                             << u"\"method\" must be a non-empty string"_s;
        QTest::newRow("params not an object")
            << QByteArray(R"({"type":"request","id":1,"method":"status","params":[1]})")
            << u"\"params\" must be an object"_s;
    }

    void badRequests()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, problem);
        QString found;
        QVERIFY(!Protocol::Request::fromJson(json(text.constData()), &found));
        QCOMPARE(found, problem);
    }

    void badHellos_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("problem");
        QTest::newRow("no protocol") << QByteArray(R"({"type":"hello","token":"x"})")
                                     << u"\"protocol\" must be a whole number"_s;
        QTest::newRow("no token") << QByteArray(R"({"type":"hello","protocol":1})")
                                  << u"\"token\" is missing"_s;
        QTest::newRow("empty token") << QByteArray(R"({"type":"hello","protocol":1,"token":""})")
                                     << u"\"token\" must be a non-empty string"_s;
    }

    void badHellos()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, problem);
        QString found;
        QVERIFY(!Protocol::Hello::fromJson(json(text.constData()), &found));
        QCOMPARE(found, problem);
    }
};

QTEST_GUILESS_MAIN(TestProtocolMessages)
#include "tst_protocolmessages.moc"
