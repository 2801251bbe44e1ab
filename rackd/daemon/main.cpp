// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon.h"
#include "daemonlogging.h"
#include "rackdcommandline.h"
#include "system/logformat.h"
#include "system/openfilelimit.h"
#include "system/servicewatchdog.h"
#include "system/unixsignalwatcher.h"

#include <QCoreApplication>
#include <csignal>

int main(int argc, char *argv[])
{
    installPiRackLogFormat();
    // Qt's own poll() dispatcher, not GLib's: GLib finds a socket notifier to remove by walking a
    // list of them all, and rackd adds and removes one per write on each of thousands of sockets.
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("rackd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PIRACK_VERSION_STRING));
    QTextStream out(stdout);
    QTextStream err(stderr);
    const RackdCommandLine::Outcome outcome = RackdCommandLine::run(QCoreApplication::arguments(), out, err);
    if (outcome.exitCode)
        return *outcome.exitCode;

    Daemon daemon(*outcome.daemon);
    UnixSignalWatcher signalWatcher({SIGTERM, SIGINT, SIGHUP});
    QObject::connect(&signalWatcher, &UnixSignalWatcher::received, &daemon, [&daemon](int signalNumber) {
        if (signalNumber == SIGHUP) {
            QString error;
            daemon.reloadStructure(&error);
            return;
        }
        // The relays stay as they are: the lines are held until the process ends.
        qCInfo(lcDaemon) << "stopping on signal" << signalNumber;
        QCoreApplication::quit();
    });
    const OpenFileLimit files = raiseOpenFileLimit();
    qCInfo(lcDaemon).noquote() << "open files: up to" << files.soft << "(one per connected node or client)"
                               << (files.raised ? "- raised to the hard limit" : "");
    QString error;
    if (!daemon.start(&error)) {
        qCCritical(lcDaemon).noquote() << "cannot start:" << error;
        return RackdCommandLine::ConfigError;
    }
    // Type=notify with WatchdogSec= (rackd.service): started means the relays are taken over and
    // the ports listen; a loop that hangs stops the pings and systemd restarts rackd, which takes
    // the relays back from the file descriptor store without moving one.
    ServiceWatchdog watchdog;
    QObject::connect(&watchdog, &ServiceWatchdog::pingFailed, &daemon,
        [](const QString &why) { qCWarning(lcDaemon).noquote() << "systemd's watchdog:" << why; });
    if (!watchdog.ready(QStringLiteral("running: %1 stacks, control port %2")
                            .arg(daemon.structure().stacks.size())
                            .arg(daemon.port()),
            &error))
        qCWarning(lcDaemon).noquote() << "could not tell systemd that rackd runs:" << error;
    const int code = QCoreApplication::exec();
    watchdog.stopping();
    return code;
}
