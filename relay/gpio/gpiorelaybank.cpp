// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "gpiorelaybank.h"

#include "relaylogging.h"

#include <QFileInfo>

#include <cerrno>
#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace {

QString systemError(int error) { return QString::fromLocal8Bit(std::strerror(error)); }

} // namespace

GpioRelayBank::GpioRelayBank(QList<RelayChannelInfo> channels, RelaySafety safety, Settings settings,
    std::unique_ptr<GpioLineDriver> driver, GpioLineKeeper *keeper, QObject *parent)
    : RelayBank(std::move(channels), safety, parent)
    , m_settings(std::move(settings))
    , m_driver(std::move(driver))
    , m_keeper(keeper)
{ }

GpioRelayBank::~GpioRelayBank() { close(); }

QString GpioRelayBank::backendName() const { return u"gpio"_s; }

QString GpioRelayBank::deviceDescription() const { return m_settings.chip; }

QString GpioRelayBank::keptName(const QString &chipPath, int channel)
{
    return u"gpio-%1-%2"_s.arg(QFileInfo(chipPath).fileName()).arg(channel);
}

QString GpioRelayBank::lineDescription(int channel) const
{
    const QString name = channelName(channel);
    const QString line = u"line %1 of %2"_s.arg(channel).arg(m_settings.chip);
    return name.isEmpty() ? line : u"%1 (%2)"_s.arg(line, name);
}

QString GpioRelayBank::restartWarning() const
{
    if (!isOpen() || (m_keeper && m_keeper->isAvailable()))
        return {};
    switch (m_release.behaviour) {
    case GpioLineRelease::Behaviour::KeepsLevel:
        return {};
    case GpioLineRelease::Behaviour::Reverts:
        return u"The relay lines are let go whenever rackd stops, restarts or crashes, and %1: the relays "
               "may switch. Run rackd as the systemd service (rackd.service keeps the lines in systemd's "
               "file descriptor store), or on a Pi keep Raspberry Pi OS's default "
               "(no dtparam=strict_gpiod in config.txt)."_s.arg(m_release.reason);
    case GpioLineRelease::Behaviour::Unknown:
        return u"The relay lines are let go whenever rackd stops, restarts or crashes, and %1. Run rackd "
               "as the systemd service (rackd.service keeps the lines in systemd's file descriptor "
               "store)."_s.arg(m_release.reason);
    }
    return {};
}

int GpioRelayBank::takeKeptRequest(const QString &name, unsigned offset)
{
    if (!m_keeper)
        return -1;
    const int fd = m_keeper->take(name);
    if (fd < 0)
        return -1;
    int error = 0;
    const std::optional<GpioLineDriver::LineInfo> info = m_driver->lineInfo(offset, &error);
    const bool fits = info && m_driver->isLineRequest(fd) && info->used && info->output
        && info->consumer == m_settings.consumer && info->activeLow == m_settings.activeLow;
    if (fits)
        return fd;
    // Not this line's request any more (another chip, or active_low changed): a new request
    // follows, with the level rackd wants from its first instant.
    qCWarning(lcRelay).noquote() << "the kept request" << name
                                 << "does not fit the line as configured; "
                                    "requesting the line again";
    m_driver->closeRequest(fd);
    m_keeper->forget(name);
    return -1;
}

bool GpioRelayBank::openDevice(const QMap<int, bool> &initialStates, QString *error)
{
    m_takenOver.clear();
    m_keptChannels.clear();
    int openError = 0;
    const std::optional<GpioLineDriver::ChipInfo> chip = m_driver->openChip(m_settings.chip, &openError);
    if (!chip) {
        *error = u"cannot open the GPIO chip %1: %2"_s.arg(m_settings.chip, systemError(openError));
        return false;
    }
    m_release = GpioLineRelease::detect(chip->label, m_driver->sysfsRoot());
    m_chipPath = chip->path;

    // Every line is checked before any is requested: a wrong structure drives nothing.
    for (int channel : channels()) {
        if (channel < 0 || unsigned(channel) >= chip->lineCount) {
            *error = u"there is no %1: the chip has %2 lines, 0 to %3"_s.arg(lineDescription(channel),
                QString::number(chip->lineCount), QString::number(int(chip->lineCount) - 1));
            m_driver->closeChip();
            return false;
        }
    }

    // Lines an earlier rackd left with the keeper are taken over; every other line must be free
    // before any is requested, so that a busy line stops rackd without driving the others.
    std::map<int, int> requests;
    for (int channel : channels()) {
        if (const int kept = takeKeptRequest(keptName(chip->path, channel), unsigned(channel)); kept >= 0) {
            requests.emplace(channel, kept);
            m_takenOver.append(channel);
            m_keptChannels.insert(channel);
            continue;
        }
        int infoError = 0;
        const std::optional<GpioLineDriver::LineInfo> info
            = m_driver->lineInfo(unsigned(channel), &infoError);
        if (info && info->used) {
            *error = u"%1 is already in use by \"%2\""_s.arg(lineDescription(channel),
                info->consumer.isEmpty() ? u"the kernel"_s : QString::fromLocal8Bit(info->consumer));
            closeRequests(requests); // those taken over go back to the keeper
            m_driver->closeChip();
            return false;
        }
    }

    QList<int> newRequests;
    for (int channel : channels()) {
        if (requests.count(channel))
            continue;
        const unsigned offset = unsigned(channel);
        const bool on = initialStates.value(channel, false);
        int requestError = 0;
        const int fd
            = m_driver->requestOutput(offset, m_settings.activeLow, on, m_settings.consumer, &requestError);
        if (fd < 0) {
            int infoError = 0;
            const std::optional<GpioLineDriver::LineInfo> info = m_driver->lineInfo(offset, &infoError);
            *error = requestError == EBUSY && info && !info->consumer.isEmpty()
                ? u"%1 is already in use by \"%2\""_s.arg(
                    lineDescription(channel), QString::fromLocal8Bit(info->consumer))
                : u"cannot take %1 as an output: %2"_s.arg(
                    lineDescription(channel), systemError(requestError));
            // Only the requests made now are let go; those taken over stay with the keeper.
            for (int requested : std::as_const(newRequests)) {
                m_driver->closeRequest(requests.at(requested));
                requests.erase(requested);
            }
            closeRequests(requests);
            m_driver->closeChip();
            return false;
        }
        requests.emplace(channel, fd);
        newRequests.append(channel);
    }

    // The keeper holds a copy of every request from now on; lines of stacks that are gone from the
    // structure are let go.
    if (m_keeper && m_keeper->isAvailable()) {
        for (int channel : std::as_const(newRequests)) {
            QString keepError;
            if (m_keeper->keep(keptName(chip->path, channel), requests.at(channel), &keepError))
                m_keptChannels.insert(channel);
            else
                qCWarning(lcRelay).noquote()
                    << channelLabel(channel) << "- the line cannot be kept across restarts:" << keepError;
        }
        for (const QString &name : m_keeper->untakenNames()) {
            qCInfo(lcRelay).noquote() << "letting go of" << name << "- no stack uses that line any more";
            m_keeper->forget(name);
        }
    }

    if (!m_takenOver.isEmpty())
        qCInfo(lcRelay).noquote() << "took over" << m_takenOver.size() << "relay line(s) of" << chip->path
                                  << "that" << m_keeper->description() << "kept while rackd restarted";
    else if (!m_keptChannels.isEmpty())
        qCInfo(lcRelay).noquote() << "the relay lines of" << chip->path << "are kept in"
                                  << m_keeper->description() << "across restarts of rackd";
    m_requests = std::move(requests);
    for (const auto &[channel, fd] : m_requests) {
        const bool wanted = initialStates.value(channel, false);
        if (!m_takenOver.contains(channel)) {
            setKnownState(channel, wanted);
            continue;
        }
        // A line taken over holds what the last rackd left; it is driven only if that is not
        // what is wanted now (and the caller did not ask to keep what the hardware holds).
        int valueError = 0;
        const std::optional<bool> held = m_driver->value(fd, &valueError);
        if (held && (*held == wanted || keepsWhatItFinds(channel))) {
            setKnownState(channel, *held);
            continue;
        }
        if (m_driver->setValue(fd, wanted, &valueError))
            setKnownState(channel, wanted);
        else
            qCWarning(lcRelay).noquote()
                << channelLabel(channel) << "- cannot set the line taken over:" << systemError(valueError);
    }
    return true;
}

void GpioRelayBank::closeRequests(std::map<int, int> &requests)
{
    for (const auto &[channel, fd] : requests) {
        if (m_keeper && m_keptChannels.contains(channel))
            m_keeper->giveBack(keptName(m_chipPath, channel), fd);
        else
            m_driver->closeRequest(fd);
    }
    requests.clear();
}

void GpioRelayBank::closeDevice()
{
    // A line is released only if no keeper holds a copy of its request.
    closeRequests(m_requests);
    m_keptChannels.clear();
    m_driver->closeChip();
}

void GpioRelayBank::startSwitch(int channel, bool on)
{
    const auto it = m_requests.find(channel);
    if (it == m_requests.end()) {
        finishCommand(std::nullopt, u"the line is not requested"_s);
        return;
    }
    int error = 0;
    if (!m_driver->setValue(it->second, on, &error)) {
        finishCommand(std::nullopt, u"cannot set line %1: %2"_s.arg(channel).arg(systemError(error)));
        return;
    }
    finishCommand(on);
}

void GpioRelayBank::startRead(int channel)
{
    const auto it = m_requests.find(channel);
    if (it == m_requests.end()) {
        finishCommand(std::nullopt, u"the line is not requested"_s);
        return;
    }
    int error = 0;
    const std::optional<bool> value = m_driver->value(it->second, &error);
    if (!value) {
        finishCommand(std::nullopt, u"cannot read line %1: %2"_s.arg(channel).arg(systemError(error)));
        return;
    }
    finishCommand(*value);
}
