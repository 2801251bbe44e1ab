// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "structurecheck.h"
#include "testfiles.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

struct RunResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// The real executable, as an operator runs it.
RunResult runRackd(const QStringList &arguments)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"QT_LOGGING_RULES"_s); // as an operator runs it, without the tests' debug output
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(RACKD_EXECUTABLE), arguments);
    if (!process.waitForFinished(30000))
        return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
        process.readAllStandardOutput(), process.readAllStandardError()};
}

const QString referenceRack = QStringLiteral(PIRACK_SOURCE_DIR "/structure_rack.ini");

} // namespace

class TestStructureCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validFilePrintsTheRack()
    {
        const RunResult run = runRackd({u"--check"_s, referenceRack});
        QCOMPARE(run.exitCode, 0);
        const QString out = QString::fromUtf8(run.out);
        QVERIFY(out.contains(u"the structure is valid"_s));
        QVERIFY(out.contains(u"12 stack(s), 48 Pi(s), on a 3 x 4 grid"_s));
        // The grid as it stands: stack 5 starts row 2, stack 12 ends row 3.
        QVERIFY2(out.contains(u"row 2  [5]     [6]     [7]     [8]\n"_s), qPrintable(out));
        QVERIFY(out.contains(u"row 3  [9]     [10]    [11]    [12]\n"_s));
        QVERIFY(out.contains(u"1      1    1    BCM 18   4    s1-n1 .. s1-n4     10.42.0.11 - 10.42.0.14"_s));
        QVERIFY(run.err.isEmpty());
    }

    void originalFileWarnsButIsValid()
    {
        const RunResult run
            = runRackd({u"--check"_s, QStringLiteral(PIRACK_TEST_DATA "/original_pirack.ini")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.err.contains(
            "warning: [rack] nbr_stack: nbr_stack = 1, but the file has 2 stack section(s)"));
    }

    void invalidFileListsEveryError()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"bad.ini"_s);
        QVERIFY(writeFile(
            path, "[rack]\npi_stack = 2\nrows = 1\ncols = 1\n[1]\nx = 1\ny = 1\n[2]\nx = 1\ny = 1\n"));
        const RunResult run = runRackd({u"--check"_s, path});
        QCOMPARE(run.exitCode, 1);
        const QString err = QString::fromUtf8(run.err);
        QVERIFY2(err.contains(path + u":9: error: [2] x: row 1, column 1 is already taken by stack 1"_s),
            qPrintable(err));
        QVERIFY(err.contains(u"is not valid (1 error(s))"_s));
        QVERIFY(run.out.isEmpty());
    }

    void unreadableFileExitsTwo()
    {
        const RunResult run = runRackd({u"--check"_s, u"/nonexistent/structure.ini"_s});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("cannot read the structure file: it does not exist"));
    }

    void jsonForMachines()
    {
        const RunResult valid = runRackd({u"--check"_s, referenceRack, u"--json"_s});
        QCOMPARE(valid.exitCode, 0);
        QJsonParseError error;
        const QJsonObject object = QJsonDocument::fromJson(valid.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(object.value(u"valid"_s).toBool(), true);
        const QJsonArray stacks = object.value(u"structure"_s).toObject().value(u"stacks"_s).toArray();
        QCOMPARE(stacks.size(), 12);
        QCOMPARE(stacks.at(11).toObject().value(u"relay_channel"_s).toInt(), 26);
        QCOMPARE(stacks.at(11).toObject().value(u"row"_s).toInt(), 3);
        QCOMPARE(
            stacks.at(0).toObject().value(u"nodes"_s).toArray().at(0).toObject().value(u"name"_s).toString(),
            u"s1-n1"_s);

        const RunResult unreadable = runRackd({u"--check"_s, u"/nonexistent.ini"_s, u"--json"_s});
        QCOMPARE(unreadable.exitCode, 2);
        const QJsonObject failure = QJsonDocument::fromJson(unreadable.out).object();
        QCOMPARE(failure.value(u"readable"_s).toBool(), false);
        QCOMPARE(failure.value(u"issues"_s).toArray().at(0).toObject().value(u"severity"_s).toString(),
            u"error"_s);
    }

    void commandLineMistakes_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown option")
            << QStringList {u"--frobnicate"_s} << u"Unknown option 'frobnicate'"_s;
        QTest::newRow("check without file")
            << QStringList {u"--check"_s} << u"Missing value after '--check'"_s;
        QTest::newRow("json alone") << QStringList {u"--json"_s} << u"--json goes with --check FILE"_s;
        QTest::newRow("stray argument") << QStringList {u"foo"_s} << u"unexpected argument 'foo'"_s;
    }

    void commandLineMistakes()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const RunResult run = runRackd(arguments);
        QCOMPARE(run.exitCode, 64);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
    }

    void missingConfigurationIsAConfigError()
    {
        const RunResult run = runRackd({u"--config"_s, u"/nonexistent/rackd.conf"_s});
        QCOMPARE(run.exitCode, 78);
        QVERIFY2(run.err.startsWith("/nonexistent/rackd.conf: cannot read the configuration: "),
            run.err.constData());
    }

    void helpAndVersion()
    {
        const RunResult help = runRackd({u"--help"_s});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("--check <file>"));
        const RunResult version = runRackd({u"--version"_s});
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out, QByteArray("rackd " PIRACK_VERSION_STRING "\n"));
    }

    void describeShowsEmptyGridPlaces()
    {
        const StructureLoadResult result = StructureReader::parse(
            "[rack]\npi_stack = 1\nrows = 2\ncols = 2\n[1]\nx = 2\ny = 2\n", u"sparse.ini"_s);
        QVERIFY(result.structure);
        const QString text = StructureCheck::describe(*result.structure);
        QVERIFY2(text.contains(u"row 1  .       .\n"_s), qPrintable(text));
        QVERIFY(text.contains(u"row 2  .       [1]\n"_s));
    }
};

QTEST_GUILESS_MAIN(TestStructureCheck)
#include "tst_structurecheck.moc"
