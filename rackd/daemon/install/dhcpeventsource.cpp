// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/dhcpeventsource.h"

#include "protocol/dhcpscriptmessage.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qint64 MaximumMessage = 8192; // 8 arguments and 7 variables of 256 characters fit
constexpr int MaximumConnections = 32;
constexpr std::chrono::milliseconds ConnectionTimeout {5000};
constexpr qint64 MaximumLeaseFile = 4 * 1024 * 1024;
constexpr qint64 MaximumLogRead = 1024 * 1024;
} // namespace

DhcpEventSource::DhcpEventSource(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QLocalServer::newConnection, this, &DhcpEventSource::onConnection);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this](const QString &path) {
        if (path == m_leaseFile)
            readLeaseFile();
        else if (path == m_iscLog)
            readIscLog();
    });
    m_poll.setInterval(2000);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        if (!m_leaseFile.isEmpty())
            readLeaseFile();
        if (!m_iscLog.isEmpty())
            readIscLog();
    });
}

DhcpEventSource::~DhcpEventSource()
{
    if (m_server.isListening())
        QLocalServer::removeServer(m_server.fullServerName());
}

bool DhcpEventSource::listen(const QString &socketPath, QString *error)
{
    // Only a stale socket of ours is removed, never some other file at that path.
    const QFileInfo existing(socketPath);
    struct stat status
    {
    };
    if (existing.exists() || existing.isSymLink()) {
        if (::lstat(QFile::encodeName(socketPath).constData(), &status) != 0 || !S_ISSOCK(status.st_mode)) {
            *error = u"%1 exists and is not a socket; refusing to replace it"_s.arg(socketPath);
            return false;
        }
        QLocalServer::removeServer(socketPath);
    }
    // Open to root and the pirack group (dnsmasq's script runs as root; an admin may be in the group).
    // rackd.service runs rackd with Group=pirack: the socket is then born with that group, and no
    // chown is needed (the unit's system call filter refuses it). Only a rackd started by hand as
    // root hands the socket to the group afterwards.
    const group *pirack = ::getgrnam("pirack");
    const bool bornWithGroup = pirack && ::getegid() == pirack->gr_gid;
    m_server.setSocketOptions(bornWithGroup ? QLocalServer::UserAccessOption | QLocalServer::GroupAccessOption
                                            : QLocalServer::SocketOptions(QLocalServer::UserAccessOption));
    if (!m_server.listen(socketPath)) {
        *error = u"cannot listen on %1: %2"_s.arg(socketPath, m_server.errorString());
        return false;
    }
    if (pirack && !bornWithGroup) {
        const QByteArray path = QFile::encodeName(socketPath);
        if (::chown(path.constData(), ::geteuid(), pirack->gr_gid) == 0)
            ::chmod(path.constData(), 0660);
        else
            Q_EMIT problem(
                u"%1 stays open to its owner only: cannot give it to the pirack group"_s.arg(socketPath));
    }
    return true;
}

void DhcpEventSource::onConnection()
{
    while (QLocalSocket *socket = m_server.nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        // dnsmasq runs its script one event at a time: a handful of connections at once is plenty,
        // and each says its one line at once. Anything else holds nothing for long.
        if (m_connections >= MaximumConnections) {
            Q_EMIT problem(u"DHCP script socket: more than %1 connections at once; one refused"_s.arg(
                MaximumConnections));
            socket->abort();
            socket->deleteLater();
            continue;
        }
        ++m_connections;
        connect(socket, &QObject::destroyed, this, [this] { --m_connections; });
        QTimer::singleShot(ConnectionTimeout, socket, [this, socket] {
            Q_EMIT problem(u"DHCP script socket: no complete message within %1 s; closed"_s.arg(
                std::chrono::duration_cast<std::chrono::seconds>(ConnectionTimeout).count()));
            socket->abort();
            socket->deleteLater();
        });
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > MaximumMessage) {
                    Q_EMIT problem(
                        u"DHCP script socket: a message longer than %1 bytes, dropped"_s.arg(MaximumMessage));
                    socket->abort();
                }
                return;
            }
            QString error;
            const std::optional<DhcpScriptMessage> message
                = DhcpScriptMessage::fromLine(socket->readLine(MaximumMessage), &error);
            const std::optional<DhcpEvent> event = message
                ? DhcpEventParser::fromScriptArguments(message->arguments, message->environment, &error)
                : std::nullopt;
            if (!error.isEmpty())
                Q_EMIT problem(u"DHCP script socket: "_s + error);
            socket->write(error.isEmpty() ? QByteArray("ok\n") : "error: " + error.toUtf8() + '\n');
            socket->disconnectFromServer();
            if (event)
                Q_EMIT eventReceived(*event);
        });
    }
}

void DhcpEventSource::watchLeaseFile(const QString &path)
{
    m_leaseFile = path;
    m_watcher.addPath(path);
    m_poll.start();
    readLeaseFile();
}

void DhcpEventSource::readLeaseFile()
{
    if (!m_watcher.files().contains(m_leaseFile))
        m_watcher.addPath(m_leaseFile); // dnsmasq replaced or created it
    QFile file(m_leaseFile);
    if (!file.open(QIODevice::ReadOnly))
        return; // not there yet: no leases
    if (file.size() > MaximumLeaseFile) {
        Q_EMIT problem(u"%1 is larger than %2 bytes; not read"_s.arg(m_leaseFile).arg(MaximumLeaseFile));
        return;
    }
    QStringList problems;
    const QList<DhcpEvent> events = DhcpEventParser::fromLeaseFile(file.readAll(), &problems);
    for (const QString &line : std::as_const(problems))
        Q_EMIT problem(m_leaseFile + u": "_s + line);
    QHash<QString, QString> now;
    for (const DhcpEvent &event : events)
        now.insert(event.mac, event.address.toString());
    const bool first = !m_leasesRead;
    m_leasesRead = true;
    const QHash<QString, QString> before = std::exchange(m_leases, now);
    for (const DhcpEvent &event : events) {
        // The leases present when rackd starts are history; what appears or changes after is news.
        if (!first && before.value(event.mac) != event.address.toString())
            Q_EMIT eventReceived(event);
    }
}

QStringList DhcpEventSource::activeSources() const
{
    QStringList sources;
    if (m_server.isListening())
        sources.append(u"dnsmasq's script, on %1"_s.arg(m_server.fullServerName()));
    if (!m_leaseFile.isEmpty())
        sources.append(u"dnsmasq's lease file %1"_s.arg(m_leaseFile));
    if (!m_iscLog.isEmpty())
        sources.append(u"ISC dhcpd's log %1"_s.arg(m_iscLog));
    return sources;
}

void DhcpEventSource::followIscLog(const QString &path)
{
    m_iscLog = path;
    m_watcher.addPath(path);
    m_poll.start();
    readIscLog();
}

void DhcpEventSource::readIscLog()
{
    if (!m_watcher.files().contains(m_iscLog))
        m_watcher.addPath(m_iscLog);
    QFile file(m_iscLog);
    if (!file.open(QIODevice::ReadOnly))
        return;
    if (m_iscOffset < 0 || file.size() < m_iscOffset) {
        // First look: start at the end, like tail -F. Shorter than before: rotated, start over.
        const bool rotated = m_iscOffset >= 0;
        m_iscOffset = rotated ? 0 : file.size();
        m_iscPartialLine.clear();
        if (!rotated)
            return;
    }
    file.seek(m_iscOffset);
    const QByteArray fresh = file.read(MaximumLogRead);
    m_iscOffset += fresh.size();
    QList<QByteArray> lines = QByteArray(m_iscPartialLine + fresh).split('\n');
    m_iscPartialLine = lines.takeLast(); // an unfinished line waits for its end
    if (m_iscPartialLine.size() > MaximumMessage)
        m_iscPartialLine.clear();
    for (const QByteArray &line : std::as_const(lines)) {
        QString error;
        const std::optional<DhcpEvent> event
            = DhcpEventParser::fromIscDhcpdLine(QString::fromUtf8(line), &error);
        if (!error.isEmpty())
            Q_EMIT problem(m_iscLog + u": "_s + error);
        if (event)
            Q_EMIT eventReceived(*event);
    }
    if (file.size() > m_iscOffset)
        QTimer::singleShot(0, this, &DhcpEventSource::readIscLog); // more than one read's worth
}
