// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The saved racks that pirack and rackctl share.
#include "client/savedracks.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestSavedRacks : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path() const { return m_dir.filePath(u"pirack/racks.json"_s); }

private Q_SLOTS:
    void init() { QFile::remove(path()); }

    void twoProgramsKeepEachOthersRacks()
    {
        SavedRacks app(path());
        SavedRacks shell(path());
        QString error;
        QVERIFY(app.load(&error) && shell.load(&error)); // no file yet: no racks, no error
        QVERIFY(app.racks().isEmpty());
        QVERIFY2(app.put({u"lab"_s, u"10.42.0.1"_s, 7420}, &error), qPrintable(error));
        QVERIFY2(shell.put({u"home"_s, u"fd00::1"_s, 17420}, &error), qPrintable(error)); // read before
        QVERIFY(shell.setCurrent(u"lab"_s, &error));
        SavedRacks again(path());
        QVERIFY(again.load(&error));
        QCOMPARE(again.racks().size(), 2);
        QCOMPARE(again.current(), u"lab"_s);
        QCOMPARE(again.find(u"home"_s)->key(), u"fd00::1:17420"_s);
        QCOMPARE(QFile::permissions(path()) & (QFileDevice::ReadOther | QFileDevice::ReadGroup), 0);
        // A rack put again under its name is replaced, not doubled.
        QVERIFY(again.put({u"home"_s, u"home.lan"_s, 7420}, &error));
        QCOMPARE(again.racks().size(), 2);
        QCOMPARE(again.find(u"home"_s)->host, u"home.lan"_s);
        // Removing the current rack leaves none current.
        QVERIFY(again.remove(u"lab"_s, &error));
        QVERIFY(again.current().isEmpty());
    }

    void mistakesAreRefusedAndSayWhy()
    {
        SavedRacks racks(path());
        QString error;
        QVERIFY(!racks.setCurrent(u"nowhere"_s, &error));
        QVERIFY2(error.contains(u"there is no saved rack called \"nowhere\""_s), qPrintable(error));
        QVERIFY(!racks.remove(u"nowhere"_s, &error));
        QVERIFY(!racks.put({QString(101, u'n'), u"h"_s, 1}, &error));
        QVERIFY(!racks.put({u"tab\tname"_s, u"h"_s, 1}, &error));
        QVERIFY(!racks.put({u"lab"_s, QString(), 1}, &error));
        QVERIFY2(error.contains(u"needs a name"_s), qPrintable(error));
        QVERIFY(!QFile::exists(path())); // nothing was written for any of them
    }

    void aDamagedFileIsReportedAndNeverOverwritten_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("not JSON") << QByteArray("{\"racks\": [");
        QTest::newRow("port out of range")
            << QByteArray(R"({"racks":[{"name":"a","host":"h","port":70000}]})");
        QTest::newRow("a name twice")
            << QByteArray(R"({"racks":[{"name":"a","host":"h","port":1},{"name":"a","host":"g","port":2}]})");
    }
    void aDamagedFileIsReportedAndNeverOverwritten()
    {
        QFETCH(QByteArray, content);
        QVERIFY(QDir().mkpath(m_dir.filePath(u"pirack"_s)));
        QFile file(path());
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(content) == content.size());
        file.close();
        SavedRacks racks(path());
        QString error;
        QVERIFY(!racks.load(&error));
        QVERIFY2(error.contains(path()) && error.contains(u"fix or remove it"_s), qPrintable(error));
        QVERIFY(racks.racks().isEmpty());
        QVERIFY(!racks.put({u"lab"_s, u"h"_s, 1}, &error));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), content);
    }
};

QTEST_GUILESS_MAIN(TestSavedRacks)
#include "tst_savedracks.moc"
