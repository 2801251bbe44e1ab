// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandrunner.h"

#include "agentlogging.h"

#include <QDateTime>

#include <csignal>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

QJsonObject CommandResult::toJson() const
{
    QJsonObject object {{u"name"_s, name}, {u"exit_code"_s, exitCode}, {u"timed_out"_s, timedOut},
        {u"stdout"_s, QString::fromUtf8(standardOutput)}, {u"stderr"_s, QString::fromUtf8(standardError)},
        {u"truncated"_s, outputTruncated}, {u"duration_ms"_s, double(durationMs)}};
    if (!error.isEmpty())
        object.insert(u"error"_s, error);
    return object;
}

CommandRunner::CommandRunner(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<CommandResult>();
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        m_result.timedOut = true;
        m_result.error = u"killed after the %1 ms timeout"_s.arg(m_timeout.interval());
        // The command may have started children: the whole process group goes.
        if (m_process.processId() > 0)
            ::kill(-pid_t(m_process.processId()), SIGKILL);
        m_process.kill();
    });
    connect(
        &m_process, &QProcess::readyReadStandardOutput, this, [this] { collect(QProcess::StandardOutput); });
    connect(
        &m_process, &QProcess::readyReadStandardError, this, [this] { collect(QProcess::StandardError); });
    connect(&m_process, &QProcess::finished, this, &CommandRunner::complete);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            m_result.error = u"cannot start %1: %2"_s.arg(m_process.program(), m_process.errorString());
            complete();
        }
    });
    // Its own process group, so a timeout can kill everything it started.
    m_process.setChildProcessModifier([] { ::setpgid(0, 0); });
    m_process.setInputChannelMode(QProcess::ManagedInputChannel);
}

CommandRunner::~CommandRunner()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.disconnect(this);
        if (m_process.processId() > 0)
            ::kill(-pid_t(m_process.processId()), SIGKILL);
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

void CommandRunner::start(const CommandSpec &spec, const QStringList &extraArguments)
{
    m_result = CommandResult {};
    m_result.name = spec.name;
    m_running = true;
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
    if (spec.argv.isEmpty()) {
        m_result.error = u"the command \"%1\" has no program"_s.arg(spec.name);
        QMetaObject::invokeMethod(this, &CommandRunner::complete, Qt::QueuedConnection);
        return;
    }
    qCInfo(lcAgent).noquote() << "running" << spec.name << "as" << (spec.argv + extraArguments).join(u' ');
    m_timeout.start(spec.timeout);
    m_process.start(spec.argv.constFirst(), spec.argv.mid(1) + extraArguments);
    m_process.closeWriteChannel();
}

void CommandRunner::collect(QProcess::ProcessChannel channel)
{
    m_process.setReadChannel(channel);
    QByteArray &target
        = channel == QProcess::StandardOutput ? m_result.standardOutput : m_result.standardError;
    const QByteArray chunk = m_process.readAll();
    const qint64 room = OutputCap - target.size();
    if (chunk.size() > room)
        m_result.outputTruncated = true;
    if (room > 0)
        target.append(chunk.left(room));
}

void CommandRunner::complete()
{
    if (!m_running)
        return;
    m_running = false;
    m_timeout.stop();
    collect(QProcess::StandardOutput);
    collect(QProcess::StandardError);
    if (m_result.error.isEmpty() && m_process.exitStatus() == QProcess::CrashExit)
        m_result.error = u"ended by a signal"_s;
    m_result.exitCode = m_result.error.isEmpty() ? m_process.exitCode() : -1;
    m_result.durationMs = QDateTime::currentMSecsSinceEpoch() - m_startedMs;
    Q_EMIT finished(m_result);
}
