// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

/**
 * Small tmpfs file systems that a test can fill to the brim without touching the machine's
 * disks: the test process moves into a mount namespace of its own (with a user namespace of its
 * own when it is not root), so every mount it makes vanishes with it, even after a crash.
 * enterPrivateMountNamespace() must run before any thread starts: call it first in main().
 */
namespace PrivateTmpfs {

inline bool writeProcFile(const char *path, const QByteArray &content)
{
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, content.constData(), size_t(content.size())) == content.size();
    ::close(fd);
    return ok;
}

inline bool enterPrivateMountNamespace(QString *error)
{
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    if (uid != 0) {
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
            *error = QStringLiteral("unshare(user and mount namespaces): %1")
                         .arg(QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        writeProcFile("/proc/self/setgroups", "deny");
        if (!writeProcFile("/proc/self/uid_map", "0 " + QByteArray::number(uid) + " 1")
            || !writeProcFile("/proc/self/gid_map", "0 " + QByteArray::number(gid) + " 1")) {
            *error = QStringLiteral("cannot map the user into its namespace");
            return false;
        }
    } else if (::unshare(CLONE_NEWNS) != 0) {
        *error = QStringLiteral("unshare(mount namespace): %1")
                     .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    // Nothing mounted here may reach the machine's namespace.
    if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        *error = QStringLiteral("making / private: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    return true;
}

/// Mounts a tmpfs of `bytes` at `directory` (which must exist).
inline bool mount(const QString &directory, qint64 bytes, QString *error)
{
    const QByteArray options = "size=" + QByteArray::number(bytes) + ",mode=0700";
    if (::mount("pirack-test", QFile::encodeName(directory).constData(), "tmpfs", 0, options.constData())
        != 0) {
        *error = QStringLiteral("mounting a tmpfs on %1: %2")
                     .arg(directory, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    return true;
}

/// Takes the tmpfs away again (lazily: files still open keep it until they close).
inline void unmount(const QString &directory)
{
    ::umount2(QFile::encodeName(directory).constData(), MNT_DETACH);
}

/// Fills the file system that holds `directory` until not one more byte fits; the filler is `name`.
inline bool fill(const QString &directory, QString *error, const QString &name = QStringLiteral("filler"))
{
    const QByteArray path = QFile::encodeName(directory + u'/' + name);
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = QStringLiteral("creating %1: %2")
                     .arg(QString::fromLocal8Bit(path), QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    const QByteArray block(4096, 'x');
    bool full = false;
    // Pages first, then single bytes, so the last partial page is used up too.
    for (qsizetype chunk : {block.size(), qsizetype(1)}) {
        for (int i = 0; i < 1'000'000; ++i) {
            if (::write(fd, block.constData(), size_t(chunk)) < 0) {
                full = errno == ENOSPC;
                break;
            }
        }
    }
    ::close(fd);
    if (!full)
        *error = QStringLiteral("%1 did not fill up").arg(directory);
    return full;
}

} // namespace PrivateTmpfs

/// A test's main() that first moves the process into its own mount namespace (before any thread).
#define PIRACK_TEST_MAIN_WITH_PRIVATE_MOUNTS(TestClass)                                                      \
    int main(int argc, char **argv)                                                                          \
    {                                                                                                        \
        QString error;                                                                                       \
        if (!PrivateTmpfs::enterPrivateMountNamespace(&error)) {                                             \
            fprintf(stderr, "cannot make a private mount namespace for the test's small disks: %s\n",        \
                qPrintable(error));                                                                          \
            return 1;                                                                                        \
        }                                                                                                    \
        QCoreApplication application(argc, argv);                                                            \
        TestClass test;                                                                                      \
        return QTest::qExec(&test, argc, argv);                                                              \
    }
