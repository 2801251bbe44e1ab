// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackctl.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <cstdio>
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
    Rackctl rackctl(out, err, prompt);
    QObject::connect(&rackctl, &Rackctl::finished, &app, [](int code) { QCoreApplication::exit(code); });
    // Installed under this name, rackctl is dnsmasq's --dhcp-script, which can pass no arguments of its own.
    const bool dhcpScript = QFileInfo(QCoreApplication::arguments().constFirst()).fileName()
        == QStringLiteral("pirack-dhcp-script");
    QMetaObject::invokeMethod(
        &rackctl,
        [&] {
            if (dhcpScript)
                rackctl.sendDhcpEvent(QCoreApplication::arguments().mid(1), Rackctl::defaultDhcpSocket());
            else
                rackctl.run(QCoreApplication::arguments().mid(1));
        },
        Qt::QueuedConnection);
    return QCoreApplication::exec();
}
