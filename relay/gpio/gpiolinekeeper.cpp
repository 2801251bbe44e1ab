// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "gpiolinekeeper.h"

#include "relaylogging.h"
#include "system/systemdservice.h"

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

SystemdLineKeeper::SystemdLineKeeper()
{
    for (const SystemdService::InheritedFd &inherited : SystemdService::takeInheritedFds()) {
        if (inherited.name.startsWith(u"gpio-"_s) && !m_held.contains(inherited.name)) {
            m_held.insert(inherited.name, inherited.fd);
        } else {
            qCWarning(lcRelay).noquote()
                << "closing a file descriptor that systemd passed and rackd does not use:" << inherited.name;
            close(inherited.fd);
        }
    }
}

SystemdLineKeeper::~SystemdLineKeeper()
{
    // Whatever was not taken is still in systemd's store; this copy is not needed.
    for (int fd : std::as_const(m_held))
        close(fd);
}

QString SystemdLineKeeper::description() const { return u"systemd's file descriptor store"_s; }

bool SystemdLineKeeper::isAvailable() const { return SystemdService::canNotify(); }

int SystemdLineKeeper::take(const QString &name)
{
    const auto it = m_held.constFind(name);
    if (it == m_held.cend())
        return -1;
    const int fd = it.value();
    m_held.erase(it);
    return fd;
}

void SystemdLineKeeper::giveBack(const QString &name, int fd)
{
    if (const int previous = m_held.value(name, -1); previous >= 0 && previous != fd)
        close(previous);
    m_held.insert(name, fd);
}

QStringList SystemdLineKeeper::untakenNames() const { return m_held.keys(); }

bool SystemdLineKeeper::keep(const QString &name, int fd, QString *error)
{
    return SystemdService::notify("FDSTORE=1\nFDNAME=" + name.toUtf8(), {fd}, error);
}

void SystemdLineKeeper::forget(const QString &name)
{
    if (const int fd = take(name); fd >= 0)
        close(fd);
    QString error;
    if (!SystemdService::notify("FDSTOREREMOVE=1\nFDNAME=" + name.toUtf8(), {}, &error))
        qCWarning(lcRelay).noquote() << "cannot tell systemd to let go of" << name << "-" << error;
}

GpioLineKeeper &systemdLineKeeper()
{
    static SystemdLineKeeper keeper;
    return keeper;
}
