// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

/**
 * What GpioRelayBank asks of the kernel's GPIO character device: one chip, and one line request
 * per relay, each a file descriptor. A request can be handed to another process (systemd's file
 * descriptor store) and taken back by the next rackd: the line stays requested, and its level
 * held, for as long as any process has it open.
 *
 * LinuxGpioLineDriver speaks the kernel's GPIO v2 uAPI; the tests give a fake.
 * Errors are errno values, so that the bank can tell a busy line (EBUSY) from the rest.
 */
class GpioLineDriver
{
public:
    struct ChipInfo
    {
        QString path; ///< "/dev/gpiochip0"
        QString label; ///< The driver's name for the chip: "pinctrl-bcm2711", "gpio-sim.0-node0"
        unsigned lineCount = 0;
    };
    struct LineInfo
    {
        QByteArray consumer; ///< Who holds the line; empty when nobody does.
        bool used = false;
        bool output = false;
        bool activeLow = false;
    };

    virtual ~GpioLineDriver() = default;

    /// Opens a chip by name ("gpiochip0") or path ("/dev/gpiochip0"). Replaces an open one.
    virtual std::optional<ChipInfo> openChip(const QString &chip, int *error) = 0;
    virtual void closeChip() = 0;
    virtual std::optional<LineInfo> lineInfo(unsigned offset, int *error) = 0;
    /// Requests a line as an output whose logical value is `value` from the first instant.
    /// Returns the request's file descriptor (close-on-exec), or -1.
    virtual int requestOutput(
        unsigned offset, bool activeLow, bool value, const QByteArray &consumer, int *error)
        = 0;
    /// Whether `fd`, inherited from an earlier run, is a line request at all.
    virtual bool isLineRequest(int fd) = 0;
    virtual bool setValue(int request, bool value, int *error) = 0;
    virtual std::optional<bool> value(int request, int *error) = 0;
    /// Closes this process's handle of a request (the line stays held if another process has it).
    virtual void closeRequest(int request) = 0;
    /// Where the kernel's sysfs is: its module parameters tell what a released line does.
    virtual QString sysfsRoot() const { return QStringLiteral("/sys"); }
};

/// The GPIO v2 character device uAPI of Linux 5.10 and later.
class LinuxGpioLineDriver : public GpioLineDriver
{
public:
    ~LinuxGpioLineDriver() override;

    std::optional<ChipInfo> openChip(const QString &chip, int *error) override;
    void closeChip() override;
    std::optional<LineInfo> lineInfo(unsigned offset, int *error) override;
    int requestOutput(
        unsigned offset, bool activeLow, bool value, const QByteArray &consumer, int *error) override;
    bool isLineRequest(int fd) override;
    bool setValue(int request, bool value, int *error) override;
    std::optional<bool> value(int request, int *error) override;
    void closeRequest(int request) override;

private:
    int m_chipFd = -1;
};
