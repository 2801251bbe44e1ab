// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// fanout-bench: rackd with N agents over real TLS on loopback, all on this machine.
// (Past ~600 lines on purpose: a benchmark is read as one program, from its options to its table.)
//
//   fanout-bench [--runs R] [--idle S] [--startup-runs K] [--per-process P] [N...]
//
// For each N (default 10 49 200 1000 5000) it prints:
//  - rackd's start-up time to a listening socket with N nodes in its inventory (median of K);
//  - one round of the no-op action (`exec ping all`) and of a named command that starts a process
//    on every agent (`exec true all`): the round from request to final reply, and each node's
//    result from the request to its `exec.result` event, as rackctl sees them (medians of R, p50
//    and p99 over all results of all rounds); rackd's CPU seconds per round; rackd's peak RSS;
//  - the idle cost over S seconds with every agent heartbeating every 5 s: rackd's CPU per minute
//    and RSS, and one real rack-agent process's RSS and CPU.
// N-1 agents run in bench-agent-swarm processes (P per process, each with its own connection,
// credential and MAC); one is a real rack-agent process, the one whose cost is reported.
#include "client/rackclient.h"
#include "storage/jsonfile.h"
#include "system/logformat.h"
#include "system/openfilelimit.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace {

QTextStream out(stdout);

[[noreturn]] void fail(const QString &message)
{
    out.flush();
    std::fprintf(stderr, "fanout-bench: %s\n", qPrintable(message));
    std::exit(1);
}

QString macFor(int index)
{
    return u"b8:27:eb:%1:%2:%3"_s.arg(index / 65536, 2, 16, QLatin1Char('0'))
        .arg((index / 256) % 256, 2, 16, QLatin1Char('0'))
        .arg(index % 256, 2, 16, QLatin1Char('0'));
}

bool writeText(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype middle = values.size() / 2;
    return values.size() % 2 ? values.at(middle) : (values.at(middle - 1) + values.at(middle)) / 2;
}

double percentile(QList<double> values, double fraction)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto index = qsizetype(fraction * double(values.size() - 1) + 0.5);
    return values.at(std::min(index, values.size() - 1));
}

/// What /proc says about a process: CPU seconds (user + system), RSS and peak RSS in MiB.
struct ProcessCost
{
    double cpuSeconds = 0;
    double rssMiB = 0;
    double peakRssMiB = 0;
    double privateMiB = 0; ///< What only this process holds: RSS without shared library pages.

    static ProcessCost of(qint64 pid)
    {
        ProcessCost cost;
        QFile stat(u"/proc/%1/stat"_s.arg(pid));
        if (stat.open(QIODevice::ReadOnly)) {
            // The command name may hold spaces: the fields that follow start after its ')'.
            const QByteArray line = stat.readAll();
            const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
            const double ticks = double(sysconf(_SC_CLK_TCK));
            cost.cpuSeconds = (fields.value(11).toDouble() + fields.value(12).toDouble()) / ticks;
        }
        QFile status(u"/proc/%1/status"_s.arg(pid));
        if (status.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : status.readAll().split('\n')) {
                const QList<QByteArray> parts = line.simplified().split(' ');
                if (parts.value(0) == "VmRSS:")
                    cost.rssMiB = parts.value(1).toDouble() / 1024;
                else if (parts.value(0) == "VmHWM:")
                    cost.peakRssMiB = parts.value(1).toDouble() / 1024;
            }
        }
        QFile rollup(u"/proc/%1/smaps_rollup"_s.arg(pid));
        if (rollup.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : rollup.readAll().split('\n')) {
                const QList<QByteArray> parts = line.simplified().split(' ');
                if (parts.value(0) == "Private_Clean:" || parts.value(0) == "Private_Dirty:")
                    cost.privateMiB += parts.value(1).toDouble() / 1024;
            }
        }
        return cost;
    }
};

/// A child that ends with this benchmark, however it ends (a failure exits without destructors).
QProcess *childProcess()
{
    auto *process = new QProcess;
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    return process;
}

/// Runs the event loop until `done` holds or the deadline passes; true when it held.
bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QEventLoop loop;
        QTimer::singleShot(5, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

/// Whether something accepts TCP connections on 127.0.0.1:port, asked without an event loop.
bool accepting(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

struct Options
{
    QList<int> sizes {10, 49, 200, 1000, 5000};
    int runs = 10;
    int idleSeconds = 60;
    int startupRuns = 5;
    int perProcess = 1250;
};

/// One kind of exec round to all nodes: medians over the rounds, CPU per round.
struct RoundFigures
{
    double roundMs = 0;
    double p50Ms = 0; ///< Over every node's result in every round.
    double p99Ms = 0;
    double rackdCpuSeconds = 0;
    double agentsCpuSeconds = 0; ///< All agents' (on a real rack: each Pi's own).
    double clientCpuSeconds = 0; ///< This program's, as rackctl: sending, and reading every result.
};

struct Figures
{
    int nodes = 0;
    double startupMs = 0;
    double connectSeconds = 0;
    RoundFigures ping;
    RoundFigures command;
    double peakRssMiB = 0;
    double idleRssMiB = 0;
    double idleCpuSecondsPerMinute = 0;
    double agentRssMiB = 0;
    double agentPrivateMiB = 0;
    double agentCpuSecondsPerMinute = 0;
};

/// One rack of N nodes in a temporary folder: rackd, its seeded inventory, and the agents.
class Rack
{
public:
    Rack(int nodes, const Options &options)
        : m_nodes(nodes)
        , m_options(options)
    {
        if (!m_dir.isValid())
            fail(u"cannot make a temporary folder"_s);
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            fail(u"no free port on 127.0.0.1"_s);
        m_port = probe.serverPort();
    }

    ~Rack()
    {
        // The agents first, as at a rack's shutdown: rackd going first would make them all reconnect.
        std::reverse(m_processes.begin(), m_processes.end());
        for (QProcess *process : std::as_const(m_processes)) {
            process->terminate();
            if (!process->waitForFinished(10000))
                process->kill();
            process->waitForFinished(5000);
        }
        qDeleteAll(m_processes);
    }

    QString path(const QString &name) const { return m_dir.filePath(name); }

    /// The configuration, rackd's key (through `rackd --fingerprint`), and N nodes that have joined.
    void prepare()
    {
        const QByteArray config
            = "[rackd]\nlisten_address = 127.0.0.1\nlisten_port = " + QByteArray::number(m_port)
            + "\nstate_directory = state\nstructure_file = rack.ini\nboot_id_file = boot_id\n"
              "join_host = 127.0.0.1\nheartbeat_interval = 5\ndhcp_event_socket = dhcp-events.sock\n"
              "dnsmasq_hosts_file = dnsmasq/dhcp-hosts\ndnsmasq_names_file = dnsmasq/hosts\n"
              "dnsmasq_pid_file = off\nhttp_listen_port = 0\n"
              // Every agent of the swarms connects from 127.0.0.1 at once.
              "unauthenticated_limit = 100000\nunauthenticated_per_source = 100000\n";
        const QByteArray rack = "[rack]\npi_stack = 4\nrows = 1\ncols = 1\nrelay_backend = simulated\n"
                                "[1]\nx = 1\ny = 1\n";
        if (!writeText(path(u"rackd.conf"_s), config) || !writeText(path(u"rack.ini"_s), rack)
            || !writeText(path(u"boot_id"_s), "boot-1\n"))
            fail(u"cannot write rackd's configuration in "_s + m_dir.path());
        QProcess fingerprint;
        fingerprint.start(
            QStringLiteral(PIRACK_RACKD_PATH), {u"--config"_s, path(u"rackd.conf"_s), u"--fingerprint"_s});
        if (!fingerprint.waitForFinished(30000) || fingerprint.exitCode() != 0)
            fail(u"rackd --fingerprint failed: "_s + QString::fromUtf8(fingerprint.readAllStandardError()));
        m_fingerprint = QString::fromUtf8(fingerprint.readAllStandardOutput()).trimmed();

        // The nodes as if each had joined: a credential on the node, its hash in rackd's inventory.
        QJsonArray inventory;
        for (int index = 0; index < m_nodes; ++index) {
            const QString credential
                = QString::fromLatin1(QByteArray::number(QRandomGenerator::global()->generate64(), 16)
                    + QByteArray::number(QRandomGenerator::global()->generate64(), 16));
            const QString root = path(u"node%1"_s.arg(index));
            QString error;
            if (!QDir().mkpath(root + u"/sys/class/net/eth0"_s)
                || !writeText(root + u"/sys/class/net/eth0/address"_s, macFor(index).toLatin1() + '\n')
                || !JsonFile::write(root + u"/credential"_s,
                    {{u"rackd_host"_s, u"127.0.0.1"_s}, {u"rackd_port"_s, m_port},
                        {u"rackd_fingerprint"_s, m_fingerprint}, {u"credential"_s, credential}},
                    JsonFile::OwnerOnly, &error))
                fail(u"cannot write node %1's files: %2"_s.arg(index).arg(error));
            inventory.append(QJsonObject {{u"mac"_s, macFor(index)}, {u"name"_s, QString()},
                {u"identity"_s, QJsonObject {{u"model"_s, u"bench"_s}}},
                {u"credential_sha256"_s,
                    QString::fromLatin1(
                        QCryptographicHash::hash(credential.toUtf8(), QCryptographicHash::Sha256).toHex())}});
        }
        QString error;
        if (!JsonFile::write(
                path(u"state/nodes.json"_s), {{u"nodes"_s, inventory}}, JsonFile::OwnerOnly, &error))
            fail(u"cannot write the inventory: "_s + error);
        if (!writeText(path(u"agent.conf"_s),
                "[agent]\ncredential_file = " + path(u"node%1/credential"_s.arg(m_nodes - 1)).toUtf8()
                    + "\nroot_directory = " + path(u"node%1"_s.arg(m_nodes - 1)).toUtf8()
                    + "\nheartbeat_interval = 5\n[command true]\nargv = /bin/true\n"))
            fail(u"cannot write the rack-agent's configuration in "_s + m_dir.path());
    }

    /// Starts rackd and returns the time until its port accepts connections, in ms.
    double startRackd()
    {
        auto *rackd = childProcess();
        rackd->setStandardOutputFile(path(u"rackd.log"_s), QIODevice::Append);
        rackd->setStandardErrorFile(path(u"rackd.log"_s), QIODevice::Append);
        QElapsedTimer clock;
        clock.start();
        // FANOUT_BENCH_WRAP="heaptrack -o /tmp/rackd" (or valgrind, perf record) runs rackd under a profiler.
        QStringList command
            = QString::fromLocal8Bit(qgetenv("FANOUT_BENCH_WRAP")).split(u' ', Qt::SkipEmptyParts);
        command << QStringLiteral(PIRACK_RACKD_PATH) << u"--config"_s << path(u"rackd.conf"_s);
        rackd->start(command.takeFirst(), command);
        if (!rackd->waitForStarted(10000))
            fail(u"cannot start rackd: "_s + rackd->errorString());
        while (!accepting(m_port)) {
            if (rackd->state() != QProcess::Running || clock.elapsed() > 60000)
                fail(u"rackd did not listen on port %1; see %2"_s.arg(m_port).arg(path(u"rackd.log"_s)));
            usleep(500);
        }
        const double elapsed = double(clock.nsecsElapsed()) / 1e6;
        m_rackd = rackd;
        m_processes.append(rackd);
        return elapsed;
    }

    void stopRackd()
    {
        m_processes.removeOne(m_rackd);
        m_rackd->terminate();
        if (!m_rackd->waitForFinished(30000))
            fail(u"rackd did not stop on SIGTERM"_s);
        delete m_rackd;
        m_rackd = nullptr;
    }

    qint64 rackdPid() const { return m_rackd->processId(); }
    qint64 agentPid() const { return m_agent ? m_agent->processId() : 0; }
    /// The agents' processes: the swarms and the one rack-agent.
    QList<qint64> agentPids() const
    {
        QList<qint64> pids;
        for (const QProcess *process : m_processes) {
            if (process != m_rackd)
                pids.append(process->processId());
        }
        return pids;
    }

    void connectAdmin()
    {
        QFile tokenFile(path(u"state/initial-admin-token"_s));
        if (!tokenFile.open(QIODevice::ReadOnly))
            fail(u"rackd wrote no initial admin token"_s);
        RackClient::Options options {u"127.0.0.1"_s, m_port, QString::fromUtf8(tokenFile.readAll()).trimmed(),
            m_fingerprint, u"fanout-bench"_s};
        bool ready = false;
        QString why;
        QObject::connect(&m_admin, &RackClient::ready, &m_admin, [&ready] { ready = true; });
        QObject::connect(&m_admin, &RackClient::disconnected, &m_admin,
            [&why](const QString &, const QString &reason) { why = reason; });
        m_admin.connectToRack(options);
        if (!waitFor([&] { return ready || !why.isEmpty(); }, 30000) || !ready)
            fail(u"the admin client could not connect: "_s + why);
        QObject::disconnect(&m_admin, nullptr, &m_admin, nullptr);
    }

    /// Starts every agent and waits until rackd counts all N up; returns how long that took, in s.
    double startAgents()
    {
        QElapsedTimer clock;
        clock.start();
        const int swarmNodes = m_nodes - 1;
        for (int first = 0; first < swarmNodes; first += m_options.perProcess) {
            auto *swarm = childProcess();
            swarm->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            swarm->start(QStringLiteral(PIRACK_SWARM_PATH),
                {m_dir.path(), QString::number(first),
                    QString::number(std::min(m_options.perProcess, swarmNodes - first)), u"5"_s});
            m_processes.append(swarm);
        }
        m_agent = childProcess();
        m_agent->setStandardOutputFile(path(u"rack-agent.log"_s));
        m_agent->setStandardErrorFile(path(u"rack-agent.log"_s));
        m_agent->start(QStringLiteral(PIRACK_AGENT_PATH), {u"--config"_s, path(u"agent.conf"_s)});
        m_processes.append(m_agent);

        int up = 0;
        int shown = -1;
        QElapsedTimer lastAsked; // rackd is asked twice a second, not on every turn of the loop
        const bool allUp = waitFor(
            [&] {
                if (lastAsked.isValid() && lastAsked.elapsed() < 500)
                    return false;
                lastAsked.start();
                const auto reply = call(u"nodes"_s, {}, 30000);
                up = 0;
                for (const QJsonValue &node :
                    reply ? reply->result.value(u"nodes"_s).toArray() : QJsonArray())
                    up += node.toObject().value(u"state"_s).toString() == u"up" ? 1 : 0;
                if (up / 500 != shown / 500 && up != shown) {
                    std::fprintf(stderr, "  %d of %d agents connected (%.0f s)\n", up, m_nodes,
                        double(clock.elapsed()) / 1000);
                    shown = up;
                }
                return up >= m_nodes;
            },
            600000);
        if (!allUp)
            fail(u"only %1 of %2 agents connected within 10 minutes"_s.arg(up).arg(m_nodes));
        return double(clock.elapsed()) / 1000;
    }

    std::optional<Protocol::Reply> call(const QString &method, const QJsonObject &params, int timeoutMs)
    {
        auto reply = std::make_shared<std::optional<Protocol::Reply>>();
        m_admin.request(method, params, [reply](const Protocol::Reply &answer) { *reply = answer; });
        waitFor([&] { return reply->has_value(); }, timeoutMs);
        return *reply;
    }

    /// One exec round to all: the round's time, and each node's time to its result, in ms.
    struct Round
    {
        double totalMs = 0;
        QList<double> perNodeMs;
        int failed = 0;
    };

    Round execRound(const QJsonObject &params)
    {
        Round round;
        QElapsedTimer clock;
        const auto stream = QObject::connect(
            &m_admin, &RackClient::eventReceived, &m_admin, [&round, &clock](const Protocol::Event &event) {
                if (event.name == u"exec.result")
                    round.perNodeMs.append(double(clock.nsecsElapsed()) / 1e6);
            });
        auto reply = std::make_shared<std::optional<Protocol::Reply>>();
        clock.start();
        m_admin.request(u"exec"_s, params, [reply](const Protocol::Reply &answer) { *reply = answer; });
        // Spin the loop without a timer in between: a 5 ms tick would be the measurement.
        while (!reply->has_value()) {
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
            if (clock.elapsed() > 120000)
                fail(u"an exec round took more than 120 s"_s);
        }
        round.totalMs = double(clock.nsecsElapsed()) / 1e6;
        QObject::disconnect(stream);
        if ((*reply)->isError())
            fail(u"exec failed: "_s + (*reply)->error->message);
        round.failed = (*reply)->result.value(u"failed"_s).toInt();
        if ((*reply)->result.value(u"results"_s).toArray().size() != m_nodes
            || round.perNodeMs.size() != m_nodes)
            fail(u"an exec round answered for %1 nodes and streamed %2, not %3"_s
                     .arg((*reply)->result.value(u"results"_s).toArray().size())
                     .arg(round.perNodeMs.size())
                     .arg(m_nodes));
        return round;
    }

    /// Lets time pass with the event loop running (the admin client keeps reading its events).
    static void idle(int seconds)
    {
        QEventLoop loop;
        QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
        loop.exec();
    }

private:
    int m_nodes;
    const Options &m_options;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    QString m_fingerprint;
    QList<QProcess *> m_processes;
    QProcess *m_rackd = nullptr;
    QProcess *m_agent = nullptr;
    RackClient m_admin;
};

Figures measure(int nodes, const Options &options)
{
    Figures figures;
    figures.nodes = nodes;
    Rack rack(nodes, options);
    rack.prepare();

    QList<double> startups;
    for (int run = 0; run < options.startupRuns; ++run) {
        startups.append(rack.startRackd());
        rack.stopRackd();
    }
    figures.startupMs = median(startups);
    rack.startRackd();
    rack.connectAdmin();
    figures.connectSeconds = rack.startAgents();

    const auto agentsCpu = [&rack] {
        double seconds = 0;
        for (qint64 pid : rack.agentPids())
            seconds += ProcessCost::of(pid).cpuSeconds;
        return seconds;
    };
    const qint64 self = QCoreApplication::applicationPid();
    const auto rounds = [&](const QJsonObject &params) {
        rack.execRound(params); // the first round warms up the caches and code paths
        QList<double> totals;
        QList<double> perNode;
        const double cpuBefore = ProcessCost::of(rack.rackdPid()).cpuSeconds;
        const double agentsBefore = agentsCpu();
        const double clientBefore = ProcessCost::of(self).cpuSeconds;
        for (int run = 0; run < options.runs; ++run) {
            const Rack::Round round = rack.execRound(params);
            if (round.failed)
                fail(u"%1 of %2 nodes failed an exec round"_s.arg(round.failed).arg(nodes));
            totals.append(round.totalMs);
            perNode.append(round.perNodeMs);
        }
        RoundFigures result;
        result.rackdCpuSeconds = (ProcessCost::of(rack.rackdPid()).cpuSeconds - cpuBefore) / options.runs;
        result.agentsCpuSeconds = (agentsCpu() - agentsBefore) / options.runs;
        result.clientCpuSeconds = (ProcessCost::of(self).cpuSeconds - clientBefore) / options.runs;
        result.roundMs = median(totals);
        result.p50Ms = percentile(perNode, 0.5);
        result.p99Ms = percentile(perNode, 0.99);
        return result;
    };
    figures.ping = rounds({{u"action"_s, u"ping"_s}, {u"targets"_s, u"all"_s}, {u"timeout_s"_s, 60}});
    figures.command = rounds(
        {{u"action"_s, u"run"_s}, {u"command"_s, u"true"_s}, {u"targets"_s, u"all"_s}, {u"timeout_s"_s, 60}});

    const ProcessCost rackdBefore = ProcessCost::of(rack.rackdPid());
    const ProcessCost agentBefore = ProcessCost::of(rack.agentPid());
    Rack::idle(options.idleSeconds);
    const ProcessCost rackdAfter = ProcessCost::of(rack.rackdPid());
    const ProcessCost agentAfter = ProcessCost::of(rack.agentPid());
    const double minutes = options.idleSeconds / 60.0;
    figures.idleCpuSecondsPerMinute = (rackdAfter.cpuSeconds - rackdBefore.cpuSeconds) / minutes;
    figures.idleRssMiB = rackdAfter.rssMiB;
    figures.peakRssMiB = rackdAfter.peakRssMiB;
    figures.agentRssMiB = agentAfter.rssMiB;
    figures.agentPrivateMiB = agentAfter.privateMiB;
    figures.agentCpuSecondsPerMinute = (agentAfter.cpuSeconds - agentBefore.cpuSeconds) / minutes;
    return figures;
}

std::optional<Options> parse(const QStringList &arguments)
{
    Options options;
    QList<int> sizes;
    for (qsizetype index = 1; index < arguments.size(); ++index) {
        const QString argument = arguments.at(index);
        const auto number = [&](int *target, int minimum) {
            bool ok = false;
            *target = arguments.value(++index).toInt(&ok);
            return ok && *target >= minimum;
        };
        bool ok = true;
        if (argument == u"--runs")
            ok = number(&options.runs, 1);
        else if (argument == u"--idle")
            ok = number(&options.idleSeconds, 1);
        else if (argument == u"--startup-runs")
            ok = number(&options.startupRuns, 1);
        else if (argument == u"--per-process")
            ok = number(&options.perProcess, 1);
        else {
            const int size = argument.toInt(&ok);
            ok = ok && size >= 2;
            sizes.append(size);
        }
        if (!ok) {
            std::fprintf(stderr,
                "fanout-bench: cannot understand '%s'\n"
                "usage: fanout-bench [--runs R] [--idle S] [--startup-runs K] [--per-process P] [N...]  (N "
                ">= 2)\n",
                qPrintable(argument));
            return std::nullopt;
        }
    }
    if (!sizes.isEmpty())
        options.sizes = sizes;
    return options;
}

} // namespace

int main(int argc, char *argv[])
{
    installPiRackLogFormat();
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(u"pirack.*.info=false"_s);
    const std::optional<Options> options = parse(QCoreApplication::arguments());
    if (!options)
        return 2;
    raiseOpenFileLimit();

    out << "fan-out over TLS on loopback; " << options->runs << " rounds per figure (medians), idle "
        << options->idleSeconds << " s, start-up median of " << options->startupRuns << "\n\n";
    out << "| nodes | rackd start-up (ms) | all connected (s) | ping round (ms) | ping p50 / p99 (ms) | "
           "ping CPU: rackd, agents, client (ms) | command round (ms) | command p50 / p99 (ms) | command "
           "rackd CPU (ms) | "
           "rackd peak RSS (MiB) | idle rackd RSS (MiB) | idle rackd CPU (s/min) | "
           "rack-agent RSS, of it private (MiB) | rack-agent CPU (s/min) |\n";
    out << "|" << QString(u" --- |"_s).repeated(14) << "\n";
    out.flush();
    for (int nodes : options->sizes) {
        std::fprintf(stderr, "N = %d\n", nodes);
        const Figures f = measure(nodes, *options);
        const auto n = [](double value, int decimals = 1) { return QString::number(value, 'f', decimals); };
        out << "| " << f.nodes << " | " << n(f.startupMs) << " | " << n(f.connectSeconds) << " | "
            << n(f.ping.roundMs) << " | " << n(f.ping.p50Ms) << " / " << n(f.ping.p99Ms) << " | "
            << n(f.ping.rackdCpuSeconds * 1000) << ", " << n(f.ping.agentsCpuSeconds * 1000) << ", "
            << n(f.ping.clientCpuSeconds * 1000) << " | " << n(f.command.roundMs) << " | "
            << n(f.command.p50Ms) << " / " << n(f.command.p99Ms) << " | "
            << n(f.command.rackdCpuSeconds * 1000) << " | " << n(f.peakRssMiB) << " | " << n(f.idleRssMiB)
            << " | " << n(f.idleCpuSecondsPerMinute, 2) << " (" << n(f.idleCpuSecondsPerMinute / 60 * 100, 2)
            << " %) | " << n(f.agentRssMiB) << ", " << n(f.agentPrivateMiB) << " | "
            << n(f.agentCpuSecondsPerMinute, 3) << " |\n";
        out.flush();
    }
    return 0;
}
