// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "virtualrackoptions.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

std::optional<PiPlace> PiPlace::parse(const QString &text)
{
    static const QRegularExpression pattern(u"^([0-9]{1,4}):([0-9]{1,4})$"_s);
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const PiPlace place {match.captured(1).toInt(), match.captured(2).toInt()};
    if (place.stack < 1 || place.slot < 1)
        return std::nullopt;
    return place;
}

std::optional<std::chrono::milliseconds> VirtualRackOptions::parseDuration(const QString &text)
{
    static const QRegularExpression pattern(u"^([0-9]+(?:\\.[0-9]+)?)(ms|s|m)?$"_s);
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const double value = match.captured(1).toDouble();
    const QString unit = match.captured(2);
    const double milliseconds = unit == u"ms" ? value : unit == u"m" ? value * 60000 : value * 1000;
    if (!(milliseconds <= 24.0 * 3600 * 1000))
        return std::nullopt;
    return std::chrono::milliseconds(std::llround(milliseconds));
}

QString VirtualRackOptions::modeName(Mode mode)
{
    switch (mode) {
    case Mode::Automatic:
        return u"auto"_s;
    case Mode::Namespaces:
        return u"namespaces"_s;
    case Mode::Loopback:
        return u"loopback"_s;
    }
    return {};
}

QString VirtualRackOptions::usage()
{
    return uR"(Usage: virtual-rack --structure FILE --run-dir DIR [options]

Builds a rack of virtual Pis from a structure file and runs rackd on it with simulated relays.
Each Pi's power follows its stack's relay: it boots, asks for an address over DHCP and starts
rack-agent; when the relay goes off it is cut at once. Ctrl-C removes everything it created.

  --structure FILE        the rack (structure_rack.ini)
  --run-dir DIR           where state, logs and the Pis' files live (kept across runs)
  --mode MODE             auto (default), namespaces (root: network namespaces, dnsmasq,
                          udhcpc) or loopback (any user: agents on 127.x addresses)
  --port N                rackd answers on 127.0.0.1:N (default 7420; 0: any free port)
  --http-port N           rackd's Redfish and /metrics on https://127.0.0.1:N (0: any free port;
                          default: off)
  --boot-delay D          power to network (default 3s); --boot-jitter D adds 0..D (default 1s)
  --shutdown-time D       a shutdown request to the agent stopping (default 1s)
  --heartbeat D           heartbeat interval of agents and rackd (default 2s)
  --dead S:N              this Pi never boots (repeatable; S:N,S:N lists too)
  --slow S:N              this Pi boots --slow-extra later (default 20s)
  --hang-on-shutdown S:N  this Pi accepts a shutdown and never halts
  --hang S:N              this Pi freezes --fault-after into each run, like a kernel stall: its
                          agent stops, its connection stays open (no FIN, no RST)
  --crash-agent S:N       this Pi's agent dies --fault-after into each run; the Pi runs on and
                          restarts it 5 s later, as systemd would
  --undervoltage S:N      this Pi's firmware reports under-voltage and throttling
  --fault-after D         when --hang and --crash-agent strike (default 20s)
  --fresh                 an uninstalled rack: no node placed, no address reserved
  --dhcp-script PATH      what dnsmasq runs on each lease (default: pirack-dhcp-script, which
                          tells rackd; vrack-hook only records it in logs/dhcp-events.log)
  --bin-dir DIR           where rackd, rack-agent and vrack-hook are (default: beside this program)
  --agent-bin PATH        the rack-agent the Pis run (default: the one beside rackd), such as an
                          arm64 build
  --agent-wrapper CMD     run each Pi's agent through CMD, split at spaces (quotes group), such as
                          "qemu-aarch64-static -cpu cortex-a72"
  --rackd-config LINE     one more "key = value" line for rackd.conf (repeatable), such as
                          "install_verify_timeout = 60"
Durations: 500ms, 3s, 2m (a bare number is seconds).)"_s;
}

std::optional<VirtualRackOptions> VirtualRackOptions::fromArguments(
    const QStringList &arguments, QString *error)
{
    VirtualRackOptions options;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString option = arguments.at(i);
        if (option == u"--fresh") {
            options.installed = false;
            continue;
        }
        if (!option.startsWith(u"--"_s)) {
            *error = u"unexpected argument \"%1\""_s.arg(option);
            return std::nullopt;
        }
        if (i + 1 >= arguments.size()) {
            *error = u"%1 needs a value"_s.arg(option);
            return std::nullopt;
        }
        const QString value = arguments.at(++i);
        const auto duration = [&](std::chrono::milliseconds *target) {
            const std::optional<std::chrono::milliseconds> parsed = parseDuration(value);
            if (!parsed)
                *error = u"%1: \"%2\" is not a duration (like 500ms, 3s or 2m)"_s.arg(option, value);
            else
                *target = *parsed;
        };
        const auto places = [&](QSet<PiPlace> *target) {
            for (const QString &item : value.split(u',')) {
                const std::optional<PiPlace> place = PiPlace::parse(item);
                if (!place) {
                    *error = u"%1: \"%2\" is not a Pi's place STACK:SLOT (like 2:3)"_s.arg(option, item);
                    return;
                }
                target->insert(*place);
            }
        };
        if (option == u"--structure") {
            options.structureFile = QDir::cleanPath(QDir::current().absoluteFilePath(value));
        } else if (option == u"--run-dir") {
            options.runDirectory = QDir::cleanPath(QDir::current().absoluteFilePath(value));
        } else if (option == u"--mode") {
            if (value == u"auto")
                options.mode = Mode::Automatic;
            else if (value == u"namespaces")
                options.mode = Mode::Namespaces;
            else if (value == u"loopback")
                options.mode = Mode::Loopback;
            else
                *error = u"--mode: \"%1\" is not auto, namespaces or loopback"_s.arg(value);
        } else if (option == u"--port") {
            bool ok = false;
            const uint port = value.toUInt(&ok);
            if (!ok || port > 65535)
                *error = u"--port: \"%1\" is not a port (0 to 65535)"_s.arg(value);
            else
                options.port = quint16(port);
        } else if (option == u"--http-port") {
            bool ok = false;
            const uint port = value.toUInt(&ok);
            if (!ok || port > 65535)
                *error = u"--http-port: \"%1\" is not a port (0 to 65535)"_s.arg(value);
            else
                options.httpPort = quint16(port);
        } else if (option == u"--boot-delay") {
            duration(&options.bootDelay);
        } else if (option == u"--boot-jitter") {
            duration(&options.bootJitter);
        } else if (option == u"--slow-extra") {
            duration(&options.slowBootExtra);
        } else if (option == u"--shutdown-time") {
            duration(&options.shutdownTime);
        } else if (option == u"--heartbeat") {
            duration(&options.heartbeatInterval);
            if (error->isEmpty() && options.heartbeatInterval < std::chrono::milliseconds(100))
                *error = u"--heartbeat: at least 100ms"_s;
        } else if (option == u"--dead") {
            places(&options.deadPis);
        } else if (option == u"--slow") {
            places(&options.slowPis);
        } else if (option == u"--hang-on-shutdown") {
            places(&options.hangingPis);
        } else if (option == u"--hang") {
            places(&options.freezingPis);
        } else if (option == u"--crash-agent") {
            places(&options.crashingAgentPis);
        } else if (option == u"--undervoltage") {
            places(&options.underVoltagePis);
        } else if (option == u"--fault-after") {
            duration(&options.faultAfter);
        } else if (option == u"--dhcp-script") {
            options.dhcpScript = QDir::cleanPath(QDir::current().absoluteFilePath(value));
        } else if (option == u"--rackd-config") {
            if (!value.contains(u'=') || value.contains(u'\n'))
                *error = u"--rackd-config: \"%1\" is not one \"key = value\" line"_s.arg(value);
            else
                options.rackdConfigLines.append(value);
        } else if (option == u"--bin-dir") {
            options.binaryDirectory = QDir::cleanPath(QDir::current().absoluteFilePath(value));
        } else if (option == u"--agent-bin") {
            options.agentProgram = QDir::cleanPath(QDir::current().absoluteFilePath(value));
        } else if (option == u"--agent-wrapper") {
            options.agentWrapper = QProcess::splitCommand(value);
            if (options.agentWrapper.isEmpty())
                *error
                    = u"--agent-wrapper: give a program, such as \"qemu-aarch64-static -cpu cortex-a72\""_s;
        } else {
            *error = u"unknown option %1"_s.arg(option);
        }
        if (!error->isEmpty())
            return std::nullopt;
    }
    if (options.structureFile.isEmpty() || options.runDirectory.isEmpty()) {
        *error = u"--structure and --run-dir are required"_s;
        return std::nullopt;
    }
    return options;
}
