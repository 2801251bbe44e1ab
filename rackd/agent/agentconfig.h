// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandrunner.h"

#include <QHash>
#include <QHostAddress>
#include <QStringList>
#include <chrono>
#include <optional>

/**
 * rack-agent's configuration (/etc/pirack/agent.conf): where rackd is and how to trust it (written
 * by `rack-agent join`), what the node reports, and the only commands it will ever run.
 *
 *   [agent]
 *   rackd_host = 10.42.0.1             rackd_port = 7420
 *   rackd_fingerprint = SHA256:...      credential_file = /var/lib/pirack-agent/credential
 *   interface = eth0                    heartbeat_interval = 5   reconnect_max = 30
 *   bind_address = 127.0.1.11           ; the local address to connect from (default: the kernel's choice)
 *   root_directory = /                  reboot_command = /usr/bin/systemctl reboot
 *   shutdown_command = /usr/bin/systemctl poweroff
 *   set_hostname = yes                  ; take the name rackd gives the node (its slot's)
 *   hostname_command = ...              ; what sets it, + the name (default: see hostnameCommand)
 *
 *   Commands are split by splitArguments(): no shell. A value wholly in double quotes is unquoted
 *   by the INI reader first, so group words with single quotes: argv = '/opt/my tool' --flag
 *
 *   [command uptime]                    ; one section per named command
 *   argv = /usr/bin/uptime -p
 *   timeout = 10
 */
class AgentConfig
{
public:
    QString sourceFile;
    QString rackdHost;
    quint16 rackdPort = 7420;
    QString rackdFingerprint;
    QString credentialFile = QStringLiteral("/var/lib/pirack-agent/credential");
    QString interfaceName; ///< Empty: the first interface with a real MAC.
    QHostAddress bindAddress; ///< Null: the kernel chooses. The virtual rack's loopback Pis each have one.
    QString rootDirectory = QStringLiteral("/");
    std::chrono::milliseconds heartbeatInterval {5000};
    std::chrono::milliseconds reconnectMaximum {30000};
    QStringList rebootCommand {QStringLiteral("/usr/bin/systemctl"), QStringLiteral("reboot")};
    QStringList shutdownCommand {QStringLiteral("/usr/bin/systemctl"), QStringLiteral("poweroff")};
    /// Whether the node takes the name rackd gives it (/etc/hostname, /etc/hosts, the running name).
    bool setHostname = true;
    /**
     * What sets it, with the name appended. Empty (the default): on a Pi (root_directory "/"),
     * `rack-agent set-hostname` in a transient unit of systemd's (systemdHostnameCommand()),
     * outside the agent's sandbox, which keeps /etc read-only and the host name the agent's own
     * (ProtectHostname); under any other root (a fixture), the agent writes the files there itself
     * and never touches the machine it runs on.
     */
    QStringList hostnameCommand;
    QHash<QString, CommandSpec> commands; ///< Named commands, by name.
    /// Variables of the agent's own environment that every command also gets (a site's proxy, say).
    QStringList passEnvironment;

    /// The default on a Pi: this program's `set-hostname`, with this configuration, run by systemd-run.
    QStringList systemdHostnameCommand(const QString &program) const;
    static std::optional<AgentConfig> readFile(const QString &path, QStringList *errors);
    static std::optional<AgentConfig> parse(
        const QByteArray &content, const QString &path, QStringList *errors);
};
