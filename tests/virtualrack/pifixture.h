// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

/**
 * A virtual Pi's /proc and /sys as rack-agent reads them (its root_directory): a Raspberry Pi 4's
 * model and serial, the MAC of eth0, memory, an activity LED, and CPU, load, uptime and
 * temperature that move while the Pi runs.
 */
class PiFixture
{
public:
    PiFixture(QString root, QString mac, QString hostname, quint32 seed);

    QString root() const { return m_root; }
    bool write(QString *error);
    /// The name in the image's etc/hostname: what the Pi calls itself when it boots (the agent changes it).
    QString hostname() const;
    /// A new boot: the running name is read from etc/hostname, the uptime starts again.
    void boot();
    /// Moves the counters on by `seconds` of running with this much of the CPU busy (0 to 1).
    void advance(double seconds, double busy);
    /// What the firmware's get_throttled says from now on (0x50005: under-voltage and throttled now
    /// and since boot); it stays across boots, like a weak supply.
    void setThrottled(quint32 flags);

private:
    bool writeFile(const QString &relative, const QByteArray &content, QString *error = nullptr) const;
    void writeMoving() const;

    QString m_root;
    QString m_mac;
    QString m_hostname;
    quint32 m_seed;
    double m_uptime = 0;
    double m_busyJiffies = 0;
    double m_idleJiffies = 0;
    double m_load = 0;
    double m_temperature = 42.0;
    quint32 m_throttled = 0;
};
