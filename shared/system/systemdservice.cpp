// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "systemdservice.h"

#include <QtGlobal>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace SystemdService {

namespace {

constexpr int firstListenFd = 3; // SD_LISTEN_FDS_START
constexpr int maximumFds = 4096;

QString systemError(int error) { return QString::fromLocal8Bit(std::strerror(error)); }

} // namespace

QList<InheritedFd> takeInheritedFds()
{
    const QByteArray pid = qgetenv("LISTEN_PID");
    const QByteArray count = qgetenv("LISTEN_FDS");
    const QByteArray names = qgetenv("LISTEN_FDNAMES");
    qunsetenv("LISTEN_PID");
    qunsetenv("LISTEN_FDS");
    qunsetenv("LISTEN_FDNAMES");

    bool ok = false;
    if (pid.toLongLong(&ok) != qint64(getpid()) || !ok)
        return {};
    const int fdCount = count.toInt(&ok);
    if (!ok || fdCount <= 0 || fdCount > maximumFds)
        return {};
    const QList<QByteArray> nameList = names.split(':');

    QList<InheritedFd> result;
    for (int index = 0; index < fdCount; ++index) {
        const int fd = firstListenFd + index;
        const int flags = fcntl(fd, F_GETFD);
        if (flags < 0)
            continue; // not open after all
        fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
        const QString name = nameList.size() == fdCount && !nameList.at(index).isEmpty()
            ? QString::fromUtf8(nameList.at(index))
            : u"unknown"_s;
        result.append({fd, name});
    }
    return result;
}

bool canNotify() { return !qgetenv("NOTIFY_SOCKET").isEmpty(); }

bool notify(const QByteArray &message, const QList<int> &fds, QString *error)
{
    const auto fail = [error](const QString &reason) {
        if (error)
            *error = reason;
        return false;
    };
    const QByteArray socketPath = qgetenv("NOTIFY_SOCKET");
    if (socketPath.isEmpty())
        return fail(u"not started by systemd (NOTIFY_SOCKET is not set)"_s);

    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    // "@name" is an abstract socket: a leading NUL and no terminator.
    if (socketPath.size() >= qsizetype(sizeof(address.sun_path))
        || (socketPath[0] != '/' && socketPath[0] != '@'))
        return fail(u"NOTIFY_SOCKET is not a socket path: %1"_s.arg(QString::fromLocal8Bit(socketPath)));
    std::memcpy(address.sun_path, socketPath.constData(), size_t(socketPath.size()));
    socklen_t addressLength = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(socketPath.size()));
    if (address.sun_path[0] == '@')
        address.sun_path[0] = '\0';
    else
        addressLength += 1;

    const int socketFd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (socketFd < 0)
        return fail(u"cannot make a socket for systemd: %1"_s.arg(systemError(errno)));

    iovec payload {const_cast<char *>(message.constData()), size_t(message.size())};
    msghdr header {};
    header.msg_name = &address;
    header.msg_namelen = addressLength;
    header.msg_iov = &payload;
    header.msg_iovlen = 1;
    std::vector<char> control;
    if (!fds.isEmpty()) {
        control.resize(CMSG_SPACE(sizeof(int) * size_t(fds.size())));
        header.msg_control = control.data();
        header.msg_controllen = control.size();
        cmsghdr *rights = CMSG_FIRSTHDR(&header);
        if (!rights) {
            close(socketFd);
            return fail(u"cannot attach file descriptors to a message for systemd"_s);
        }
        rights->cmsg_level = SOL_SOCKET;
        rights->cmsg_type = SCM_RIGHTS;
        rights->cmsg_len = CMSG_LEN(sizeof(int) * size_t(fds.size()));
        std::memcpy(CMSG_DATA(rights), fds.constData(), sizeof(int) * size_t(fds.size()));
    }
    ssize_t sent = -1;
    do
        sent = sendmsg(socketFd, &header, MSG_NOSIGNAL);
    while (sent < 0 && errno == EINTR);
    const int sendError = errno;
    close(socketFd);
    if (sent < 0)
        return fail(u"cannot notify systemd on %1: %2"_s.arg(
            QString::fromLocal8Bit(socketPath), systemError(sendError)));
    return true;
}

} // namespace SystemdService
