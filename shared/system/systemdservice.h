// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

/**
 * The two halves of systemd's service protocol that a daemon needs without linking libsystemd
 * (sd_notify(3) and sd_listen_fds(3) document them as stable):
 * - the file descriptors systemd passes to a starting service (LISTEN_PID, LISTEN_FDS from fd 3,
 *   LISTEN_FDNAMES), among them those a previous run left in the service's file descriptor store;
 * - messages on the datagram socket in NOTIFY_SOCKET, with file descriptors attached
 *   ("FDSTORE=1\nFDNAME=..."): systemd keeps those open while the service restarts.
 */
namespace SystemdService {

struct InheritedFd
{
    int fd = -1;
    QString name; ///< From LISTEN_FDNAMES; "unknown" when systemd gave none.
};

/**
 * The descriptors passed to this process, taken once: the variables are removed (so that child
 * processes do not see them) and every descriptor is marked close-on-exec. Empty when the
 * variables are missing, malformed or meant for another process (LISTEN_PID).
 */
QList<InheritedFd> takeInheritedFds();

/// Whether systemd listens for this service's notifications (NOTIFY_SOCKET is set).
bool canNotify();

/**
 * Sends one notification, such as "FDSTORE=1\nFDNAME=gpio-gpiochip0-18", with `fds` attached.
 * False with the reason when there is no socket or sending fails.
 */
bool notify(const QByteArray &message, const QList<int> &fds = {}, QString *error = nullptr);

} // namespace SystemdService
