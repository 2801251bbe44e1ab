// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "virtualrack.h"

#include "system/logformat.h"
#include "system/unixsignalwatcher.h"

#include <QCoreApplication>
#include <QTextStream>
#include <csignal>

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    installPiRackLogFormat();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"virtual-rack"_s);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    if (arguments.contains(u"--help"_s) || arguments.contains(u"-h"_s)) {
        out << VirtualRackOptions::usage() << '\n';
        return 0;
    }
    QString error;
    const std::optional<VirtualRackOptions> options = VirtualRackOptions::fromArguments(arguments, &error);
    if (!options) {
        err << "virtual-rack: " << error << "\n\n" << VirtualRackOptions::usage() << '\n';
        return 64;
    }

    VirtualRack rack(*options);
    UnixSignalWatcher signals({SIGINT, SIGTERM, SIGHUP});
    QObject::connect(&signals, &UnixSignalWatcher::received, &app, [&rack, &out](int) {
        out << "virtual-rack: stopping: cutting the Pis' power, stopping rackd, removing the network\n";
        out.flush();
        rack.stop();
        QCoreApplication::quit();
    });
    // What is running, whenever it changes: the one line to watch while a rack comes up.
    int lastRunning = -1;
    QObject::connect(&rack, &VirtualRack::piStateChanged, &app, [&rack, &out, &lastRunning] {
        int running = 0;
        for (const VirtualPi *pi : rack.pis())
            running += pi->state() == VirtualPi::State::Running ? 1 : 0;
        if (running == lastRunning)
            return;
        lastRunning = running;
        out << "virtual-rack: Pis running: " << running << '/' << rack.pis().size() << '\n';
        out.flush();
    });

    out << "virtual-rack: building a rack of " << options->structureFile << " in " << options->runDirectory
        << '\n';
    out.flush();
    if (!rack.start(&error)) {
        err << "virtual-rack: " << error << '\n';
        return 1;
    }
    out << "virtual-rack: " << rack.modeDescription() << '\n'
        << "virtual-rack: " << rack.pis().size() << " virtual Pis in " << rack.structure().stacks.size()
        << " stacks; each boots when its stack's relay goes on\n"
        << "virtual-rack: rackd answers on 127.0.0.1:" << rack.port() << " (fingerprint "
        << rack.fingerprint() << ")\n"
        << (rack.httpPort() == 0
                   ? QString()
                   : u"virtual-rack: Redfish on https://127.0.0.1:%1/redfish/v1, Prometheus metrics on "
                     "https://127.0.0.1:%1/metrics\n"_s.arg(rack.httpPort()))
        << "virtual-rack: admin token in " << rack.adminTokenFile()
        << "; rackd's log: " << rack.rackdLogFile() << '\n'
        << "virtual-rack: ready\n";
    out.flush();
    return QCoreApplication::exec();
}
