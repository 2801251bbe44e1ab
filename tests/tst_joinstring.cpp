// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocol/joinstring.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {
const QString Hex = QString(u"ab"_s).repeated(32);
const QString Secret = QString(u"S3cr"_s).repeated(10);
} // namespace

class TestJoinString : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        const JoinString join {u"10.42.0.1"_s, 7420, u"SHA256:"_s + Hex, Secret};
        const QString text = join.toString();
        QCOMPARE(text, u"pirack-join:1/10.42.0.1/7420/"_s + Hex + u'/' + Secret);
        QString error;
        const auto parsed = JoinString::parse(u"  "_s + text + u"\n"_s, &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(parsed->host, join.host);
        QCOMPARE(parsed->port, join.port);
        QCOMPARE(parsed->fingerprint, join.fingerprint);
        QCOMPARE(parsed->secret, join.secret);
        QVERIFY(JoinString::parse(u"pirack-join:1/master.lab/7420/"_s + Hex + u'/' + Secret, &error));
        QVERIFY(JoinString::parse(u"pirack-join:1/fd00::1/7420/"_s + Hex + u'/' + Secret, &error));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("not a join string")
            << u"K10abc::server:xyz"_s
            << u"a join string starts with \"pirack-join:1/\" (get one with 'rackctl join create')"_s;
        QTest::newRow("missing part") << u"pirack-join:1/10.0.0.1/7420/"_s
                + Hex << u"a join string has four parts after the prefix: host/port/fingerprint/secret"_s;
        QTest::newRow("bad host") << u"pirack-join:1/ho st/7420/"_s + Hex + u'/' + Secret
                                  << u"\"ho st\" is not a host name or address"_s;
        QTest::newRow("bad port") << u"pirack-join:1/h/99999/"_s + Hex + u'/' + Secret
                                  << u"\"99999\" is not a port"_s;
        QTest::newRow("bad fingerprint") << u"pirack-join:1/h/7420/abcd/"_s + Secret
                                         << u"\"abcd\" is not a SHA-256 fingerprint (64 hex digits)"_s;
        QTest::newRow("short secret") << u"pirack-join:1/h/7420/"_s + Hex + u"/abc"_s
                                      << u"the secret must be 32 to 128 letters, digits, '-' or '_'"_s;
        QTest::newRow("shell in secret")
            << u"pirack-join:1/h/7420/"_s + Hex + u"/$(reboot)aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"_s
            << u"the secret must be 32 to 128 letters, digits, '-' or '_'"_s;
    }

    void refusals()
    {
        QFETCH(QString, text);
        QFETCH(QString, error);
        QString found;
        QVERIFY(!JoinString::parse(text, &found));
        QCOMPARE(found, error);
    }
};

QTEST_GUILESS_MAIN(TestJoinString)
#include "tst_joinstring.moc"
