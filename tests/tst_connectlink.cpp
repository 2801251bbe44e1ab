// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The connect link: made by rackctl and the app, pasted into the app and into rackctl rack add.
#include "client/connectlink.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestConnectLink : public QObject
{
    Q_OBJECT

    static QString fingerprint() { return u"SHA256:"_s + QString(64, u'a'); }
    static QString token() { return u"prt_"_s + QString(40, u'x') + u"-_9"_s; }

private Q_SLOTS:
    void aLinkReadsBackAsItWasMade_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("text");
        QTest::newRow("address") << u"10.42.0.1"_s << 7420 << QString()
                                 << u"pirack://10.42.0.1:7420/?fingerprint=%1&token=%2"_s;
        QTest::newRow("name with a space and an ampersand")
            << u"rackmaster.lab"_s << 17420 << u"lab rack & co"_s
            << u"pirack://rackmaster.lab:17420/?name=lab%20rack%20%26%20co&fingerprint=%1&token=%2"_s;
        QTest::newRow("IPv6") << u"fd00::1"_s << 7420 << u"v6"_s
                              << u"pirack://[fd00::1]:7420/?name=v6&fingerprint=%1&token=%2"_s;
    }
    void aLinkReadsBackAsItWasMade()
    {
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, name);
        QFETCH(QString, text);
        const ConnectLink link {host, quint16(port), fingerprint(), token(), name};
        QCOMPARE(link.toString(), text.arg(fingerprint(), token()));
        QString error;
        const std::optional<ConnectLink> read
            = ConnectLink::parse(u"  "_s + link.toString() + u"\n"_s, &error);
        QVERIFY2(read, qPrintable(error));
        QCOMPARE(read->host, host);
        QCOMPARE(read->port, quint16(port));
        QCOMPARE(read->fingerprint, fingerprint());
        QCOMPARE(read->token, token());
        QCOMPARE(read->name, name);
    }

    void aPastedFingerprintIsMadeCanonicalAndANamelessRackIsNamedAfterItsPlace()
    {
        QString error;
        const QString colons = u"sha256:"_s + QStringList(32, u"AB"_s).join(u':');
        const auto link = ConnectLink::parse(
            u"PIRACK://Master:7420?fingerprint=%1&token=%2"_s.arg(colons, token()), &error);
        QVERIFY2(link, qPrintable(error));
        QCOMPARE(link->fingerprint, u"SHA256:"_s + QString(64, u'a').replace(u'a', u"ab"_s).left(64));
        QCOMPARE(link->host, u"master"_s); // host names are not case-sensitive; URLs lower-case them
        QCOMPARE(link->rackName(), u"master:7420"_s);
        const ConnectLink v6 {u"::1"_s, 7420, fingerprint(), token(), {}};
        QCOMPARE(v6.rackName(), u"[::1]:7420"_s);
    }

    void badLinksAreRefusedWithTheirReason_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        const QString good
            = u"pirack://10.42.0.1:7420/?fingerprint=%1&token=%2"_s.arg(fingerprint(), token());
        QTest::newRow("empty") << u"   "_s << u"the connect link is empty"_s;
        QTest::newRow("another scheme") << u"https://10.42.0.1:7420/"_s << u"it must start with pirack://"_s;
        QTest::newRow("cut in the token") << good.chopped(5) << u"the connect link's token is not whole"_s;
        QTest::newRow("cut before the token")
            << good.left(good.indexOf(u"&token"_s)) << u"the connect link has no token"_s;
        QTest::newRow("cut in the fingerprint")
            << good.left(good.indexOf(u"aaaa"_s) + 10) << u"was the link cut short?"_s;
        QTest::newRow("no fingerprint")
            << u"pirack://h:1/?token=%1"_s.arg(token()) << u"the connect link has no fingerprint"_s;
        QTest::newRow("no port") << u"pirack://10.42.0.1/?fingerprint=%1&token=%2"_s.arg(fingerprint(),
            token()) << u"has no port after the host"_s;
        QTest::newRow("port 0") << u"pirack://10.42.0.1:0/?fingerprint=%1&token=%2"_s.arg(fingerprint(),
            token()) << u"port 0 is not from 1 to 65535"_s;
        QTest::newRow("no host") << u"pirack://:7420/?fingerprint=%1&token=%2"_s.arg(fingerprint(), token())
                                 << u"names no host"_s;
        QTest::newRow("a line break inside")
            << good.left(30) + u"\n"_s + good.mid(30) << u"a space or a control character"_s;
        QTest::newRow("user info") << u"pirack://me:pw@h:7420/?fingerprint=%1&token=%2"_s.arg(
            fingerprint(), token()) << u"must not carry a user name"_s;
        QTest::newRow("a path") << u"pirack://h:7420/x?fingerprint=%1&token=%2"_s.arg(fingerprint(), token())
                                << u"has a path (/x)"_s;
        QTest::newRow("unknown part")
            << good + u"&colour=red"_s << u"a part 'colour' that PiRack does not know"_s;
        QTest::newRow("token twice") << good + u"&token="_s + token() << u"gives 'token' twice"_s;
        QTest::newRow("not a token") << u"pirack://h:7420/?fingerprint=%1&token=%2"_s.arg(fingerprint(),
            QString(47, u'x')) << u"the connect link's token is not whole"_s;
        QTest::newRow("a host with a star in it")
            << u"pirack://a*b:7420/?fingerprint=%1&token=%2"_s.arg(fingerprint(), token()) << u"host"_s;
        QTest::newRow("far too long") << good + u"&name="_s + QString(3000, u'n') << u"longer than 2048"_s;
        QTest::newRow("a fragment") << good + u"#x"_s << u"'#' part"_s;
    }
    void badLinksAreRefusedWithTheirReason()
    {
        QFETCH(QString, text);
        QFETCH(QString, error);
        QString reason;
        QVERIFY(!ConnectLink::parse(text, &reason));
        QVERIFY2(reason.contains(error), qPrintable(reason));
        QVERIFY2(
            !reason.contains(u"xxxxxxxx"_s), qPrintable(u"an error never repeats the token: "_s + reason));
    }
};

QTEST_GUILESS_MAIN(TestConnectLink)
#include "tst_connectlink.moc"
