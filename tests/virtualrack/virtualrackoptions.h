// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSet>
#include <QString>
#include <QStringList>
#include <chrono>
#include <optional>

/// A Pi's place in the rack, as the options name it: STACK:SLOT.
struct PiPlace
{
    int stack = 0;
    int slot = 0;

    QString toString() const { return QStringLiteral("%1:%2").arg(stack).arg(slot); }
    static std::optional<PiPlace> parse(const QString &text);
    friend bool operator==(const PiPlace &a, const PiPlace &b)
    {
        return a.stack == b.stack && a.slot == b.slot;
    }
};
inline size_t qHash(const PiPlace &place, size_t seed = 0)
{
    return qHashMulti(seed, place.stack, place.slot);
}

/**
 * How `virtual-rack` builds and runs its rack: from the command line, or filled in by a test.
 * Durations on the command line are a number with ms, s or m ("500ms", "3s", "2m"; bare: seconds).
 */
struct VirtualRackOptions
{
    enum class Mode { Automatic, Namespaces, Loopback };

    QString structureFile;
    QString runDirectory;
    Mode mode = Mode::Automatic;
    quint16 port = 7420; ///< Where rackd answers on 127.0.0.1 on this machine; 0: any free port.
    std::chrono::milliseconds bootDelay {3000}; ///< From power to the network coming up.
    std::chrono::milliseconds bootJitter {1000}; ///< Each boot adds 0 to this much.
    std::chrono::milliseconds slowBootExtra {20000}; ///< What a --slow Pi adds to its boot.
    std::chrono::milliseconds shutdownTime {1000}; ///< From a shutdown request to the agent stopping.
    std::chrono::milliseconds heartbeatInterval {2000}; ///< Of the agents and rackd's down detection.
    QSet<PiPlace> deadPis; ///< Never boot.
    QSet<PiPlace> slowPis; ///< Boot slowBootExtra later.
    QSet<PiPlace> hangingPis; ///< Accept a shutdown and never halt.
    QSet<PiPlace> freezingPis; ///< --hang: freeze (a kernel stall) faultAfter into each run.
    QSet<PiPlace> crashingAgentPis; ///< --crash-agent: the agent dies faultAfter into each run.
    QSet<PiPlace> underVoltagePis; ///< Their firmware reports under-voltage and throttling.
    std::chrono::milliseconds faultAfter {
        20000}; ///< How long a Pi runs before --hang or --crash-agent strikes.
    bool installed = true; ///< Nodes placed and addresses reserved, as after a staged install.
    QString dhcpScript; ///< Empty: pirack-dhcp-script, which tells rackd, as on a real master.
    QString binaryDirectory; ///< Where rackd, rack-agent and vrack-hook are.
    QString agentProgram; ///< The Pis' rack-agent, when not the one in binaryDirectory (an arm64 build).
    QStringList agentWrapper; ///< What runs it, with its arguments (qemu-aarch64-static -L ...); empty: none.
    /// rackd's HTTPS listener (Redfish, /metrics) on 127.0.0.1 at this port (0: any free one); off when
    /// empty.
    std::optional<quint16> httpPort;
    QStringList rackdConfigLines; ///< More `key = value` lines for rackd.conf (rackd checks them).

    /// Parses `virtual-rack`'s arguments (without the program name); nullopt with a message on error.
    static std::optional<VirtualRackOptions> fromArguments(const QStringList &arguments, QString *error);
    static QString usage();
    static std::optional<std::chrono::milliseconds> parseDuration(const QString &text);
    static QString modeName(Mode mode);
};
