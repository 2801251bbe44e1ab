// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandrunner.h"

#include "agentlogging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QHash>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

// Every process's parent, from /proc.
QHash<pid_t, pid_t> parentsOfAllProcesses()
{
    QHash<pid_t, pid_t> parents;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const pid_t pid = pid_t(entry.toInt(&isPid));
        if (!isPid)
            continue;
        QFile stat(u"/proc/"_s + entry + u"/stat"_s);
        if (!stat.open(QIODevice::ReadOnly))
            continue; // gone meanwhile
        // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so read after the last ')'.
        const QByteArray line = stat.read(4096);
        const qsizetype end = line.lastIndexOf(')');
        const QList<QByteArray> fields = line.mid(end + 2).split(' ');
        if (end > 0 && fields.size() > 1)
            parents.insert(pid, pid_t(fields.at(1).toInt()));
    }
    return parents;
}

QList<pid_t> descendantsOf(pid_t root)
{
    const QHash<pid_t, pid_t> parents = parentsOfAllProcesses();
    QHash<pid_t, QList<pid_t>> children;
    for (auto it = parents.cbegin(); it != parents.cend(); ++it)
        children[it.value()].append(it.key());
    QList<pid_t> found;
    QList<pid_t> queue {root};
    while (!queue.isEmpty()) {
        const QList<pid_t> next = children.value(queue.takeFirst());
        found += next;
        queue += next;
    }
    return found;
}

// Kills everything below `root`, whatever its process group or session: the command is a child
// subreaper, so an orphan deeper down is re-parented to it and stays in its tree. A tree that
// keeps forking is scanned again, a bounded number of times.
void killDescendants(pid_t root)
{
    for (int round = 0; round < 20; ++round) {
        const QList<pid_t> descendants = descendantsOf(root);
        if (descendants.isEmpty())
            return;
        for (pid_t pid : descendants)
            ::kill(pid, SIGKILL);
    }
}

// What a command sees of its environment: enough to run, and of the agent's only what agent.conf
// passes on by name.
QProcessEnvironment commandEnvironment(const CommandSpec &spec)
{
    const QProcessEnvironment agent = QProcessEnvironment::systemEnvironment();
    QProcessEnvironment environment;
    for (const QString &variable : spec.passEnvironment) {
        if (agent.contains(variable))
            environment.insert(variable, agent.value(variable));
    }
    environment.insert(u"PATH"_s, u"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"_s);
    environment.insert(u"LANG"_s, u"C.UTF-8"_s);
    environment.insert(u"HOME"_s, u"/"_s);
    environment.insert(u"PIRACK_COMMAND"_s, spec.name);
    return environment;
}

} // namespace

QJsonObject CommandResult::toJson() const
{
    QJsonObject object {{u"name"_s, name}, {u"exit_code"_s, exitCode}, {u"timed_out"_s, timedOut},
        {u"stdout"_s, QString::fromUtf8(standardOutput)}, {u"stderr"_s, QString::fromUtf8(standardError)},
        {u"truncated"_s, outputTruncated}, {u"duration_ms"_s, double(durationMs)}};
    if (!error.isEmpty())
        object.insert(u"error"_s, error);
    return object;
}

bool CommandSpec::acceptsArguments(const QStringList &extra, QString *problem) const
{
    if (extra.isEmpty())
        return true;
    if (arguments == Arguments::None) {
        *problem
            = u"the command \"%1\" takes no arguments (its agent.conf entry declares no args)"_s.arg(name);
        return false;
    }
    if (extra.size() > MaximumArguments) {
        *problem = u"at most %1 arguments"_s.arg(MaximumArguments);
        return false;
    }
    for (const QString &argument : extra) {
        const bool tooLong = argument.size() > MaximumArgumentLength;
        const bool hasNul = argument.contains(QChar(0));
        if (tooLong || hasNul
            || (arguments == Arguments::Matching && !argumentPattern.match(argument).hasMatch())) {
            *problem = u"the argument \"%1\" is not allowed for \"%2\"%3"_s.arg(argument.left(64), name,
                arguments == Arguments::Matching ? u" (it must match " + argumentPattern.pattern() + u')'
                                                 : QString());
            return false;
        }
    }
    return true;
}

CommandRunner::CommandRunner(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<CommandResult>();
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        m_result.timedOut = true;
        m_result.error = u"killed after the %1 ms timeout"_s.arg(m_timeout.interval());
        // The command may have started children, also in sessions of their own: the whole tree goes.
        killTree();
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
    // Its own process group, and a subreaper of everything it starts, so that a timeout finds and
    // kills all of it (a daemonising grandchild is re-parented to the command, not to init).
    m_process.setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::prctl(PR_SET_CHILD_SUBREAPER, 1);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL); // and it dies with the agent
    });
    m_process.setInputChannelMode(QProcess::ManagedInputChannel);
}

CommandRunner::~CommandRunner()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.disconnect(this);
        killTree();
        m_process.waitForFinished(2000);
    }
}

void CommandRunner::killTree()
{
    const pid_t pid = pid_t(m_process.processId());
    if (pid > 0) {
        ::kill(pid, SIGSTOP); // it forks no more while its tree is gathered
        killDescendants(pid);
        ::kill(-pid, SIGKILL);
    }
    m_process.kill();
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
    m_process.setProcessEnvironment(commandEnvironment(spec));
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
