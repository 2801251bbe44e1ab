// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "atomicfile.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace {

mode_t modeOf(QFileDevice::Permissions permissions)
{
    static constexpr std::pair<QFileDevice::Permission, mode_t> bits[] {{QFileDevice::ReadOwner, S_IRUSR},
        {QFileDevice::WriteOwner, S_IWUSR}, {QFileDevice::ExeOwner, S_IXUSR},
        {QFileDevice::ReadGroup, S_IRGRP}, {QFileDevice::WriteGroup, S_IWGRP},
        {QFileDevice::ExeGroup, S_IXGRP}, {QFileDevice::ReadOther, S_IROTH},
        {QFileDevice::WriteOther, S_IWOTH}, {QFileDevice::ExeOther, S_IXOTH}};
    mode_t mode = 0;
    for (const auto &[permission, bit] : bits)
        mode |= permissions.testFlag(permission) ? bit : 0;
    return mode;
}

QString errnoText(int error) { return QString::fromLocal8Bit(std::strerror(error)); }

bool writeAll(int fd, const QByteArray &content)
{
    const char *data = content.constData();
    qsizetype left = content.size();
    while (left > 0) {
        const ssize_t written = ::write(fd, data, size_t(left));
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (written == 0) { // no progress and no error: treat like a full device
            errno = ENOSPC;
            return false;
        }
        data += written;
        left -= written;
    }
    return true;
}

} // namespace

bool AtomicFile::write(
    const QString &path, const QByteArray &content, QFileDevice::Permissions permissions, QString *error)
{
    const QByteArray target = QFile::encodeName(path);
    const QByteArray directory = QFile::encodeName(QFileInfo(path).absolutePath());
    QByteArray temporary = target + ".XXXXXX";
    const auto fail = [&](const QString &step, int savedErrno) {
        *error = u"cannot write %1: %2 failed: %3 (the previous file is unchanged)"_s.arg(
            path, step, errnoText(savedErrno));
        return false;
    };

    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    if (fd < 0)
        return fail(u"creating a temporary file"_s, errno);
    const auto discard = [&](const QString &step) {
        const int savedErrno = errno;
        ::close(fd);
        ::unlink(temporary.constData());
        return fail(step, savedErrno);
    };
    if (::fchmod(fd, modeOf(permissions)) != 0)
        return discard(u"setting its permissions"_s);
    if (!writeAll(fd, content))
        return discard(u"writing"_s);
    if (::fdatasync(fd) != 0)
        return discard(u"syncing"_s);
    // A write that the kernel accepted but that left the file short would be a silent loss.
    struct stat written
    {
    };
    if (::fstat(fd, &written) != 0)
        return discard(u"checking the size"_s);
    if (written.st_size != content.size()) {
        errno = EIO;
        return discard(u"checking the size (%1 of %2 bytes)"_s.arg(written.st_size).arg(content.size()));
    }
    if (::close(fd) != 0) {
        const int savedErrno = errno;
        ::unlink(temporary.constData());
        return fail(u"closing"_s, savedErrno);
    }
    if (::rename(temporary.constData(), target.constData()) != 0) {
        const int savedErrno = errno;
        ::unlink(temporary.constData());
        return fail(u"replacing the file"_s, savedErrno);
    }
    // The new name must reach the disk too, or a power cut could bring back the old file.
    const int directoryFd = ::open(directory.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directoryFd >= 0) {
        ::fsync(directoryFd);
        ::close(directoryFd);
    }
    return true;
}
