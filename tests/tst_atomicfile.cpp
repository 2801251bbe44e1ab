// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "privatetmpfs.h"
#include "storage/atomicfile.h"
#include "storage/jsonfile.h"
#include "testfiles.h"

#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

/// State files on a disk that fills up: the old file must survive every failed write.
class TestAtomicFile : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_disk; ///< A 256 KiB tmpfs of this process's own.

    QStringList leftovers() const
    {
        QStringList names = QDir(m_disk).entryList(QDir::Files | QDir::Hidden);
        names.removeAll(u"filler"_s);
        names.removeAll(u"state.json"_s);
        names.removeAll(u"secret"_s);
        return names;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_disk = m_dir.filePath(u"disk"_s);
        QVERIFY(QDir().mkpath(m_disk));
        QString error;
        QVERIFY2(PrivateTmpfs::mount(m_disk, 256 * 1024, &error), qPrintable(error));
    }

    void cleanupTestCase() { PrivateTmpfs::unmount(m_disk); }

    void cleanup()
    {
        for (const QString &name : QDir(m_disk).entryList(QDir::Files | QDir::Hidden))
            QFile::remove(QDir(m_disk).filePath(name));
    }

    void writesWithThePermissionsAskedFor()
    {
        const QString path = QDir(m_disk).filePath(u"secret"_s);
        QString error;
        QVERIFY2(AtomicFile::write(path, "token\n", AtomicFile::OwnerOnly, &error), qPrintable(error));
        QCOMPARE(readFile(path), QByteArray("token\n"));
        QCOMPARE(QFile::permissions(path) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
            QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QVERIFY(leftovers().isEmpty());
    }

    void aFullDiskKeepsThePreviousFileAndSaysWhy()
    {
        const QString path = QDir(m_disk).filePath(u"state.json"_s);
        QString error;
        QVERIFY2(
            AtomicFile::write(path, "{\"version\": 1}", AtomicFile::OwnerOnly, &error), qPrintable(error));
        QVERIFY2(PrivateTmpfs::fill(m_disk, &error), qPrintable(error));

        // Small enough to be buffered whole by a stdio or Qt buffer: the failure shows only at the flush.
        QVERIFY(!AtomicFile::write(path, "{\"version\": 2}", AtomicFile::OwnerOnly, &error));
        QVERIFY2(error.contains(path) && error.contains(u"No space left on device"_s), qPrintable(error));
        QVERIFY2(error.contains(u"previous file is unchanged"_s), qPrintable(error));
        QCOMPARE(readFile(path), QByteArray("{\"version\": 1}"));
        QVERIFY2(leftovers().isEmpty(), qPrintable(leftovers().join(u", "_s)));

        // Larger than any buffer.
        QVERIFY(!AtomicFile::write(path, QByteArray(300 * 1024, 'y'), AtomicFile::OwnerOnly, &error));
        QCOMPARE(readFile(path), QByteArray("{\"version\": 1}"));
        QVERIFY(leftovers().isEmpty());

        // Room again: the next write goes through.
        QVERIFY(QFile::remove(QDir(m_disk).filePath(u"filler"_s)));
        QVERIFY2(
            AtomicFile::write(path, "{\"version\": 3}", AtomicFile::OwnerOnly, &error), qPrintable(error));
        QCOMPARE(readFile(path), QByteArray("{\"version\": 3}"));
    }

    void jsonIsWrittenCompactAndNeverLargerThanItsReaderAccepts()
    {
        const QString path = QDir(m_disk).filePath(u"state.json"_s);
        QJsonArray nested;
        for (int i = 0; i < 50; ++i)
            nested = QJsonArray {nested};
        QString error;
        QVERIFY2(
            JsonFile::write(path, {{u"deep"_s, nested}}, JsonFile::OwnerOnly, &error), qPrintable(error));
        // Indentation would make this 50 levels of spaces; compact, it is the brackets alone.
        QCOMPARE(readFile(path).size(), qsizetype(QByteArray("{\"deep\":").size() + 51 * 2 + 1));

        const QJsonObject big {{u"blob"_s, QString(2000, u'a')}};
        QVERIFY(!JsonFile::write(path, big, JsonFile::OwnerOnly, &error, 1024));
        QVERIFY2(error.contains(u"more than the 1024"_s), qPrintable(error));
        QCOMPARE(JsonFile::read(path).status, JsonFile::ReadResult::Status::Ok);
        QVERIFY(JsonFile::read(path).object.contains(u"deep"_s));
    }
};

PIRACK_TEST_MAIN_WITH_PRIVATE_MOUNTS(TestAtomicFile)

#include "tst_atomicfile.moc"
