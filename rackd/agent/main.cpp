// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent.h"
#include "pihostname.h"
#include "system/logformat.h"
#include "system/servicewatchdog.h"
#include "system/unixsignalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDebug>
#include <csignal>

int main(int argc, char *argv[])
{
    installPiRackLogFormat();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("rack-agent"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PIRACK_VERSION_STRING));
    QTextStream err(stderr);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "rack-agent: reports this Pi to the PiRack master (rackd).\n"
        "  rack-agent [--config FILE]              run\n"
        "  rack-agent [--config FILE] join JOIN    join the rack once\n"
        "  rack-agent [--config FILE] set-hostname NAME\n"
        "                                          give this Pi the name NAME (/etc/hostname, the\n"
        "                                          127.0.1.1 line of /etc/hosts, the running name);\n"
        "                                          what the agent runs when rackd names the node"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOption(QStringLiteral("config"), QStringLiteral("The configuration file."),
        QStringLiteral("file"), QStringLiteral("/etc/pirack/agent.conf"));
    parser.addOption(configOption);
    parser.process(app);

    QStringList errors;
    const std::optional<AgentConfig> config = AgentConfig::readFile(parser.value(configOption), &errors);
    if (!config) {
        for (const QString &error : std::as_const(errors))
            err << error << '\n';
        return 78;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.value(0) == QStringLiteral("join")) {
        if (positional.size() != 2) {
            err << "rack-agent: join takes one JOIN-STRING (from 'rackctl join create')\n";
            return 2;
        }
        QString error;
        const std::optional<JoinString> join = JoinString::parse(positional.at(1), &error);
        if (!join) {
            err << "rack-agent: " << error << '\n';
            return 2;
        }
        AgentJoin joining(*config);
        QObject::connect(&joining, &AgentJoin::finished, &app, [&err](int result, const QString &message) {
            err << "rack-agent: " << message << '\n';
            err.flush();
            QCoreApplication::exit(result);
        });
        joining.run(*join);
        return QCoreApplication::exec();
    }
    // `rack-agent set-hostname NAME` does the node action of that name (systemd-run starts it so).
    if (positional.value(0) == Protocol::name(Protocol::NodeAction::SetHostname)) {
        if (positional.size() != 2) {
            err << "rack-agent: set-hostname takes one NAME\n";
            return 2;
        }
        QStringList changed;
        QString error;
        if (!PiHostname::apply(config->rootDirectory, positional.at(1), &changed, &error)) {
            err << "rack-agent: " << error << '\n';
            return 1;
        }
        QTextStream(stdout) << positional.at(1) << ": "
                            << (changed.isEmpty()
                                       ? QStringLiteral("already so named")
                                       : QStringLiteral("changed ") + changed.join(QStringLiteral(", ")))
                            << '\n';
        return 0;
    }
    if (!positional.isEmpty()) {
        err << "rack-agent: unknown command '" << positional.constFirst() << "'\n";
        return 2;
    }

    Agent agent(*config);
    UnixSignalWatcher signals({SIGTERM, SIGINT});
    QObject::connect(&signals, &UnixSignalWatcher::received, &app, [] { QCoreApplication::quit(); });
    QString error;
    if (!agent.start(&error)) {
        err << "rack-agent: " << error << '\n';
        return 78;
    }
    // Type=notify with WatchdogSec= (rack-agent.service): an agent whose event loop hangs stops
    // pinging and systemd restarts it, while the Pi itself runs on.
    ServiceWatchdog watchdog;
    QObject::connect(&watchdog, &ServiceWatchdog::pingFailed, &app,
        [](const QString &why) { qWarning().noquote() << "systemd's watchdog:" << why; });
    if (!watchdog.ready(QStringLiteral("reporting to rackd"), &error))
        qWarning().noquote() << "could not tell systemd that the agent runs:" << error;
    const int code = QCoreApplication::exec();
    watchdog.stopping();
    return code;
}
