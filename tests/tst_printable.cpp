// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// Text from outside, made safe for a log line, a terminal and a label.
#include "system/printable.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestPrintable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneLineEscapesEveryControlCharacter()
    {
        QCOMPARE(Printable::oneLine(u"zz\n2026-11-30 critical pirack.daemon: forged"_s),
            u"zz\\x0a2026-11-30 critical pirack.daemon: forged"_s);
        QCOMPARE(Printable::oneLine(u"\x1b]0;owned\x07\x1b[2K"_s), u"\\x1b]0;owned\\x07\\x1b[2K"_s);
        // Bidi overrides, line separators and language tags above U+FFFF are format characters too.
        QCOMPARE(Printable::oneLine(u"a\u202Eb\u2028c"_s), u"a\\u202eb\\u2028c"_s);
        QCOMPARE(Printable::oneLine(QString::fromUcs4(U"Pi \U000E0001x", 5)), u"Pi \\U000e0001x"_s);
        QCOMPARE(Printable::oneLine(u"plain text, café"_s), u"plain text, café"_s);
    }

    void oneLineIsCutWithoutSplittingAnEscape()
    {
        QCOMPARE(Printable::oneLine(u"abcdef"_s, 4), u"abcd…"_s);
        QCOMPARE(Printable::oneLine(u"a\n\n\n"_s, 7), u"a\\x0a…"_s);
        QVERIFY(Printable::oneLine(u"a"_s + QString(60, u'\n')).size() <= 201);
    }

    void aTerminalKeepsLinesButNoEscapeSequences()
    {
        QCOMPARE(Printable::forTerminal(u"line 1\n\tline 2\x1b[31m red\r"_s),
            u"line 1\n\tline 2\\x1b[31m red\\x0d"_s);
    }

    void aLogMessageStaysOneEntry()
    {
        // Continuation lines are indented: none can pass for a line of its own, or carry a priority.
        QCOMPARE(Printable::forLog(u"first\n<2>critical: forged\x1b[2K"_s),
            u"first\n    <2>critical: forged\\x1b[2K"_s);
        QVERIFY(!Printable::hasControl(u"ok"_s));
        QVERIFY(Printable::hasControl(u"no\u200Bway"_s)); // a zero-width space is a format character
    }
};

QTEST_GUILESS_MAIN(TestPrintable)
#include "tst_printable.moc"
