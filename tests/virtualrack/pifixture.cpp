// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "pifixture.h"

#include "storage/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int Cores = 4;
constexpr int JiffiesPerSecond = 100;
} // namespace

PiFixture::PiFixture(QString root, QString mac, QString hostname, quint32 seed)
    : m_root(std::move(root))
    , m_mac(std::move(mac))
    , m_hostname(std::move(hostname))
    , m_seed(seed)
{ }

bool PiFixture::writeFile(const QString &relative, const QByteArray &content, QString *error) const
{
    const QString path = QDir(m_root).filePath(relative);
    QDir().mkpath(QFileInfo(path).absolutePath());
    // Whole files only: the agent may read at any moment.
    QString ignored;
    return AtomicFile::write(path, content, AtomicFile::WorldReadable, error ? error : &ignored);
}

bool PiFixture::write(QString *error)
{
    const QByteArray serial = QByteArray("10000000") + QByteArray::number(m_seed, 16).rightJustified(8, '0');
    return writeFile(u"proc/device-tree/model"_s, QByteArray("Raspberry Pi 4 Model B Rev 1.5") + '\0', error)
        && writeFile(u"proc/device-tree/serial-number"_s, serial + '\0', error)
        // The image's name, as Raspberry Pi OS ships it; the running name is read from it at each boot.
        && writeFile(u"etc/hostname"_s, m_hostname.toUtf8() + '\n', error)
        && writeFile(u"etc/hosts"_s,
            "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\n"
            "ff02::2\t\tip6-allrouters\n\n127.0.1.1\t\t"
                + m_hostname.toUtf8() + '\n',
            error)
        && writeFile(u"sys/class/net/eth0/address"_s, m_mac.toLatin1() + '\n', error)
        && writeFile(u"proc/meminfo"_s,
            "MemTotal:        3884084 kB\nMemFree:         3312840 kB\nMemAvailable:    3581220 kB\n", error)
        && writeFile(u"sys/class/thermal/thermal_zone0/type"_s, "cpu-thermal\n", error)
        && writeFile(u"sys/devices/system/cpu/online"_s, "0-3\n", error)
        && writeFile(u"sys/devices/platform/soc/soc:firmware/get_throttled"_s,
            "0x" + QByteArray::number(m_throttled, 16) + '\n', error)
        && writeFile(u"sys/class/leds/ACT/trigger"_s, "none [mmc0] timer heartbeat\n", error)
        && writeFile(u"sys/class/leds/ACT/brightness"_s, "0\n", error) && (boot(), true);
}

QString PiFixture::hostname() const
{
    QFile file(QDir(m_root).filePath(u"etc/hostname"_s));
    const QString name
        = file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.read(256)).trimmed() : QString();
    return name.isEmpty() ? m_hostname : name;
}

void PiFixture::boot()
{
    // As systemd does at boot: the running name is the one in /etc/hostname.
    writeFile(u"proc/sys/kernel/hostname"_s, hostname().toUtf8() + '\n');
    m_uptime = 0;
    m_load = 0;
    m_temperature = 40.0 + double(m_seed % 5);
    writeMoving();
}

void PiFixture::setThrottled(quint32 flags)
{
    m_throttled = flags;
    writeFile(u"sys/devices/platform/soc/soc:firmware/get_throttled"_s,
        "0x" + QByteArray::number(flags, 16) + '\n');
}

void PiFixture::advance(double seconds, double busy)
{
    busy = std::clamp(busy, 0.0, 1.0);
    m_uptime += seconds;
    m_busyJiffies += seconds * JiffiesPerSecond * Cores * busy;
    m_idleJiffies += seconds * JiffiesPerSecond * Cores * (1 - busy);
    m_load = m_load * 0.9 + busy * Cores * 0.1;
    // Towards 40 °C idle and 75 °C flat out, slowly, like a Pi 4 with a small heatsink.
    const double target = 40.0 + 35.0 * busy + double(m_seed % 5);
    m_temperature += (target - m_temperature) * std::min(1.0, seconds / 30.0);
    writeMoving();
}

void PiFixture::writeMoving() const
{
    const auto number = [](double value, int decimals) { return QByteArray::number(value, 'f', decimals); };
    const QByteArray busy = number(m_busyJiffies, 0), idle = number(m_idleJiffies, 0);
    writeFile(u"proc/stat"_s, "cpu  " + busy + " 0 0 " + idle + " 0 0 0 0 0 0\n");
    writeFile(u"proc/uptime"_s, number(m_uptime, 2) + ' ' + number(m_uptime * Cores * 0.9, 2) + '\n');
    writeFile(u"proc/loadavg"_s,
        number(m_load, 2) + ' ' + number(m_load * 0.8, 2) + ' ' + number(m_load * 0.6, 2) + " 1/180 1234\n");
    writeFile(
        u"sys/class/thermal/thermal_zone0/temp"_s, QByteArray::number(qint64(m_temperature * 1000)) + '\n');
}
