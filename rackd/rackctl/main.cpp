// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackctl.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <cstdio>
#include <cstring>
#include <unistd.h>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("rackctl"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    QTextStream in(stdin);
    // Only a person at a terminal can be asked to trust a rack.
    const Rackctl::Prompt prompt = [&](const QString &question) -> std::optional<bool> {
        if (!isatty(STDIN_FILENO) || qEnvironmentVariableIsSet("CI"))
            return std::nullopt;
        err << question;
        err.flush();
        const QString answer = in.readLine().trimmed().toLower();
        return answer == u'y' || answer == QStringLiteral("yes");
    };
    // A connect link carries a token: once read, it leaves the process list (/proc/PID/cmdline).
    const QStringList arguments = QCoreApplication::arguments();
    for (int i = 1; i < argc; ++i) {
        if (qstrnicmp(argv[i], "pirack://", 9) == 0)
            std::memset(argv[i] + 9, 'x', std::strlen(argv[i] + 9));
    }
    Rackctl rackctl(out, err, prompt);
    QObject::connect(&rackctl, &Rackctl::finished, &app, [](int code) { QCoreApplication::exit(code); });
    // Installed under this name, rackctl is dnsmasq's --dhcp-script, which can pass no arguments of its own.
    const bool dhcpScript
        = QFileInfo(arguments.constFirst()).fileName() == QStringLiteral("pirack-dhcp-script");
    QMetaObject::invokeMethod(
        &rackctl,
        [&] {
            if (dhcpScript)
                rackctl.sendDhcpEvent(arguments.mid(1), Rackctl::defaultDhcpSocket());
            else
                rackctl.run(arguments.mid(1));
        },
        Qt::QueuedConnection);
    return QCoreApplication::exec();
}
