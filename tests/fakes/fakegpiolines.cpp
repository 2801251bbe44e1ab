// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakegpiolines.h"

#include <cerrno>

int FakeGpioLines::openDescriptor(unsigned offset)
{
    const int fd = nextDescriptor++;
    descriptors.insert(fd, offset);
    return fd;
}

int FakeGpioLines::duplicate(int fd) { return openDescriptor(descriptors.value(fd)); }

void FakeGpioLines::closeDescriptor(int fd)
{
    const auto it = descriptors.constFind(fd);
    if (it == descriptors.cend())
        return;
    const unsigned offset = it.value();
    descriptors.erase(it);
    if (!descriptors.values().contains(offset)) {
        held.remove(offset);
        released.append(offset);
    }
}

FakeGpioLineDriver::FakeGpioLineDriver(std::shared_ptr<FakeGpioLines> lines)
    : m_lines(std::move(lines))
{ }

std::optional<GpioLineDriver::ChipInfo> FakeGpioLineDriver::openChip(const QString &chip, int *error)
{
    const QString path = chip.startsWith(u'/') ? chip : QStringLiteral("/dev/") + chip;
    m_lines->openedChips.append(chip);
    if (!m_lines->chips.contains(path)) {
        *error = ENOENT;
        return std::nullopt;
    }
    m_chipOpen = true;
    const FakeGpioLines::Chip info = m_lines->chips.value(path);
    return ChipInfo {path, info.label, info.lineCount};
}

void FakeGpioLineDriver::closeChip()
{
    if (m_chipOpen)
        ++m_lines->closedChips;
    m_chipOpen = false;
}

std::optional<GpioLineDriver::LineInfo> FakeGpioLineDriver::lineInfo(unsigned offset, int *error)
{
    if (!m_chipOpen) {
        *error = EBADF;
        return std::nullopt;
    }
    LineInfo info;
    if (m_lines->busyLines.contains(offset)) {
        info.used = true;
        info.consumer = m_lines->busyLines.value(offset);
    } else if (m_lines->held.contains(offset)) {
        const FakeGpioLines::HeldLine &line = m_lines->held[offset];
        info.used = true;
        info.output = true;
        info.consumer = line.consumer;
        info.activeLow = line.activeLow;
    }
    return info;
}

int FakeGpioLineDriver::requestOutput(
    unsigned offset, bool activeLow, bool value, const QByteArray &consumer, int *error)
{
    if (!m_chipOpen) {
        *error = EBADF;
        return -1;
    }
    if (m_lines->busyLines.contains(offset) || m_lines->held.contains(offset)) {
        *error = EBUSY;
        return -1;
    }
    m_lines->requests.append({offset, consumer, activeLow, value});
    m_lines->held.insert(offset, {consumer, activeLow, value});
    return m_lines->openDescriptor(offset);
}

bool FakeGpioLineDriver::isLineRequest(int fd) { return m_lines->descriptors.contains(fd); }

bool FakeGpioLineDriver::setValue(int request, bool value, int *error)
{
    if (!m_lines->descriptors.contains(request)) {
        *error = EBADF;
        return false;
    }
    const unsigned offset = m_lines->descriptors.value(request);
    if (m_lines->failingSetLines.contains(offset)) {
        *error = EIO;
        return false;
    }
    m_lines->valuesSet.append({offset, value});
    m_lines->held[offset].value = value;
    return true;
}

std::optional<bool> FakeGpioLineDriver::value(int request, int *error)
{
    if (!m_lines->descriptors.contains(request)) {
        *error = EBADF;
        return std::nullopt;
    }
    return m_lines->held.value(m_lines->descriptors.value(request)).value;
}

void FakeGpioLineDriver::closeRequest(int request) { m_lines->closeDescriptor(request); }

FakeGpioLineKeeper::FakeGpioLineKeeper(std::shared_ptr<FakeGpioLines> lines, bool available)
    : m_lines(std::move(lines))
    , m_available(available)
{ }

FakeGpioLineKeeper::~FakeGpioLineKeeper()
{
    for (int fd : std::as_const(m_passed))
        m_lines->closeDescriptor(fd);
}

void FakeGpioLineKeeper::restart()
{
    for (int fd : std::as_const(m_passed))
        m_lines->closeDescriptor(fd);
    m_passed.clear();
    for (auto it = m_stored.cbegin(); it != m_stored.cend(); ++it)
        m_passed.insert(it.key(), m_lines->duplicate(it.value()));
}

void FakeGpioLineKeeper::stopService()
{
    // rackd's process has ended, with its descriptors, and the store closes its copies.
    for (int fd : std::as_const(m_passed))
        m_lines->closeDescriptor(fd);
    m_passed.clear();
    for (int fd : std::as_const(m_stored))
        m_lines->closeDescriptor(fd);
    m_stored.clear();
}

int FakeGpioLineKeeper::take(const QString &name)
{
    return m_passed.contains(name) ? m_passed.take(name) : -1;
}

void FakeGpioLineKeeper::giveBack(const QString &name, int fd) { m_passed.insert(name, fd); }

bool FakeGpioLineKeeper::keep(const QString &name, int fd, QString *)
{
    if (!m_stored.contains(name))
        m_stored.insert(name, m_lines->duplicate(fd));
    return true;
}

void FakeGpioLineKeeper::forget(const QString &name)
{
    if (m_passed.contains(name))
        m_lines->closeDescriptor(m_passed.take(name));
    if (m_stored.contains(name))
        m_lines->closeDescriptor(m_stored.take(name));
}
