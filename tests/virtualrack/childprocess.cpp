// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "childprocess.h"

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

void ChildProcess::prepare(QProcess *process, const QString &logFile)
{
    process->setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
    if (!logFile.isEmpty()) {
        process->setStandardOutputFile(logFile, QIODevice::Append);
        process->setStandardErrorFile(logFile, QIODevice::Append);
    }
    process->setStandardInputFile(QProcess::nullDevice());
}

void ChildProcess::stop(QProcess *process, std::chrono::milliseconds grace)
{
    if (process->state() == QProcess::NotRunning)
        return;
    process->terminate();
    if (!process->waitForFinished(int(grace.count()))) {
        process->kill();
        process->waitForFinished(5000);
    }
}

bool ChildProcess::run(const QString &program, const QStringList &arguments, QString *error,
    std::chrono::milliseconds timeout, QByteArray *output)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(program, arguments);
    if (!process.waitForStarted(int(timeout.count()))) {
        *error = u"cannot run %1: %2"_s.arg(program, process.errorString());
        return false;
    }
    if (!process.waitForFinished(int(timeout.count()))) {
        process.kill();
        process.waitForFinished(2000);
        *error = u"%1 %2 did not finish within %3 s"_s.arg(program, arguments.join(u' '))
                     .arg(timeout.count() / 1000);
        return false;
    }
    const QByteArray text = process.readAll();
    if (output)
        *output = text;
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *error = u"%1 %2 failed: %3"_s.arg(
            program, arguments.join(u' '), QString::fromLocal8Bit(text).trimmed());
        return false;
    }
    return true;
}
