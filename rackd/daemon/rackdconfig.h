// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "recovery/recoverysettings.h"
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
    static constexpr quint16 DefaultHttpPort = 8443;
    /// The HTTPS listener (Redfish, /metrics); port 0 turns it off.
    QHostAddress httpListenAddress = QHostAddress::Any;
    quint16 httpListenPort = DefaultHttpPort;
    bool httpPlain = false; ///< Plain HTTP instead of HTTPS: only on a loopback address.
    /// What a scrape of /metrics must present as a bearer token; empty: none asked on loopback, and
    /// a control token with any role asked elsewhere.
    QString metricsToken;
    /**
     * Whether a Redfish reset of one Pi may cut its stack's relay while other Pis of the stack run
     * (ForceOff, ForceRestart, PowerCycle, or On for a halted Pi). Refused by default: the answer
     * names the Pis that would lose power.
     */
    bool redfishSharedPowerAllowed = false;
    /// A Redfish session idle for this long ends (SessionService.SessionTimeout).
    std::chrono::seconds redfishSessionTimeout {1800};
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
    /// The staged install's output for dnsmasq: reservations (--dhcp-hostsfile) and names (--addn-hosts).
    QString dnsmasqHostsFile = QStringLiteral("/var/lib/pirack-dnsmasq/dhcp-hosts");
    QString dnsmasqNamesFile = QStringLiteral("/var/lib/pirack-dnsmasq/hosts");
    /// dnsmasq's pid file, for the SIGHUP that makes it re-read them; empty: dnsmasq reads them itself.
    QString dnsmasqPidFile = QStringLiteral("/run/dnsmasq/dnsmasq.pid");
    std::chrono::milliseconds installStackTimeout {90000}; ///< Discovery of one stack, at most.
    /// After a stack's last expected Pi: how long to keep listening, so one Pi too many is noticed.
    std::chrono::milliseconds installSettleTime {2000};
    std::chrono::milliseconds installVerifyTimeout {300000}; ///< For the rack to come back after the install.
    qint64 auditMaximumBytes = 4 * 1024 * 1024;
    int auditFilesKept = 5;
    /// Connections not authenticated yet (TLS handshake, hello), in total and from one address.
    int unauthenticatedLimit = 128;
    int unauthenticatedPerSource = 16;
    RecoverySettings recovery; ///< What rackd does about hung Pis.

    /// Reads the file; on failure `errors` holds one line per problem.
    static std::optional<RackdConfig> readFile(const QString &path, QStringList *errors);
    static std::optional<RackdConfig> parse(
        const QByteArray &content, const QString &path, QStringList *errors);

    static QString coldBootPolicyName(ColdBootPolicy policy);
};
