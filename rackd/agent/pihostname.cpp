// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "pihostname.h"

#include "protocol/nodename.h"
#include "storage/atomicfile.h"

#include <QDir>
#include <QFile>
#include <cerrno>
#include <cstring>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

constexpr qint64 MaximumHostsFile = 1024 * 1024;

QString under(const QString &root, const QString &path) { return QDir(root).filePath(path.mid(1)); }

std::optional<QByteArray> readSmallFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (!file.exists())
            return QByteArray();
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    if (file.size() > MaximumHostsFile) {
        *error = u"%1 is larger than %2 bytes; left alone"_s.arg(path).arg(MaximumHostsFile);
        return std::nullopt;
    }
    return file.readAll();
}

bool isLoopbackLine(const QByteArray &line)
{
    const QByteArray trimmed = line.trimmed();
    return trimmed.startsWith("127.") || trimmed.startsWith("::1");
}

} // namespace

bool PiHostname::isValid(const QString &name) { return isNodeName(name); }

QByteArray PiHostname::hostsWithName(const QByteArray &hosts, const QString &name)
{
    QList<QByteArray> lines = hosts.isEmpty() ? QList<QByteArray>() : hosts.split('\n');
    if (hosts.endsWith('\n'))
        lines.removeLast();
    const QByteArray wanted = "127.0.1.1\t" + name.toLatin1();
    qsizetype lastLoopback = -1;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines.at(i).simplified().split(' ');
        if (fields.value(0) == "127.0.1.1") {
            lines[i] = wanted;
            return lines.join('\n') + '\n';
        }
        if (isLoopbackLine(lines.at(i)))
            lastLoopback = i;
    }
    lines.insert(lastLoopback + 1, wanted);
    return lines.join('\n') + '\n';
}

QString PiHostname::runningName(const QString &root)
{
    if (root == u"/") {
        char name[256] = {};
        if (::gethostname(name, sizeof name - 1) != 0)
            return {};
        return QString::fromLatin1(name);
    }
    QFile file(under(root, u"/proc/sys/kernel/hostname"_s));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(file.read(256)).trimmed();
}

bool PiHostname::isSet(const QString &root, const QString &name)
{
    QString error;
    const std::optional<QByteArray> hostname = readSmallFile(under(root, u"/etc/hostname"_s), &error);
    const std::optional<QByteArray> hosts = readSmallFile(under(root, u"/etc/hosts"_s), &error);
    return hostname && hosts && hostname->trimmed() == name.toLatin1()
        && hostsWithName(*hosts, name) == *hosts && runningName(root) == name;
}

bool PiHostname::apply(const QString &root, const QString &name, QStringList *changed, QString *error)
{
    if (!isValid(name)) {
        *error
            = u"\"%1\" is not a host name (1 to 63 lower-case letters, digits and '-')"_s.arg(name.left(80));
        return false;
    }
    const QString hostnamePath = under(root, u"/etc/hostname"_s);
    const QString hostsPath = under(root, u"/etc/hosts"_s);
    const std::optional<QByteArray> hostname = readSmallFile(hostnamePath, error);
    const std::optional<QByteArray> hosts = hostname ? readSmallFile(hostsPath, error) : std::nullopt;
    if (!hosts)
        return false;
    // /etc/hosts first: a Pi whose running name is not in it makes sudo wait for DNS on every call.
    const QByteArray newHosts = hostsWithName(*hosts, name);
    if (newHosts != *hosts) {
        if (!AtomicFile::write(hostsPath, newHosts, AtomicFile::WorldReadable, error))
            return false;
        changed->append(u"127.0.1.1 in %1"_s.arg(hostsPath));
    }
    if (hostname->trimmed() != name.toLatin1()) {
        if (!AtomicFile::write(hostnamePath, name.toLatin1() + '\n', AtomicFile::WorldReadable, error))
            return false;
        changed->append(hostnamePath);
    }
    if (runningName(root) == name)
        return true;
    const QByteArray bytes = name.toLatin1();
    if (root == u"/") {
        if (::sethostname(bytes.constData(), size_t(bytes.size())) != 0) {
            *error
                = u"cannot set the running host name: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
    } else {
        QFile kernel(under(root, u"/proc/sys/kernel/hostname"_s));
        if (!kernel.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || kernel.write(bytes + '\n') != bytes.size() + 1) {
            *error = u"cannot set the running host name in %1: %2"_s.arg(
                kernel.fileName(), kernel.errorString());
            return false;
        }
    }
    changed->append(u"the running host name"_s);
    return true;
}
