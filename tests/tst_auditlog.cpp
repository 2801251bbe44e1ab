// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "auditlog.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestAuditLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void appendsAndReadsBack()
    {
        QTemporaryDir dir;
        AuditLog log(dir.filePath(u"audit.log"_s), 1024 * 1024, 3);
        QVERIFY(log.append({{u"token"_s, u"admin"_s}, {u"request"_s, u"power"_s}}));
        QVERIFY(log.append({{u"token"_s, u"ops"_s}, {u"request"_s, u"power"_s}}));
        const QList<QJsonObject> entries = log.last(10);
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries.at(1).value(u"token"_s).toString(), u"ops"_s);
        QVERIFY(!entries.at(0).value(u"time"_s).toString().isEmpty());
        QCOMPARE(log.last(1).at(0).value(u"token"_s).toString(), u"ops"_s);
    }

    void rotatesBySizeAndKeepsOnlySomeFiles()
    {
        QTemporaryDir dir;
        AuditLog log(dir.filePath(u"audit.log"_s), 400, 2);
        for (int i = 0; i < 40; ++i)
            QVERIFY(log.append({{u"n"_s, i}, {u"padding"_s, QString(40, u'x')}}));
        QVERIFY(QFileInfo(dir.filePath(u"audit.log"_s)).size() <= 400);
        QVERIFY(QFile::exists(dir.filePath(u"audit.log.1"_s)));
        QVERIFY(QFile::exists(dir.filePath(u"audit.log.2"_s)));
        QVERIFY(!QFile::exists(dir.filePath(u"audit.log.3"_s)));
        const QList<QJsonObject> entries = log.last(5);
        QCOMPARE(entries.size(), 5);
        QCOMPARE(entries.last().value(u"n"_s).toInt(), 39);
        QCOMPARE(entries.first().value(u"n"_s).toInt(), 35); // in order across the rotated files
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
