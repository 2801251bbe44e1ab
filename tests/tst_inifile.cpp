// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "structure/inifile.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestIniFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsSectionsKeysAndLines()
    {
        const IniFile ini
            = IniFile::parse("; header comment\n[rack]\nPi_Stack = 2\n\n# other comment\n[1]\nx: 1\n");
        QVERIFY(ini.errors().isEmpty());
        QCOMPARE(ini.sections().size(), 2);
        QCOMPARE(ini.sections().at(0).name, u"rack"_s);
        QCOMPARE(ini.sections().at(0).line, 2);
        const IniEntry *entry = ini.sections().at(0).find(u"pi_stack");
        QVERIFY(entry);
        QCOMPARE(entry->value, u"2"_s);
        QCOMPARE(entry->line, 3);
        QCOMPARE(ini.sections().at(1).find(u"x")->value, u"1"_s);
        QCOMPARE(ini.sections().at(1).find(u"x")->line, 7);
    }

    void values_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("value");
        QTest::newRow("plain") << QByteArray("k = 12") << u"12"_s;
        QTest::newRow("inline semicolon comment") << QByteArray("k = 12 ; twelve") << u"12"_s;
        QTest::newRow("inline hash comment") << QByteArray("k = 12   # twelve") << u"12"_s;
        QTest::newRow("semicolon without space is data") << QByteArray("k = a;b") << u"a;b"_s;
        QTest::newRow("quoted keeps comment characters") << QByteArray("k = \"a ; b\" ; c") << u"a ; b"_s;
        QTest::newRow("empty") << QByteArray("k =") << QString();
        QTest::newRow("crlf") << QByteArray("k = 3\r") << u"3"_s;
        QTest::newRow("equals in value") << QByteArray("k = a=b") << u"a=b"_s;
    }

    void values()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, value);
        const IniFile ini = IniFile::parse("[s]\n" + line + '\n');
        QVERIFY2(ini.errors().isEmpty(), qPrintable(ini.errors().value(0).message));
        QCOMPARE(ini.sections().at(0).find(u"k")->value, value);
    }

    void keepsDuplicatesForTheCaller()
    {
        const IniFile ini = IniFile::parse("[a]\nk=1\nk=2\n[a]\n");
        QCOMPARE(ini.sections().size(), 2);
        QCOMPARE(ini.sections().at(0).entries.size(), 2);
    }

    void skipsByteOrderMark()
    {
        const IniFile ini = IniFile::parse("\xEF\xBB\xBF[rack]\nrows = 1\n");
        QVERIFY(ini.errors().isEmpty());
        QCOMPARE(ini.sections().at(0).name, u"rack"_s);
    }

    void syntaxErrors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");
        QTest::newRow("unclosed header")
            << QByteArray("[rack\n") << 1 << u"section header '[rack' has no closing ']'"_s;
        QTest::newRow("empty header") << QByteArray("[]\n") << 1 << u"empty section name '[]'"_s;
        QTest::newRow("text after header")
            << QByteArray("[rack] x\n") << 1 << u"unexpected text 'x' after section header"_s;
        QTest::newRow("no separator")
            << QByteArray("[rack]\nrows 3\n") << 2 << u"expected 'key = value', found 'rows 3'"_s;
        QTest::newRow("no key") << QByteArray("[rack]\n= 3\n") << 2 << u"a value without a key: '= 3'"_s;
        QTest::newRow("key before section")
            << QByteArray("rows = 3\n") << 1 << u"key 'rows' appears before any [section]"_s;
        QTest::newRow("unterminated quote")
            << QByteArray("[s]\nk = \"abc\n") << 2 << u"the value \"abc has no closing quote"_s;
        QTest::newRow("text after quote") << QByteArray("[s]\nk = \"a\" b\n") << 2
                                          << u"unexpected text after the quoted value in \"a\" b"_s;
        QTest::newRow("invalid utf-8")
            << QByteArray("[s]\nk = \xff\xfe\n") << 2 << u"the line is not valid UTF-8 text"_s;
        QTest::newRow("nul byte") << QByteArray("[s]\nk = a\0b\n", 12) << 2
                                  << u"the line contains a NUL byte"_s;
    }

    void syntaxErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        QFETCH(QString, message);
        const IniFile ini = IniFile::parse(content);
        QCOMPARE(ini.errors().size(), 1);
        QCOMPARE(ini.errors().at(0).line, line);
        QCOMPARE(ini.errors().at(0).message, message);
    }
};

QTEST_GUILESS_MAIN(TestIniFile)
#include "tst_inifile.moc"
