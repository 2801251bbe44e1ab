// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// bench-agent-swarm: many rack-agents in one process, for the fan-out benchmark. Each is a real
// Agent with its own TLS connection, credential and MAC, as on its own Pi; they only share the
// process (and its event loop), which a 2-core machine needs to hold thousands of them.
//
//   bench-agent-swarm DIR FIRST COUNT [HEARTBEAT_S]
//
// Node i's files are in DIR/node<i> (written by fanout-bench): its credential and a fake sysfs with
// its MAC. Prints "connected K" whenever the count of connected agents reaches a multiple of 100 or
// COUNT, and runs until killed.
#include "agent.h"
#include "system/logformat.h"
#include "system/openfilelimit.h"
#include "system/unixsignalwatcher.h"

#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <QTimer>
#include <csignal>
#include <cstdio>
#include <memory>
#include <utility>

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    installPiRackLogFormat();
    QCoreApplication app(argc, argv);
    // Thousands of agents logging each connection would measure the terminal, not PiRack.
    QLoggingCategory::setFilterRules(u"pirack.*.info=false"_s);
    const QStringList args = QCoreApplication::arguments();
    bool firstOk = false;
    bool countOk = false;
    const int first = args.value(2).toInt(&firstOk);
    const int count = args.value(3).toInt(&countOk);
    const double heartbeat = args.size() > 4 ? args.at(4).toDouble() : 5.0;
    if (args.size() < 4 || !firstOk || !countOk || count < 1 || first < 0 || heartbeat <= 0) {
        std::fprintf(stderr, "usage: bench-agent-swarm DIR FIRST COUNT [HEARTBEAT_S]\n");
        return 2;
    }
    const OpenFileLimit files = raiseOpenFileLimit();
    if (files.soft < quint64(count) + 64) {
        std::fprintf(stderr, "bench-agent-swarm: %d agents need more open files than the limit of %llu\n",
            count, static_cast<unsigned long long>(files.soft));
        return 1;
    }
    const QDir dir(args.at(1));
    std::vector<std::unique_ptr<Agent>> agents;
    int connected = 0;
    for (int index = first; index < first + count; ++index) {
        const QString root = dir.filePath(u"node%1"_s.arg(index));
        AgentConfig config;
        config.credentialFile = root + u"/credential"_s;
        config.rootDirectory = root;
        config.heartbeatInterval = std::chrono::milliseconds(qint64(heartbeat * 1000));
        // The named command of the benchmark: the cheapest process there is.
        config.commands.insert(u"true"_s, {u"true"_s, {u"/bin/true"_s}, std::chrono::milliseconds(30000)});
        auto agent = std::make_unique<Agent>(config);
        QObject::connect(agent.get(), &Agent::connected, &app, [&connected, count] {
            ++connected;
            if (connected % 100 == 0 || connected == count) {
                std::printf("connected %d\n", connected);
                std::fflush(stdout);
            }
        });
        QObject::connect(agent.get(), &Agent::disconnected, &app, [&connected] { --connected; });
        agents.push_back(std::move(agent));
    }
    // At most Window agents connecting at once, as a rack's Pis come up stack by stack: a storm of
    // thousands of simultaneous TLS handshakes would only measure the reconnect backoff.
    constexpr int Window = 64;
    qsizetype started = 0;
    const auto startMore = [&agents, &started, first](int howMany) {
        for (int batch = 0; batch < howMany && started < qsizetype(agents.size()); ++batch, ++started) {
            QString error;
            if (!agents.at(size_t(started))->start(&error)) {
                std::fprintf(stderr, "bench-agent-swarm: node %lld: %s\n",
                    static_cast<long long>(first + started), qPrintable(error));
                QCoreApplication::exit(1);
                return;
            }
        }
    };
    for (const auto &agent : agents) {
        // The first connection (or failed attempt) of each agent makes room for the next agent.
        const auto makeRoom = [&startMore, done = std::make_shared<bool>(false)] {
            if (!std::exchange(*done, true))
                startMore(1);
        };
        QObject::connect(agent.get(), &Agent::connected, &app, makeRoom);
        QObject::connect(agent.get(), &Agent::disconnected, &app, makeRoom);
    }
    QTimer::singleShot(0, &app, [&startMore] { startMore(Window); });
    UnixSignalWatcher signalWatcher({SIGTERM, SIGINT});
    QObject::connect(&signalWatcher, &UnixSignalWatcher::received, &app, [] { QCoreApplication::quit(); });
    return QCoreApplication::exec();
}
