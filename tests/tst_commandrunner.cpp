// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandrunner.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;

namespace {

std::optional<CommandResult> run(const CommandSpec &spec, const QStringList &extra = {})
{
    CommandRunner runner;
    QSignalSpy finished(&runner, &CommandRunner::finished);
    runner.start(spec, extra);
    if (!finished.wait(20000))
        return std::nullopt;
    return finished.at(0).at(0).value<CommandResult>();
}

} // namespace

class TestCommandRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exitCodeAndOutput()
    {
        const auto result = run(
            {u"check"_s, {u"/bin/sh"_s, u"-c"_s, u"echo out; echo err >&2; exit 3"_s}, milliseconds(10000)});
        QVERIFY(result);
        QCOMPARE(result->exitCode, 3);
        QVERIFY(!result->succeeded());
        QVERIFY(result->error.isEmpty());
        QCOMPARE(result->standardOutput, QByteArray("out\n"));
        QCOMPARE(result->standardError, QByteArray("err\n"));
        QVERIFY(!result->outputTruncated);
    }

    void outputIsCapped()
    {
        const auto result = run(
            {u"flood"_s, {u"/usr/bin/head"_s, u"-c"_s, u"300000"_s, u"/dev/zero"_s}, milliseconds(10000)});
        QVERIFY(result);
        QCOMPARE(result->exitCode, 0);
        QCOMPARE(result->standardOutput.size(), CommandRunner::OutputCap);
        QVERIFY(result->outputTruncated);
    }

    void timeoutKillsTheCommandAndItsChildren()
    {
        QTemporaryDir dir;
        const QString pidFile = dir.filePath(u"child.pid"_s);
        const auto result = run({u"hang"_s,
            {u"/bin/sh"_s, u"-c"_s, u"sleep 60 & echo $! > \"$0\"; wait"_s, pidFile}, milliseconds(300)});
        QVERIFY(result);
        QVERIFY(result->timedOut);
        QCOMPARE(result->exitCode, -1);
        QCOMPARE(result->error, u"killed after the 300 ms timeout"_s);
        QVERIFY(result->durationMs < 10000);
        QFile file(pidFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString child = QString::fromLatin1(file.readAll()).trimmed();
        QVERIFY(!child.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            !QFileInfo::exists(u"/proc/"_s + child) ||
                [&] {
                    QFile status(u"/proc/"_s + child + u"/stat"_s);
                    return status.open(QIODevice::ReadOnly)
                        && status.readAll().contains(") Z "); // reaped soon
                }(),
            5000);
    }

    // A grandchild in a session of its own, whose parent has gone: it is still killed with the command.
    void timeoutKillsDaemonisedGrandchildrenToo()
    {
        QTemporaryDir dir;
        const QString pidFile = dir.filePath(u"daemon.pid"_s);
        const auto result = run({u"daemonise"_s,
            {u"/bin/sh"_s, u"-c"_s, u"(setsid /bin/sleep 1001 & echo $! > \"$0\"); sleep 60"_s, pidFile},
            milliseconds(500)});
        QVERIFY(result);
        QVERIFY(result->timedOut);
        QFile file(pidFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString daemon = QString::fromLatin1(file.readAll()).trimmed();
        QVERIFY(!daemon.isEmpty());
        const auto gone = [&] {
            QFile status(u"/proc/"_s + daemon + u"/stat"_s);
            return !status.open(QIODevice::ReadOnly) || status.readAll().contains(") Z ");
        };
        QTRY_VERIFY_WITH_TIMEOUT(gone(), 5000);
    }

    void theEnvironmentIsTheCommandsOwn()
    {
        qputenv("PIRACK_TEST_SECRET", "agent-only");
        const auto result = run({u"env"_s, {u"/usr/bin/env"_s}, milliseconds(10000)});
        qunsetenv("PIRACK_TEST_SECRET");
        QVERIFY(result);
        const QByteArrayList lines = result->standardOutput.trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        QVERIFY(!result->standardOutput.contains("PIRACK_TEST_SECRET"));
        QVERIFY(lines.contains("PIRACK_COMMAND=env"));
        QVERIFY(lines.contains("LANG=C.UTF-8"));
        // Only what agent.conf passes on by name (pass_environment) comes from the agent's environment.
        qputenv("PIRACK_TEST_PASSED", "yes");
        CommandSpec passing {u"env"_s, {u"/usr/bin/env"_s}, milliseconds(10000)};
        passing.passEnvironment = {u"PIRACK_TEST_PASSED"_s, u"PIRACK_TEST_UNSET"_s};
        const auto passed = run(passing);
        qunsetenv("PIRACK_TEST_PASSED");
        QVERIFY(passed);
        QVERIFY(passed->standardOutput.contains("PIRACK_TEST_PASSED=yes\n"));
        QVERIFY(!passed->standardOutput.contains("PIRACK_TEST_UNSET"));
    }

    void argumentsFollowTheCommandsPolicy()
    {
        CommandSpec spec {u"log"_s, {u"/usr/bin/tail"_s, u"-n"_s, u"5"_s, u"--"_s}, milliseconds(1000)};
        QString problem;
        QVERIFY(spec.acceptsArguments({}, &problem));
        QVERIFY(!spec.acceptsArguments({u"/etc/shadow"_s}, &problem)); // none unless declared
        QVERIFY2(problem.contains(u"takes no arguments"_s), qPrintable(problem));
        spec.arguments = CommandSpec::Arguments::Matching;
        spec.argumentPattern = QRegularExpression(QRegularExpression::anchoredPattern(u"[a-z]+\\.log"_s));
        QVERIFY(spec.acceptsArguments({u"syslog.log"_s}, &problem));
        QVERIFY(!spec.acceptsArguments({u"../credential"_s}, &problem));
        QVERIFY(!spec.acceptsArguments({u"a.log\n"_s}, &problem)); // matched whole, newline included
        spec.arguments = CommandSpec::Arguments::Any;
        QVERIFY(spec.acceptsArguments({u"anything at all"_s}, &problem));
        QVERIFY(!spec.acceptsArguments(QStringList(33, u"x"_s), &problem));
        QVERIFY(!spec.acceptsArguments({QString(1025, u'x')}, &problem));
    }

    void argumentsAreNeverInterpreted()
    {
        QTemporaryDir dir;
        const QString marker = dir.filePath(u"pwned"_s);
        const QStringList hostile {u"; rm -rf /"_s, u"$(touch "_s + marker + u")"_s,
            u"`touch "_s + marker + u"`"_s, u"a && touch "_s + marker, u"| cat /etc/shadow"_s};
        const auto result = run({u"echo"_s, {u"/bin/echo"_s}, milliseconds(10000)}, hostile);
        QVERIFY(result);
        QCOMPARE(result->exitCode, 0);
        QCOMPARE(QString::fromUtf8(result->standardOutput), hostile.join(u' ') + u'\n');
        QVERIFY2(!QFileInfo::exists(marker), "an argument was run by a shell");
    }

    void programThatDoesNotExist()
    {
        const auto result = run({u"ghost"_s, {u"/nonexistent/program"_s}, milliseconds(10000)});
        QVERIFY(result);
        QVERIFY(result->error.startsWith(u"cannot start /nonexistent/program: "_s));
        QCOMPARE(result->exitCode, -1);
        const auto empty = run({u"empty"_s, {}, milliseconds(10000)});
        QVERIFY(empty);
        QCOMPARE(empty->error, u"the command \"empty\" has no program"_s);
    }
};

QTEST_GUILESS_MAIN(TestCommandRunner)
#include "tst_commandrunner.moc"
