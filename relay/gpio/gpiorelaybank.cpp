// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "gpiorelaybank.h"

#include "relaylogging.h"

#include <cerrno>
#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace {

QString systemError(int error) { return QString::fromLocal8Bit(std::strerror(error)); }

} // namespace

GpioRelayBank::GpioRelayBank(
    QList<RelayChannelInfo> channels, RelaySafety safety, Settings settings, QObject *parent)
    : RelayBank(std::move(channels), safety, parent)
    , m_settings(std::move(settings))
{ }

GpioRelayBank::~GpioRelayBank() { close(); }

QString GpioRelayBank::backendName() const { return u"gpio"_s; }

QString GpioRelayBank::deviceDescription() const { return m_settings.chip; }

bool GpioRelayBank::openDevice(const QMap<int, bool> &initialStates, QString *error)
{
    const QByteArray chipName = m_settings.chip.toLocal8Bit();
    errno = 0;
    GpiodChip chip(chipName.startsWith('/') ? gpiod_chip_open(chipName.constData())
                                            : gpiod_chip_open_by_name(chipName.constData()));
    if (!chip) {
        *error = u"cannot open the GPIO chip %1: %2"_s.arg(m_settings.chip, systemError(errno));
        return false;
    }
    const unsigned lineCount = gpiod_chip_num_lines(chip.get());

    std::map<int, GpiodRequestedLine> lines;
    for (int channel : channels()) {
        if (channel < 0 || unsigned(channel) >= lineCount) {
            *error = u"%1 has %2 lines; there is no line %3 for %4"_s.arg(m_settings.chip)
                         .arg(lineCount)
                         .arg(channel)
                         .arg(channelLabel(channel));
            return false; // the lines requested so far are released by their owners
        }
        errno = 0;
        gpiod_line *line = gpiod_chip_get_line(chip.get(), unsigned(channel));
        if (!line) {
            *error = u"cannot get line %1 of %2: %3"_s.arg(channel).arg(m_settings.chip, systemError(errno));
            return false;
        }
        const bool on = initialStates.value(channel, false);
        const int flags = m_settings.activeLow ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
        errno = 0;
        if (gpiod_line_request_output_flags(line, m_settings.consumer.constData(), flags, on ? 1 : 0) != 0) {
            const int requestError = errno;
            const char *holder = gpiod_line_consumer(line);
            *error = requestError == EBUSY && holder
                ? u"line %1 of %2 (%3) is already in use by \"%4\""_s.arg(channel).arg(
                    m_settings.chip, channelLabel(channel), QString::fromLocal8Bit(holder))
                : u"cannot take line %1 of %2 (%3) as an output: %4"_s.arg(channel).arg(
                    m_settings.chip, channelLabel(channel), systemError(requestError));
            return false;
        }
        lines.emplace(channel, GpiodRequestedLine(line));
    }
    // Lines first, then the chip: members are destroyed in reverse order of declaration.
    m_chip = std::move(chip);
    m_lines = std::move(lines);
    for (const auto &[channel, line] : m_lines)
        setKnownState(channel, initialStates.value(channel, false));
    return true;
}

void GpioRelayBank::closeDevice()
{
    m_lines.clear();
    m_chip.reset();
}

void GpioRelayBank::startSwitch(int channel, bool on)
{
    const auto it = m_lines.find(channel);
    if (it == m_lines.end()) {
        finishCommand(std::nullopt, u"the line is not requested"_s);
        return;
    }
    errno = 0;
    if (gpiod_line_set_value(it->second.get(), on ? 1 : 0) != 0) {
        finishCommand(std::nullopt, u"cannot set line %1: %2"_s.arg(channel).arg(systemError(errno)));
        return;
    }
    finishCommand(on);
}

void GpioRelayBank::startRead(int channel)
{
    const auto it = m_lines.find(channel);
    if (it == m_lines.end()) {
        finishCommand(std::nullopt, u"the line is not requested"_s);
        return;
    }
    errno = 0;
    const int value = gpiod_line_get_value(it->second.get());
    if (value < 0) {
        finishCommand(std::nullopt, u"cannot read line %1: %2"_s.arg(channel).arg(systemError(errno)));
        return;
    }
    finishCommand(value == 1);
}
