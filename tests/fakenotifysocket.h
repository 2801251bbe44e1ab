// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFile>
#include <QList>
#include <QTemporaryDir>

#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/**
 * systemd's side of NOTIFY_SOCKET, played by a test: a datagram socket in a temporary folder,
 * named in NOTIFY_SOCKET while it is open.
 */
class FakeNotifySocket
{
public:
    FakeNotifySocket() = default;
    FakeNotifySocket(const FakeNotifySocket &) = delete;
    FakeNotifySocket &operator=(const FakeNotifySocket &) = delete;
    ~FakeNotifySocket() { close(); }

    bool open()
    {
        const QByteArray path = QFile::encodeName(m_dir.filePath(QStringLiteral("notify")));
        unlink(path.constData());
        m_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (m_fd < 0)
            return false;
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.constData(), sizeof address.sun_path - 1);
        if (bind(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            return false;
        qputenv("NOTIFY_SOCKET", path);
        return true;
    }

    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
        qunsetenv("NOTIFY_SOCKET");
    }

    /// systemd's socket goes away while NOTIFY_SOCKET still names it.
    void closeSocketOnly()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

    int fd() const { return m_fd; }

    /// One datagram, without waiting, and the descriptors sent with it; empty when none is there.
    QByteArray receive(QList<int> *fds = nullptr) const
    {
        char buffer[4096];
        iovec payload {buffer, sizeof buffer};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)];
        msghdr header {};
        header.msg_iov = &payload;
        header.msg_iovlen = 1;
        header.msg_control = control;
        header.msg_controllen = sizeof control;
        const ssize_t size = recvmsg(m_fd, &header, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (size < 0)
            return {};
        for (cmsghdr *message = CMSG_FIRSTHDR(&header); message; message = CMSG_NXTHDR(&header, message)) {
            if (message->cmsg_level != SOL_SOCKET || message->cmsg_type != SCM_RIGHTS)
                continue;
            const size_t count = (message->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t index = 0; index < count; ++index) {
                int fd = -1;
                std::memcpy(&fd, CMSG_DATA(message) + index * sizeof(int), sizeof fd);
                if (fds)
                    fds->append(fd);
                else
                    ::close(fd);
            }
        }
        return QByteArray(buffer, int(size));
    }

private:
    QTemporaryDir m_dir;
    int m_fd = -1;
};
