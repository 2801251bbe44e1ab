// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "ledidentifier.h"
#include "testfiles.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;

class TestLedIdentifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void blinksThenRestoresTheTrigger_data()
    {
        QTest::addColumn<QString>("ledName");
        QTest::newRow("ACT (current kernels)") << u"ACT"_s;
        QTest::newRow("led0 (older kernels)") << u"led0"_s;
    }

    void blinksThenRestoresTheTrigger()
    {
        QFETCH(QString, ledName);
        QTemporaryDir root;
        const QString led = root.filePath(u"sys/class/leds/"_s + ledName);
        QVERIFY(QDir().mkpath(led));
        QVERIFY(writeFile(led + u"/trigger"_s, "none rc-feedback kbd-capslock [mmc0] timer heartbeat\n"));
        LedIdentifier identifier(root.path());
        QSignalSpy finished(&identifier, &LedIdentifier::finished);
        QString error;
        QVERIFY2(identifier.start(milliseconds(200), &error), qPrintable(error));
        QVERIFY(identifier.isActive());
        QCOMPARE(readFile(led + u"/trigger"_s), QByteArray("timer"));
        QCOMPARE(readFile(led + u"/delay_on"_s), QByteArray("100"));
        QCOMPARE(readFile(led + u"/delay_off"_s), QByteArray("100"));
        QVERIFY(finished.wait(5000));
        QCOMPARE(readFile(led + u"/trigger"_s), QByteArray("mmc0"));
        QVERIFY(!identifier.isActive());
    }

    void noLedIsAClearError()
    {
        QTemporaryDir root;
        LedIdentifier identifier(root.path());
        QString error;
        QVERIFY(!identifier.start(milliseconds(100), &error));
        QCOMPARE(error, u"this node has no activity LED (no sys/class/leds/ACT or led0)"_s);
    }
};

QTEST_GUILESS_MAIN(TestLedIdentifier)
#include "tst_ledidentifier.moc"
