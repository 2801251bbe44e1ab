// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "gpiolinedriver.h"

#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/gpio.h>
#include <sys/ioctl.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

int retryingIoctl(int fd, unsigned long request, void *argument)
{
    int result = -1;
    do
        result = ioctl(fd, request, argument);
    while (result < 0 && errno == EINTR);
    return result;
}

} // namespace

LinuxGpioLineDriver::~LinuxGpioLineDriver() { closeChip(); }

std::optional<GpioLineDriver::ChipInfo> LinuxGpioLineDriver::openChip(const QString &chip, int *error)
{
    closeChip();
    const QString path = chip.startsWith(u'/') ? chip : u"/dev/"_s + chip;
    const int fd = open(QFile::encodeName(path).constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        *error = errno;
        return std::nullopt;
    }
    gpiochip_info info {};
    if (retryingIoctl(fd, GPIO_GET_CHIPINFO_IOCTL, &info) < 0) {
        // Not a GPIO chip (a path to some other device), or a kernel without the chardev.
        *error = errno == ENOTTY ? ENODEV : errno;
        close(fd);
        return std::nullopt;
    }
    m_chipFd = fd;
    return ChipInfo {
        path, QString::fromLocal8Bit(info.label, int(strnlen(info.label, sizeof info.label))), info.lines};
}

void LinuxGpioLineDriver::closeChip()
{
    if (m_chipFd >= 0)
        close(m_chipFd);
    m_chipFd = -1;
}

std::optional<GpioLineDriver::LineInfo> LinuxGpioLineDriver::lineInfo(unsigned offset, int *error)
{
    gpio_v2_line_info info {};
    info.offset = offset;
    if (retryingIoctl(m_chipFd, GPIO_V2_GET_LINEINFO_IOCTL, &info) < 0) {
        *error = errno;
        return std::nullopt;
    }
    LineInfo result;
    result.consumer = QByteArray(info.consumer, int(strnlen(info.consumer, sizeof info.consumer)));
    result.used = info.flags & GPIO_V2_LINE_FLAG_USED;
    result.output = info.flags & GPIO_V2_LINE_FLAG_OUTPUT;
    result.activeLow = info.flags & GPIO_V2_LINE_FLAG_ACTIVE_LOW;
    return result;
}

int LinuxGpioLineDriver::requestOutput(
    unsigned offset, bool activeLow, bool value, const QByteArray &consumer, int *error)
{
    gpio_v2_line_request request {};
    request.offsets[0] = offset;
    request.num_lines = 1;
    std::strncpy(request.consumer, consumer.constData(), sizeof request.consumer - 1);
    request.config.flags = GPIO_V2_LINE_FLAG_OUTPUT | (activeLow ? GPIO_V2_LINE_FLAG_ACTIVE_LOW : 0);
    // The output's first level comes with the request: the line never shows another one.
    request.config.num_attrs = 1;
    request.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
    request.config.attrs[0].attr.values = value ? 1 : 0;
    request.config.attrs[0].mask = 1;
    if (retryingIoctl(m_chipFd, GPIO_V2_GET_LINE_IOCTL, &request) < 0) {
        *error = errno;
        return -1;
    }
    return request.fd; // the kernel makes it close-on-exec
}

bool LinuxGpioLineDriver::isLineRequest(int fd)
{
    // A line request answers GET_VALUES; any other descriptor refuses the ioctl.
    gpio_v2_line_values values {};
    values.mask = 1;
    return retryingIoctl(fd, GPIO_V2_LINE_GET_VALUES_IOCTL, &values) == 0;
}

bool LinuxGpioLineDriver::setValue(int request, bool value, int *error)
{
    gpio_v2_line_values values {};
    values.mask = 1;
    values.bits = value ? 1 : 0;
    if (retryingIoctl(request, GPIO_V2_LINE_SET_VALUES_IOCTL, &values) < 0) {
        *error = errno;
        return false;
    }
    return true;
}

std::optional<bool> LinuxGpioLineDriver::value(int request, int *error)
{
    gpio_v2_line_values values {};
    values.mask = 1;
    if (retryingIoctl(request, GPIO_V2_LINE_GET_VALUES_IOCTL, &values) < 0) {
        *error = errno;
        return std::nullopt;
    }
    return (values.bits & 1) != 0;
}

void LinuxGpioLineDriver::closeRequest(int request)
{
    if (request >= 0)
        close(request);
}
