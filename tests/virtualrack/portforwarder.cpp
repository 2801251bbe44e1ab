// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "portforwarder.h"

#include "virtualracklogging.h"

#include <QTcpSocket>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

class FileDescriptor
{
public:
    explicit FileDescriptor(int fd)
        : m_fd(fd)
    { }
    ~FileDescriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;
    int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }

private:
    int m_fd;
};

QString systemError() { return QString::fromLocal8Bit(std::strerror(errno)); }

// Pipes one direction; when the source ends, the other side is closed after what is pending is written.
void pipe(QTcpSocket *from, QTcpSocket *to)
{
    QObject::connect(from, &QTcpSocket::readyRead, to, [from, to] { to->write(from->readAll()); });
    QObject::connect(from, &QTcpSocket::disconnected, to, [to] {
        if (to->state() == QAbstractSocket::ConnectedState)
            to->disconnectFromHost();
    });
    QObject::connect(from, &QTcpSocket::disconnected, from, &QObject::deleteLater);
}

} // namespace

PortForwarder::PortForwarder(QString namespaceName, QHostAddress target, quint16 targetPort, QObject *parent)
    : QObject(parent)
    , m_namespace(std::move(namespaceName))
    , m_target(std::move(target))
    , m_targetPort(targetPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &PortForwarder::onNewConnection);
}

bool PortForwarder::listen(const QHostAddress &address, quint16 port, QString *error)
{
    if (!m_server.listen(address, port)) {
        *error
            = u"cannot listen on %1:%2: %3"_s.arg(address.toString()).arg(port).arg(m_server.errorString());
        return false;
    }
    return true;
}

int PortForwarder::connectInsideNamespace(QString *error) const
{
    const FileDescriptor own(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    const FileDescriptor inside(
        ::open(QByteArray("/run/netns/" + m_namespace.toLocal8Bit()).constData(), O_RDONLY | O_CLOEXEC));
    if (own.get() < 0 || inside.get() < 0) {
        *error = u"cannot open the network namespace %1: %2"_s.arg(m_namespace, systemError());
        return -1;
    }
    if (::setns(inside.get(), CLONE_NEWNET) != 0) {
        *error = u"cannot enter the network namespace %1: %2"_s.arg(m_namespace, systemError());
        return -1;
    }
    FileDescriptor socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const int socketErrno = errno;
    if (::setns(own.get(), CLONE_NEWNET) != 0)
        qFatal("cannot return to the virtual rack's own network namespace: %s", std::strerror(errno));
    if (socket.get() < 0) {
        *error = u"cannot create a socket in %1: %2"_s.arg(
            m_namespace, QString::fromLocal8Bit(std::strerror(socketErrno)));
        return -1;
    }
    // The socket stays in the namespace it was made in; connecting to a local listener is immediate.
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(m_targetPort);
    address.sin_addr.s_addr = htonl(m_target.toIPv4Address());
    if (::connect(socket.get(), reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        *error = u"cannot reach rackd at %1:%2 in %3: %4"_s.arg(m_target.toString())
                     .arg(m_targetPort)
                     .arg(m_namespace, systemError());
        return -1;
    }
    return socket.release();
}

void PortForwarder::onNewConnection()
{
    while (QTcpSocket *outer = m_server.nextPendingConnection()) {
        QString error;
        const int fd = connectInsideNamespace(&error);
        if (fd < 0) {
            qCWarning(lcVirtualRack).noquote() << "forwarding a connection:" << error;
            outer->abort();
            outer->deleteLater();
            continue;
        }
        auto *inner = new QTcpSocket(this);
        if (!inner->setSocketDescriptor(fd)) {
            ::close(fd);
            qCWarning(lcVirtualRack).noquote() << "forwarding a connection:" << inner->errorString();
            delete inner;
            outer->abort();
            outer->deleteLater();
            continue;
        }
        outer->setParent(this);
        pipe(outer, inner);
        pipe(inner, outer);
        // Bytes that arrived before the pipe was laid.
        if (outer->bytesAvailable() > 0)
            inner->write(outer->readAll());
    }
}
