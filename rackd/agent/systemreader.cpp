// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "systemreader.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

SystemReader::SystemReader(QString rootDirectory)
    : m_root(std::move(rootDirectory))
{ }

QString SystemReader::path(const QString &relative) const { return QDir(m_root).filePath(relative); }

QByteArray SystemReader::readSmallFile(const QString &relative) const
{
    QFile file(path(relative));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(64 * 1024);
}

namespace {

// Device-tree strings end in NUL.
QString deviceTreeString(const QByteArray &bytes)
{
    QByteArray text = bytes;
    const qsizetype nul = text.indexOf('\0');
    if (nul >= 0)
        text.truncate(nul);
    return QString::fromUtf8(text).trimmed();
}

bool isUsableMac(const QString &mac)
{
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(u"([0-9a-f]{2}:){5}[0-9a-f]{2}"_s));
    return pattern.match(mac).hasMatch() && mac != u"00:00:00:00:00:00";
}

// The kernel's CPU list, like "0-3" or "0,2-3"; 0 when it does not read as one.
int onlineCpus(const QString &list)
{
    int count = 0;
    for (const QString &range : list.trimmed().split(u',', Qt::SkipEmptyParts)) {
        const QStringList ends = range.split(u'-');
        bool firstOk = false, lastOk = false;
        const int first = ends.value(0).toInt(&firstOk);
        const int last = ends.size() == 2 ? ends.at(1).toInt(&lastOk) : first;
        if (!firstOk || (ends.size() == 2 && !lastOk) || ends.size() > 2 || last < first
            || last - first > 4096)
            return 0;
        count += last - first + 1;
    }
    return count;
}

} // namespace

NodeIdentity SystemReader::identity(const QString &interfaceName) const
{
    NodeIdentity identity;
    QStringList candidates;
    if (!interfaceName.isEmpty()) {
        candidates = {interfaceName};
    } else {
        candidates = QDir(path(u"sys/class/net"_s))
                         .entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::System, QDir::Name);
        candidates.removeAll(u"lo"_s);
    }
    for (const QString &candidate : std::as_const(candidates)) {
        const QString mac = QString::fromLatin1(readSmallFile(u"sys/class/net/%1/address"_s.arg(candidate)))
                                .trimmed()
                                .toLower();
        if (isUsableMac(mac)) {
            identity.mac = mac;
            identity.interfaceName = candidate;
            break;
        }
    }
    identity.hostname = QString::fromUtf8(readSmallFile(u"proc/sys/kernel/hostname"_s)).trimmed();
    identity.model = deviceTreeString(readSmallFile(u"proc/device-tree/model"_s));
    identity.serial = deviceTreeString(readSmallFile(u"proc/device-tree/serial-number"_s));
    identity.cores = onlineCpus(QString::fromLatin1(readSmallFile(u"sys/devices/system/cpu/online"_s)));
    return identity;
}

std::optional<double> SystemReader::cpuPercent()
{
    const QList<QByteArray> lines = readSmallFile(u"proc/stat"_s).split('\n');
    if (lines.isEmpty() || !lines.constFirst().startsWith("cpu "))
        return std::nullopt;
    const QList<QByteArray> fields = lines.constFirst().simplified().split(' ');
    // cpu user nice system idle iowait irq softirq steal ...
    if (fields.size() < 5)
        return std::nullopt;
    CpuTimes now;
    for (qsizetype i = 1; i < fields.size() && i <= 8; ++i) {
        bool ok = false;
        const quint64 value = fields.at(i).toULongLong(&ok);
        if (!ok)
            return std::nullopt;
        now.total += value;
        if (i != 4 && i != 5) // idle and iowait are not busy
            now.busy += value;
    }
    const std::optional<CpuTimes> previous = std::exchange(m_previousCpu, now);
    if (!previous || now.total <= previous->total || now.busy < previous->busy)
        return std::nullopt;
    return 100.0 * double(now.busy - previous->busy) / double(now.total - previous->total);
}

std::optional<double> SystemReader::temperature() const
{
    // The SoC's zone where it is named so, else the first zone that reads.
    const QStringList zones = QDir(path(u"sys/class/thermal"_s))
                                  .entryList({u"thermal_zone*"_s}, QDir::Dirs | QDir::System, QDir::Name);
    std::optional<double> first;
    for (const QString &zone : zones) {
        bool ok = false;
        const double milli = readSmallFile(u"sys/class/thermal/%1/temp"_s.arg(zone)).trimmed().toDouble(&ok);
        if (!ok)
            continue;
        const QByteArray type = readSmallFile(u"sys/class/thermal/%1/type"_s.arg(zone)).trimmed();
        if (type == "cpu-thermal" || type == "soc-thermal" || type == "x86_pkg_temp")
            return milli / 1000.0;
        if (!first)
            first = milli / 1000.0;
    }
    return first;
}

NodeMetrics SystemReader::sample()
{
    NodeMetrics metrics;
    metrics.cpuPercent = cpuPercent();
    metrics.temperatureCelsius = temperature();

    const QList<QByteArray> memory = readSmallFile(u"proc/meminfo"_s).split('\n');
    for (const QByteArray &line : memory) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() < 2)
            continue;
        bool ok = false;
        const qint64 kib = fields.at(1).toLongLong(&ok);
        if (!ok)
            continue;
        if (fields.at(0) == "MemTotal:")
            metrics.memoryTotalKiB = kib;
        else if (fields.at(0) == "MemAvailable:")
            metrics.memoryAvailableKiB = kib;
    }

    const QList<QByteArray> load = readSmallFile(u"proc/loadavg"_s).simplified().split(' ');
    if (load.size() >= 3) {
        bool ok1 = false, ok5 = false, ok15 = false;
        const double l1 = load.at(0).toDouble(&ok1), l5 = load.at(1).toDouble(&ok5),
                     l15 = load.at(2).toDouble(&ok15);
        if (ok1 && ok5 && ok15) {
            metrics.load1 = l1;
            metrics.load5 = l5;
            metrics.load15 = l15;
        }
    }

    bool ok = false;
    const double uptime = readSmallFile(u"proc/uptime"_s).simplified().split(' ').value(0).toDouble(&ok);
    if (ok)
        metrics.uptimeSeconds = uptime;

    // The firmware's sysfs node (Raspberry Pi kernels): a hex word like "0x50005" or "50005".
    QByteArray throttled = readSmallFile(u"sys/devices/platform/soc/soc:firmware/get_throttled"_s).trimmed();
    if (throttled.startsWith("0x"))
        throttled = throttled.mid(2);
    const uint raw = throttled.toUInt(&ok, 16);
    if (ok && !throttled.isEmpty())
        metrics.throttle = ThrottleState {raw};
    return metrics;
}
