// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// vrack-hook: how a virtual Pi and the virtual rack's dnsmasq reach the virtual rack.
//   vrack-hook deconfig|bound|renew|leasefail|nak   udhcpc's script (-s): addresses the interface
//                                                   named in $interface with $ip/$mask
//   vrack-hook add|old|del MAC IP [HOSTNAME]        dnsmasq's --dhcp-script (init, tftp, arp-*
//                                                   and anything else are ignored)
//   vrack-hook power shutdown|reboot                the virtual Pi's shutdown and reboot commands
// $PIRACK_VRACK_SOCKET names the virtual rack's control socket, $PIRACK_VRACK_PI the Pi.
// Nothing here goes through a shell: `ip` gets its arguments as a list.
#include "hookmessage.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QProcess>
#include <QTextStream>

using namespace Qt::Literals::StringLiterals;

namespace {

int fail(const QString &message)
{
    QTextStream(stderr) << "vrack-hook: " << message << '\n';
    return 1;
}

QString environment(const char *name) { return qEnvironmentVariable(name); }

int send(const HookMessage &message)
{
    const QString path = environment(HookEnvironment::Socket);
    if (path.isEmpty())
        return fail(u"$%1 is not set"_s.arg(QLatin1String(HookEnvironment::Socket)));
    QLocalSocket socket;
    socket.connectToServer(path);
    if (!socket.waitForConnected(5000))
        return fail(u"cannot reach the virtual rack at %1: %2"_s.arg(path, socket.errorString()));
    socket.write(QJsonDocument(message.toJson()).toJson(QJsonDocument::Compact) + '\n');
    if (!socket.waitForBytesWritten(5000))
        return fail(u"cannot write to the virtual rack: %1"_s.arg(socket.errorString()));
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(10000))
            return fail(u"the virtual rack did not answer"_s);
    }
    const QByteArray answer = socket.readLine().trimmed();
    if (answer != "ok")
        return fail(QString::fromUtf8(answer));
    return 0;
}

int runIp(const QStringList &arguments)
{
    QProcess ip;
    ip.setProcessChannelMode(QProcess::ForwardedChannels);
    ip.start(u"ip"_s, arguments);
    if (!ip.waitForFinished(10000) || ip.exitStatus() != QProcess::NormalExit || ip.exitCode() != 0)
        return fail(u"ip %1 failed"_s.arg(arguments.join(u' ')));
    return 0;
}

int udhcpcEvent(const QString &event)
{
    const QString interface = environment("interface");
    if (interface.isEmpty())
        return fail(u"udhcpc gave no $interface"_s);
    if (event == u"deconfig")
        return runIp({u"addr"_s, u"flush"_s, u"dev"_s, interface});
    if (event != u"bound" && event != u"renew")
        return 0; // leasefail, nak: udhcpc tries again by itself
    HookMessage message;
    message.kind = HookMessage::Kind::Bound;
    message.pi = environment(HookEnvironment::Pi);
    bool ok = false;
    message.prefixLength = environment("mask").toInt(&ok);
    if (!ok || !message.address.setAddress(environment("ip")))
        return fail(u"udhcpc gave no usable $ip / $mask"_s);
    const QString cidr = u"%1/%2"_s.arg(message.address.toString()).arg(message.prefixLength);
    if (event == u"bound" && runIp({u"addr"_s, u"flush"_s, u"dev"_s, interface}) != 0)
        return 1;
    if (runIp({u"addr"_s, u"replace"_s, cidr, u"dev"_s, interface}) != 0)
        return 1;
    return event == u"bound" ? send(message) : 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    const QString first = arguments.value(0);
    if (first == u"deconfig" || first == u"bound" || first == u"renew" || first == u"leasefail"
        || first == u"nak")
        return udhcpcEvent(first);
    if (first == u"add" || first == u"old" || first == u"del") {
        if (arguments.size() < 3)
            return fail(u"dnsmasq gave \"%1\" without a MAC and an address"_s.arg(first));
        HookMessage message;
        message.kind = HookMessage::Kind::Dhcp;
        message.action = first;
        message.mac = arguments.at(1).toLower();
        message.address.setAddress(arguments.at(2));
        message.hostname = arguments.value(3);
        return send(message);
    }
    if (first == u"power" && arguments.size() == 2
        && (arguments.at(1) == u"shutdown" || arguments.at(1) == u"reboot")) {
        HookMessage message;
        message.kind
            = arguments.at(1) == u"shutdown" ? HookMessage::Kind::Shutdown : HookMessage::Kind::Reboot;
        message.pi = environment(HookEnvironment::Pi);
        return send(message);
    }
    if (first == u"init" || first == u"tftp" || first.startsWith(u"arp"_s) || first == u"relay-snoop")
        return 0; // dnsmasq's other script actions: nothing the virtual rack needs
    return fail(u"unknown event \"%1\""_s.arg(first));
}
