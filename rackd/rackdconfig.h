// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "structure/rackstructure.h"

#include <QHostAddress>
#include <QStringList>
#include <optional>

/// What rackd does after the master itself lost power (a new boot), with relays in an unknown state.
enum class ColdBootPolicy {
    Restore, ///< Drive every relay to its saved state at once.
    Off, ///< Leave every stack off.
    Staged, ///< Start with every stack off, then bring the saved ones on one by one, staggered.
};

/**
 * rackd.conf: one `[rackd]` section. Relative paths are taken from the config file's folder.
 * Every key has a default; a bad value is an error that names the file, line and key.
 */
class RackdConfig
{
public:
    static constexpr quint16 DefaultPort = 7420;

    QString sourceFile;
    QHostAddress listenAddress = QHostAddress::Any;
    quint16 listenPort = DefaultPort;
    QString stateDirectory = QStringLiteral("/var/lib/pirack");
    QString structureFile = QStringLiteral("/etc/pirack/structure_rack.ini");
    std::optional<RelayBackendKind> relayBackend; ///< Overrides the structure file's.
    QString simulatedStateFile; ///< Default: simulated-relays.json in the state directory.
    ColdBootPolicy coldBootPolicy = ColdBootPolicy::Restore;
    QString bootIdFile = QStringLiteral("/proc/sys/kernel/random/boot_id");
    std::chrono::milliseconds heartbeatInterval {
        5000}; ///< What agents are told to expect; down after 3 missed.
    QString joinHost; ///< Where nodes reach rackd, for join strings; default: the structure's master_address.
    /// Where dnsmasq's DHCP script (pirack-dhcp-script) reports leases; empty: nowhere.
    QString dhcpEventSocket = QStringLiteral("/run/pirack/dhcp-events.sock");
    QString dhcpLeaseFile; ///< dnsmasq's lease file, watched as a fallback; empty: not watched.
    QString dhcpLogFile; ///< A syslog file with ISC dhcpd's lines, followed; empty: not followed.
    qint64 auditMaximumBytes = 4 * 1024 * 1024;
    int auditFilesKept = 5;

    /// Reads the file; on failure `errors` holds one line per problem.
    static std::optional<RackdConfig> readFile(const QString &path, QStringList *errors);
    static std::optional<RackdConfig> parse(
        const QByteArray &content, const QString &path, QStringList *errors);

    static QString coldBootPolicyName(ColdBootPolicy policy);
};
