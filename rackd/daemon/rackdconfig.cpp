// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackdconfig.h"

#include "structure/inifile.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

QString RackdConfig::coldBootPolicyName(ColdBootPolicy policy)
{
    switch (policy) {
    case ColdBootPolicy::Restore:
        return u"restore"_s;
    case ColdBootPolicy::Off:
        return u"off"_s;
    case ColdBootPolicy::Staged:
        return u"staged"_s;
    }
    return {};
}

std::optional<RackdConfig> RackdConfig::readFile(const QString &path, QStringList *errors)
{
    const std::optional<QByteArray> content = ConfigProblems::read(path, errors);
    return content ? parse(*content, path, errors) : std::nullopt;
}

std::optional<RackdConfig> RackdConfig::parse(
    const QByteArray &content, const QString &path, QStringList *errors)
{
    const IniFile ini = IniFile::parse(content);
    const ConfigProblems problems(path, errors);
    problems.reportSyntax(ini);

    RackdConfig config;
    config.sourceFile = path;
    const QDir base = QFileInfo(path).absoluteDir();
    const auto resolve
        = [&base](const QString &value) { return QDir::cleanPath(base.absoluteFilePath(value)); };

    static const QStringList knownKeys {u"listen_address"_s, u"listen_port"_s, u"state_directory"_s,
        u"structure_file"_s, u"relay_backend"_s, u"simulated_state_file"_s, u"cold_boot_policy"_s,
        u"boot_id_file"_s, u"audit_max_kib"_s, u"audit_files_kept"_s, u"heartbeat_interval"_s, u"join_host"_s,
        u"dhcp_event_socket"_s, u"dhcp_lease_file"_s, u"dhcp_log_file"_s, u"dnsmasq_hosts_file"_s,
        u"dnsmasq_names_file"_s, u"dnsmasq_pid_file"_s, u"install_stack_timeout"_s, u"install_settle_time"_s,
        u"install_verify_timeout"_s, u"unauthenticated_limit"_s, u"unauthenticated_per_source"_s,
        u"http_listen_address"_s, u"http_listen_port"_s, u"http_plain"_s, u"metrics_token"_s,
        u"redfish_shared_power"_s, u"redfish_session_timeout"_s};
    const QStringList recoveryKeys = RecoverySettings::keys();
    const auto address = [&problems](const IniEntry &entry, QHostAddress *target) {
        const bool ok
            = entry.value == u"any" ? (*target = QHostAddress::Any, true) : target->setAddress(entry.value);
        if (!ok)
            problems.report(
                entry.line, entry.key, u"\"%1\" is not an IP address (or \"any\")"_s.arg(entry.value));
    };
    const auto port = [&problems](const IniEntry &entry, quint16 *target) {
        bool ok = false;
        const uint number = entry.value.toUInt(&ok);
        if (ok && number <= 65535)
            *target = quint16(number);
        else
            problems.report(
                entry.line, entry.key, u"\"%1\" is not a port number (0 to 65535)"_s.arg(entry.value));
    };
    int httpPlainLine = 0;
    const auto seconds = [&problems](const IniEntry &entry, double lowest, double highest,
                             std::chrono::milliseconds *target) {
        bool ok = false;
        const double value = entry.value.toDouble(&ok);
        if (ok && value >= lowest && value <= highest)
            *target = std::chrono::milliseconds(qint64(value * 1000));
        else
            problems.report(entry.line, entry.key,
                u"\"%1\" is not a number of seconds from %2 to %3"_s.arg(entry.value)
                    .arg(lowest)
                    .arg(highest));
    };
    for (const IniSection &section : ini.sections()) {
        if (section.name != u"rackd") {
            problems.report(
                section.line, {}, u"unknown section [%1] (the settings go in [rackd])"_s.arg(section.name));
            continue;
        }
        for (const IniEntry &entry : section.entries) {
            const QString &value = entry.value;
            bool ok = true;
            if (recoveryKeys.contains(entry.key)) {
                QString problem;
                if (!config.recovery.read(entry, &problem))
                    problems.report(entry.line, entry.key, problem);
            } else if (!knownKeys.contains(entry.key)) {
                problems.report(entry.line, entry.key, u"unknown key"_s);
            } else if (entry.key == u"listen_address") {
                address(entry, &config.listenAddress);
            } else if (entry.key == u"listen_port") {
                port(entry, &config.listenPort);
            } else if (entry.key == u"http_listen_address") {
                address(entry, &config.httpListenAddress);
            } else if (entry.key == u"http_listen_port") {
                port(entry, &config.httpListenPort);
            } else if (entry.key == u"http_plain") {
                const QString answer = value.toLower();
                if (answer == u"yes" || answer == u"true")
                    config.httpPlain = true, httpPlainLine = entry.line;
                else if (answer == u"no" || answer == u"false")
                    config.httpPlain = false;
                else
                    problems.report(entry.line, entry.key, u"\"%1\" is not yes or no"_s.arg(value));
            } else if (entry.key == u"metrics_token") {
                // Goes into an Authorization header as is: visible ASCII, long enough not to be guessed.
                const bool visible = std::all_of(value.cbegin(), value.cend(),
                    [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
                if (!value.isEmpty() && (!visible || value.size() < 16))
                    problems.report(entry.line, entry.key,
                        u"a metrics token is 16 or more visible ASCII characters, without spaces"_s);
                else
                    config.metricsToken = value;
            } else if (entry.key == u"redfish_shared_power") {
                const QString answer = value.toLower();
                if (answer == u"refuse" || answer == u"allow")
                    config.redfishSharedPowerAllowed = answer == u"allow";
                else
                    problems.report(entry.line, entry.key, u"\"%1\" is not refuse or allow"_s.arg(value));
            } else if (entry.key == u"redfish_session_timeout") {
                std::chrono::milliseconds timeout {0};
                seconds(entry, 60, 86400, &timeout);
                if (timeout.count() > 0)
                    config.redfishSessionTimeout = std::chrono::duration_cast<std::chrono::seconds>(timeout);
            } else if (entry.key == u"state_directory") {
                config.stateDirectory = resolve(value);
            } else if (entry.key == u"structure_file") {
                config.structureFile = resolve(value);
            } else if (entry.key == u"simulated_state_file") {
                config.simulatedStateFile = resolve(value);
            } else if (entry.key == u"boot_id_file") {
                config.bootIdFile = resolve(value);
            } else if (entry.key == u"relay_backend") {
                config.relayBackend = relayBackendFromName(value);
                if (!config.relayBackend)
                    problems.report(entry.line, entry.key,
                        u"\"%1\" is not a relay backend (gpio, serial, simulated or manual)"_s.arg(value));
            } else if (entry.key == u"cold_boot_policy") {
                const QString policy = value.toLower();
                if (policy == u"restore")
                    config.coldBootPolicy = ColdBootPolicy::Restore;
                else if (policy == u"off")
                    config.coldBootPolicy = ColdBootPolicy::Off;
                else if (policy == u"staged")
                    config.coldBootPolicy = ColdBootPolicy::Staged;
                else
                    problems.report(
                        entry.line, entry.key, u"\"%1\" is not restore, off or staged"_s.arg(value));
            } else if (entry.key == u"heartbeat_interval") {
                seconds(entry, 0.1, 3600, &config.heartbeatInterval);
            } else if (entry.key == u"install_stack_timeout") {
                seconds(entry, 1, 3600, &config.installStackTimeout);
            } else if (entry.key == u"install_settle_time") {
                seconds(entry, 0, 60, &config.installSettleTime);
            } else if (entry.key == u"install_verify_timeout") {
                seconds(entry, 1, 7200, &config.installVerifyTimeout);
            } else if (entry.key == u"dnsmasq_hosts_file") {
                if (value.isEmpty())
                    problems.report(entry.line, entry.key, u"needs a file path"_s);
                else
                    config.dnsmasqHostsFile = resolve(value);
            } else if (entry.key == u"dnsmasq_names_file") {
                config.dnsmasqNamesFile = value.isEmpty() ? QString() : resolve(value);
            } else if (entry.key == u"dnsmasq_pid_file") {
                config.dnsmasqPidFile = value.isEmpty() || value == u"off" ? QString() : resolve(value);
            } else if (entry.key == u"join_host") {
                config.joinHost = value;
            } else if (entry.key == u"dhcp_event_socket") {
                config.dhcpEventSocket = value.isEmpty() || value == u"off" ? QString() : resolve(value);
            } else if (entry.key == u"dhcp_lease_file") {
                config.dhcpLeaseFile = value.isEmpty() ? QString() : resolve(value);
            } else if (entry.key == u"dhcp_log_file") {
                config.dhcpLogFile = value.isEmpty() ? QString() : resolve(value);
            } else if (entry.key == u"audit_max_kib") {
                const int kib = value.toInt(&ok);
                if (ok && kib >= 16 && kib <= 1024 * 1024)
                    config.auditMaximumBytes = qint64(kib) * 1024;
                else
                    problems.report(
                        entry.line, entry.key, u"\"%1\" is not a size from 16 to 1048576 KiB"_s.arg(value));
            } else if (entry.key == u"audit_files_kept") {
                const int kept = value.toInt(&ok);
                if (ok && kept >= 1 && kept <= 100)
                    config.auditFilesKept = kept;
                else
                    problems.report(
                        entry.line, entry.key, u"\"%1\" is not a number from 1 to 100"_s.arg(value));
            } else if (entry.key == u"unauthenticated_limit" || entry.key == u"unauthenticated_per_source") {
                const int limit = value.toInt(&ok);
                if (ok && limit >= 1 && limit <= 100000)
                    (entry.key == u"unauthenticated_limit" ? config.unauthenticatedLimit
                                                           : config.unauthenticatedPerSource)
                        = limit;
                else
                    problems.report(
                        entry.line, entry.key, u"\"%1\" is not a number from 1 to 100000"_s.arg(value));
            }
        }
    }
    // Tokens and sessions cross the HTTP listener: unencrypted only where nothing else can listen in.
    if (config.httpPlain && !config.httpListenAddress.isLoopback())
        problems.report(httpPlainLine, u"http_plain"_s,
            u"plain HTTP is allowed only on a loopback http_listen_address (127.0.0.1 or ::1), not %1"_s.arg(
                config.httpListenAddress == QHostAddress::Any ? u"any"_s
                                                              : config.httpListenAddress.toString()));
    if (config.simulatedStateFile.isEmpty())
        config.simulatedStateFile = QDir(config.stateDirectory).filePath(u"simulated-relays.json"_s);
    if (!errors->isEmpty())
        return std::nullopt;
    return config;
}
