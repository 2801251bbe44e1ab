// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

/// One Pi's fixed address and name, keyed by its MAC.
struct Reservation
{
    QString mac;
    QHostAddress address;
    QString name;
    /**
     * Pis that held this address before (a replaced Pi). dnsmasq keeps their leases for hours and
     * would not hand the address to the new Pi meanwhile; listed on the same line, they let it
     * abandon such a lease when the new Pi asks.
     */
    QStringList formerMacs = {};

    friend bool operator==(const Reservation &a, const Reservation &b)
    {
        return a.mac == b.mac && a.address == b.address && a.name == b.name && a.formerMacs == b.formerMacs;
    }
};

/**
 * The install's output for dnsmasq: a --dhcp-hostsfile (`MAC,IP,NAME` per line, what follows
 * `dhcp-host=` in dnsmasq.conf) and an --addn-hosts file (`IP NAME`), both replaced atomically, then
 * dnsmasq told to re-read them with SIGHUP. A MAC never has two lines: a new reservation for a MAC,
 * an address or a name replaces the old one.
 */
namespace DnsmasqReservations {

/// How many former MACs a reservation keeps, newest first.
constexpr int FormerMacsKept = 3;

/**
 * `incoming` wins over `existing` for the same MAC, address or name; the result is sorted by address.
 * A new MAC for an address keeps the old one as a former MAC, unless that MAC has an address of its own.
 */
QList<Reservation> merged(const QList<Reservation> &existing, const QList<Reservation> &incoming);

QByteArray hostsFileContent(const QList<Reservation> &reservations);
QByteArray namesFileContent(const QList<Reservation> &reservations);

/// Reads a hosts file written by us or by hand; lines it cannot use go to `problems` and are dropped.
QList<Reservation> readHostsFile(const QByteArray &content, QStringList *problems);

/// The hosts file with the line of `updated`'s MAC replaced, and every other line (comments, and
/// lines rackd does not understand: someone else's reservations) kept as it was.
QByteArray withReservationReplaced(const QByteArray &content, const Reservation &updated);

/// Where dnsmasq reads the reservations, and how it is told to re-read them.
struct Files
{
    QString hosts; ///< dnsmasq's --dhcp-hostsfile.
    QString names = {}; ///< dnsmasq's --addn-hosts; empty: none.
    QString pidFile = {}; ///< dnsmasq's pid file, for SIGHUP; empty: dnsmasq is not signalled.
};

/// How update() treats the reservations it is given.
enum class Update {
    Merge, ///< Each is added or replaces what it collides with (merged()); the install's results.
    /**
     * Only a MAC that has a line changes, and only that line: comments and lines rackd does not
     * understand (someone's printer) stay exactly as they were. A node renamed.
     */
    ExistingLinesOnly,
};

/// What update() did besides writing.
struct UpdateReport
{
    QStringList droppedLines; ///< Merge: lines of the hosts file that could not be read, so were dropped.
    bool reloaded = false; ///< dnsmasq was sent SIGHUP.
    QString notReloaded; ///< Why not, when it was not (no pid file, dnsmasq not running, ...).
    bool changed = false; ///< The files were written.
};

/**
 * The one read-merge-write-reload of dnsmasq's files: reads the hosts file (a missing one is
 * empty), applies `reservations` as `how` says, writes both files atomically and sends dnsmasq
 * SIGHUP. Fails (nothing written) when a file cannot be read or written; dnsmasq not being told
 * is not a failure: the report says why.
 */
bool update(const Files &files, const QList<Reservation> &reservations, Update how, UpdateReport *report,
    QString *error);

/// Writes both files (the names file only when its path is not empty).
bool write(const QString &hostsPath, const QString &namesPath, const QList<Reservation> &reservations,
    QString *error);

/// The pid of the dnsmasq named by `pidFile`, when that process runs and is a dnsmasq.
std::optional<qint64> runningDnsmasq(const QString &pidFile, QString *error);

/**
 * Sends SIGHUP to the dnsmasq whose pid is in `pidFile`, after checking that the process is a
 * dnsmasq: a stale pid file must not make rackd signal some other process.
 */
bool reload(const QString &pidFile, QString *error);

} // namespace DnsmasqReservations
