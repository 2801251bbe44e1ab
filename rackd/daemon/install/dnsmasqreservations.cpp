// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/dnsmasqreservations.h"

#include "install/dhcpevent.h"
#include "storage/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <algorithm>
#include <csignal>

using namespace Qt::Literals::StringLiterals;

QList<Reservation> DnsmasqReservations::merged(
    const QList<Reservation> &existing, const QList<Reservation> &incoming)
{
    QList<Reservation> result;
    for (const Reservation &old : existing) {
        const bool replaced
            = std::any_of(incoming.cbegin(), incoming.cend(), [&old](const Reservation &fresh) {
                  return fresh.mac == old.mac || fresh.address == old.address || fresh.name == old.name;
              });
        if (!replaced)
            result.append(old);
    }
    for (Reservation fresh : incoming) {
        for (const Reservation &old : existing) {
            if (old.address == fresh.address && old.mac != fresh.mac)
                fresh.formerMacs += QStringList {old.mac} + old.formerMacs;
        }
        // The last word for a MAC wins when the incoming list itself repeats one.
        result.erase(std::remove_if(result.begin(), result.end(),
                         [&fresh](const Reservation &r) {
                             return r.mac == fresh.mac || r.address == fresh.address || r.name == fresh.name;
                         }),
            result.end());
        result.append(fresh);
    }
    // A MAC is on one line only: a former MAC that has a reservation of its own is dropped.
    QSet<QString> primary;
    for (const Reservation &r : std::as_const(result))
        primary.insert(r.mac);
    for (Reservation &r : result) {
        QStringList kept;
        for (const QString &mac : std::as_const(r.formerMacs)) {
            if (!primary.contains(mac) && !kept.contains(mac) && kept.size() < FormerMacsKept)
                kept.append(mac);
        }
        r.formerMacs = kept;
    }
    std::sort(result.begin(), result.end(), [](const Reservation &a, const Reservation &b) {
        return a.address.toIPv4Address() < b.address.toIPv4Address();
    });
    return result;
}

namespace {
QByteArray hostsLine(const Reservation &r)
{
    return u"%1,%2,%3\n"_s
        .arg(QStringList(QStringList {r.mac} + r.formerMacs).join(u','), r.address.toString(), r.name)
        .toUtf8();
}
} // namespace

QByteArray DnsmasqReservations::hostsFileContent(const QList<Reservation> &reservations)
{
    QByteArray content
        = "# Written by rackd (PiRack's staged install). dnsmasq: --dhcp-hostsfile=THIS FILE\n";
    for (const Reservation &r : reservations)
        content += hostsLine(r);
    return content;
}

QByteArray DnsmasqReservations::withReservationReplaced(const QByteArray &content, const Reservation &updated)
{
    QByteArray result;
    const QList<QByteArray> lines = content.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i == lines.size() - 1 && lines.at(i).isEmpty())
            break; // the newline that ended the last line
        QStringList ignored;
        const QList<Reservation> parsed = readHostsFile(lines.at(i), &ignored);
        if (parsed.size() == 1 && parsed.constFirst().mac == updated.mac)
            result += hostsLine(updated);
        else
            result += lines.at(i) + '\n';
    }
    return result;
}

QByteArray DnsmasqReservations::namesFileContent(const QList<Reservation> &reservations)
{
    QByteArray content = "# Written by rackd (PiRack's staged install). dnsmasq: --addn-hosts=THIS FILE\n";
    for (const Reservation &r : reservations)
        content += u"%1 %2\n"_s.arg(r.address.toString(), r.name).toUtf8();
    return content;
}

QList<Reservation> DnsmasqReservations::readHostsFile(const QByteArray &content, QStringList *problems)
{
    QList<Reservation> reservations;
    const QList<QByteArray> lines = content.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = QString::fromUtf8(lines.at(i)).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        // MAC[,FORMER MAC...],IP,NAME
        const QStringList fields = line.split(u',');
        Reservation r;
        QStringList macs;
        for (qsizetype field = 0; field + 2 < fields.size(); ++field)
            macs.append(DhcpEventParser::normalizedMac(fields.at(field).trimmed()));
        const bool macsOk = !macs.isEmpty() && macs.size() <= 1 + FormerMacsKept && !macs.contains(QString());
        r.mac = macsOk ? macs.takeFirst() : QString();
        r.formerMacs = macs;
        const std::optional<QHostAddress> address
            = DhcpEventParser::ipv4(fields.value(fields.size() - 2).trimmed());
        r.name = fields.size() >= 3 ? fields.constLast().trimmed() : QString();
        if (r.mac.isEmpty() || !address || !DhcpEventParser::isHostname(r.name)) {
            problems->append(u"line %1: expected MAC,IP,NAME, got \"%2\""_s.arg(i + 1).arg(line.left(80)));
            continue;
        }
        r.address = *address;
        reservations.append(r);
    }
    return reservations;
}

bool DnsmasqReservations::write(const QString &hostsPath, const QString &namesPath,
    const QList<Reservation> &reservations, QString *error)
{
    // dnsmasq runs as its own user and must read them; they hold nothing secret.
    return AtomicFile::write(hostsPath, hostsFileContent(reservations), AtomicFile::WorldReadable, error)
        && (namesPath.isEmpty()
            || AtomicFile::write(
                namesPath, namesFileContent(reservations), AtomicFile::WorldReadable, error));
}

std::optional<qint64> DnsmasqReservations::runningDnsmasq(const QString &pidFile, QString *error)
{
    QFile file(pidFile);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read dnsmasq's pid file %1: %2"_s.arg(pidFile, file.errorString());
        return std::nullopt;
    }
    bool ok = false;
    const qint64 pid = file.read(32).trimmed().toLongLong(&ok);
    if (!ok || pid <= 1) {
        *error = u"%1 does not hold a process id"_s.arg(pidFile);
        return std::nullopt;
    }
    QFile comm(u"/proc/%1/comm"_s.arg(pid));
    if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != "dnsmasq") {
        *error = u"process %1 (from %2) is not a running dnsmasq"_s.arg(pid).arg(pidFile);
        return std::nullopt;
    }
    return pid;
}

bool DnsmasqReservations::reload(const QString &pidFile, QString *error)
{
    const std::optional<qint64> pid = runningDnsmasq(pidFile, error);
    if (!pid) {
        if (error->startsWith(u"process "_s))
            *error += u"; the reservations are written but not loaded: restart dnsmasq"_s;
        return false;
    }
    if (::kill(pid_t(*pid), SIGHUP) != 0) {
        *error
            = u"cannot signal dnsmasq (pid %1): %2"_s.arg(*pid).arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    return true;
}

namespace {

/// dnsmasq's own hosts files are small; a larger file is not ours, and is not read whole.
constexpr qint64 MaximumHostsFileSize = 16 * 1024 * 1024;

void tellDnsmasq(const DnsmasqReservations::Files &files, DnsmasqReservations::UpdateReport *report)
{
    if (files.pidFile.isEmpty()) {
        report->notReloaded
            = u"dnsmasq is not signalled (no pid file is configured): it must re-read %1 itself"_s.arg(
                files.hosts);
        return;
    }
    report->reloaded = DnsmasqReservations::reload(files.pidFile, &report->notReloaded);
}

} // namespace

bool DnsmasqReservations::update(const Files &files, const QList<Reservation> &reservations, Update how,
    UpdateReport *report, QString *error)
{
    QByteArray content;
    QFile current(files.hosts);
    const bool exists = current.exists();
    if (exists && !current.open(QIODevice::ReadOnly)) {
        *error = u"cannot read the reservations in %1: %2"_s.arg(files.hosts, current.errorString());
        return false;
    }
    if (exists)
        content = current.read(MaximumHostsFileSize);
    QStringList problems;
    const QList<Reservation> existing = readHostsFile(content, &problems);

    if (how == Update::Merge) {
        for (const QString &problem : std::as_const(problems))
            report->droppedLines.append(u"%1: %2 (the line was dropped)"_s.arg(files.hosts, problem));
        for (const QString &file : {files.hosts, files.names}) {
            if (!file.isEmpty())
                QDir().mkpath(QFileInfo(file).absolutePath());
        }
        if (QString problem; !write(files.hosts, files.names, merged(existing, reservations), &problem)) {
            *error = u"cannot write the reservations: "_s + problem;
            return false;
        }
        report->changed = true;
        tellDnsmasq(files, report);
        return true;
    }

    QList<Reservation> all = existing;
    QByteArray updated = content;
    for (const Reservation &reservation : reservations) {
        const auto it = std::find_if(all.begin(), all.end(),
            [&reservation](const Reservation &r) { return r.mac == reservation.mac; });
        if (it == all.end())
            continue; // nothing reserved for it yet: a later install writes what the inventory says
        Reservation replacement = *it;
        replacement.name = reservation.name;
        *it = replacement;
        updated = withReservationReplaced(updated, replacement);
    }
    if (updated == content)
        return true;
    QString problem;
    if (!AtomicFile::write(files.hosts, updated, AtomicFile::WorldReadable, &problem)
        || (!files.names.isEmpty()
            && !AtomicFile::write(files.names, namesFileContent(all), AtomicFile::WorldReadable, &problem))) {
        *error = u"cannot write the reservations: "_s + problem;
        return false;
    }
    report->changed = true;
    tellDnsmasq(files, report);
    return true;
}
