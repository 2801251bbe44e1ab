// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "agentconfig.h"

#include "argumentlist.h"
#include "protocol/tlsidentity.h"
#include "protocol/vocabulary.h"
#include "structure/inifile.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

QStringList AgentConfig::systemdHostnameCommand(const QString &program) const
{
    // Root with CAP_SYS_ADMIN (sethostname) and /etc writable (hostname and hosts are replaced whole),
    // nothing more: no network, no home directories.
    return {u"/usr/bin/systemd-run"_s, u"--quiet"_s, u"--wait"_s, u"--collect"_s, u"--service-type=exec"_s,
        u"--property=ProtectSystem=strict"_s, u"--property=ReadWritePaths=/etc"_s,
        u"--property=ProtectHome=yes"_s, u"--property=PrivateNetwork=yes"_s,
        u"--property=NoNewPrivileges=yes"_s, u"--property=CapabilityBoundingSet=CAP_SYS_ADMIN"_s, program,
        u"--config"_s, QFileInfo(sourceFile).absoluteFilePath(),
        Protocol::name(Protocol::NodeAction::SetHostname)}; // the subcommand does what the action asks
}

std::optional<AgentConfig> AgentConfig::readFile(const QString &path, QStringList *errors)
{
    const std::optional<QByteArray> content = ConfigProblems::read(path, errors);
    return content ? parse(*content, path, errors) : std::nullopt;
}

std::optional<AgentConfig> AgentConfig::parse(
    const QByteArray &content, const QString &path, QStringList *errors)
{
    const IniFile ini = IniFile::parse(content);
    const ConfigProblems problems(path, errors);
    problems.reportSyntax(ini);

    AgentConfig config;
    config.sourceFile = path;
    const QDir base = QFileInfo(path).absoluteDir();
    const auto seconds = [&](const IniEntry &entry, double minimum,
                             double maximum) -> std::optional<std::chrono::milliseconds> {
        bool ok = false;
        const double value = entry.value.toDouble(&ok);
        if (!ok || !std::isfinite(value) || value < minimum || value > maximum) {
            problems.report(entry.line, entry.key,
                u"\"%1\" is not a number of seconds from %2 to %3"_s.arg(entry.value)
                    .arg(minimum)
                    .arg(maximum));
            return std::nullopt;
        }
        return std::chrono::milliseconds(std::llround(value * 1000));
    };
    // Every program by its absolute path: nothing is searched through PATH.
    const auto command = [&](const IniEntry &entry) -> std::optional<QStringList> {
        QString error;
        const std::optional<QStringList> argv = splitArguments(entry.value, &error);
        if (!argv)
            problems.report(entry.line, entry.key, error);
        else if (argv->isEmpty())
            problems.report(entry.line, entry.key, u"empty command"_s);
        else if (!QDir::isAbsolutePath(argv->constFirst()))
            problems.report(entry.line, entry.key,
                u"\"%1\" must be an absolute path (no search through PATH)"_s.arg(argv->constFirst()));
        else
            return argv;
        return std::nullopt;
    };
    static const QRegularExpression commandName(
        QRegularExpression::anchoredPattern(u"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"_s));

    for (const IniSection &section : ini.sections()) {
        if (section.name == u"agent") {
            for (const IniEntry &entry : section.entries) {
                bool ok = true;
                if (entry.key == u"rackd_host") {
                    config.rackdHost = entry.value;
                } else if (entry.key == u"rackd_port") {
                    const uint port = entry.value.toUInt(&ok);
                    if (ok && port >= 1 && port <= 65535)
                        config.rackdPort = quint16(port);
                    else
                        problems.report(
                            entry.line, entry.key, u"\"%1\" is not a port (1 to 65535)"_s.arg(entry.value));
                } else if (entry.key == u"rackd_fingerprint") {
                    const auto fingerprint = normalizeFingerprint(entry.value);
                    if (fingerprint)
                        config.rackdFingerprint = *fingerprint;
                    else
                        problems.report(
                            entry.line, entry.key, u"\"%1\" is not a SHA256 fingerprint"_s.arg(entry.value));
                } else if (entry.key == u"credential_file") {
                    config.credentialFile = QDir::cleanPath(base.absoluteFilePath(entry.value));
                } else if (entry.key == u"interface") {
                    config.interfaceName = entry.value;
                } else if (entry.key == u"bind_address") {
                    const QHostAddress address(entry.value);
                    if (address.isNull())
                        problems.report(
                            entry.line, entry.key, u"\"%1\" is not an IP address"_s.arg(entry.value));
                    else
                        config.bindAddress = address;
                } else if (entry.key == u"root_directory") {
                    config.rootDirectory = QDir::cleanPath(base.absoluteFilePath(entry.value));
                } else if (entry.key == u"heartbeat_interval") {
                    config.heartbeatInterval = seconds(entry, 0.1, 3600).value_or(config.heartbeatInterval);
                } else if (entry.key == u"reconnect_max") {
                    config.reconnectMaximum = seconds(entry, 1, 3600).value_or(config.reconnectMaximum);
                } else if (entry.key == u"reboot_command") {
                    config.rebootCommand = command(entry).value_or(config.rebootCommand);
                } else if (entry.key == u"shutdown_command") {
                    config.shutdownCommand = command(entry).value_or(config.shutdownCommand);
                } else if (entry.key == u"set_hostname") {
                    if (entry.value == u"yes" || entry.value == u"no")
                        config.setHostname = entry.value == u"yes";
                    else
                        problems.report(entry.line, entry.key, u"\"%1\" is not yes or no"_s.arg(entry.value));
                } else if (entry.key == u"hostname_command") {
                    config.hostnameCommand = command(entry).value_or(config.hostnameCommand);
                } else if (entry.key == u"pass_environment") {
                    static const QRegularExpression variable(
                        QRegularExpression::anchoredPattern(u"[A-Za-z_][A-Za-z0-9_]{0,127}"_s));
                    const QStringList names = entry.value.split(u' ', Qt::SkipEmptyParts);
                    for (const QString &name : names) {
                        if (variable.match(name).hasMatch())
                            config.passEnvironment.append(name);
                        else
                            problems.report(
                                entry.line, entry.key, u"\"%1\" is not a variable name"_s.arg(name));
                    }
                } else {
                    problems.report(entry.line, entry.key, u"unknown key"_s);
                }
            }
        } else if (section.name.startsWith(u"command "_s)) {
            const QString name = section.name.mid(8).trimmed();
            if (!commandName.match(name).hasMatch()) {
                problems.report(section.line, {},
                    u"\"%1\" is not a command name (letters, digits, '_', '.', '-')"_s.arg(name));
                continue;
            }
            CommandSpec spec {name, {}, std::chrono::milliseconds(30000)};
            bool hasArgv = false;
            for (const IniEntry &entry : section.entries) {
                if (entry.key == u"argv") {
                    hasArgv = true;
                    spec.argv = command(entry).value_or(QStringList());
                } else if (entry.key == u"timeout") {
                    spec.timeout = seconds(entry, 0.1, 86400).value_or(spec.timeout);
                } else if (entry.key == u"args") {
                    // Which arguments a request may append: none (the default), any, or those matching
                    // a pattern, each argument whole.
                    if (entry.value == u"none") {
                        spec.arguments = CommandSpec::Arguments::None;
                    } else if (entry.value == u"any") {
                        spec.arguments = CommandSpec::Arguments::Any;
                    } else {
                        spec.arguments = CommandSpec::Arguments::Matching;
                        spec.argumentPattern
                            = QRegularExpression(QRegularExpression::anchoredPattern(entry.value));
                        if (entry.value.isEmpty() || !spec.argumentPattern.isValid())
                            problems.report(entry.line, entry.key,
                                u"\"%1\" is not none, any or a regular expression (%2)"_s.arg(
                                    entry.value, spec.argumentPattern.errorString()));
                    }
                } else {
                    problems.report(
                        entry.line, entry.key, u"unknown key (a command has argv, timeout and args)"_s);
                }
            }
            if (!hasArgv)
                problems.report(
                    section.line, u"argv"_s, u"missing: the command \"%1\" needs an argv"_s.arg(name));
            config.commands.insert(name, spec);
        } else {
            problems.report(section.line, {},
                u"unknown section [%1] (use [agent] and [command NAME])"_s.arg(section.name));
        }
    }
    if (!errors->isEmpty())
        return std::nullopt;
    return config;
}
