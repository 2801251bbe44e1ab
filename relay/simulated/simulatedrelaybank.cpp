// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "simulatedrelaybank.h"

#include "relaylogging.h"
#include "storage/jsonfile.h"

#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qint64 MaximumFileBytes = 1024 * 1024;
}

SimulatedRelayBank::SimulatedRelayBank(
    QList<RelayChannelInfo> channels, RelaySafety safety, QString stateFile, QObject *parent)
    : RelayBank(std::move(channels), safety, parent)
    , m_stateFile(std::move(stateFile))
{
    m_delayTimer.setSingleShot(true);
    m_delayTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_delayTimer, &QTimer::timeout, this, [this] {
        auto work = std::move(m_delayedWork);
        m_delayedWork = nullptr;
        if (work)
            work();
    });
}

SimulatedRelayBank::~SimulatedRelayBank() { close(); }

QString SimulatedRelayBank::backendName() const { return u"simulated"_s; }

QString SimulatedRelayBank::deviceDescription() const
{
    return m_stateFile.isEmpty() ? u"simulated relays"_s : u"simulated relays (%1)"_s.arg(m_stateFile);
}

std::optional<bool> SimulatedRelayBank::physicalState(int channel) const
{
    const auto it = m_physical.constFind(channel);
    if (it == m_physical.cend())
        return std::nullopt;
    return *it;
}

void SimulatedRelayBank::failNextCommand(int channel, const QString &message)
{
    m_injectedFailures.insert(channel, message);
}

void SimulatedRelayBank::setPhysicalState(int channel, bool on)
{
    QString error;
    if (!applyPhysical(channel, on, &error))
        qCWarning(lcRelay).noquote() << error;
}

bool SimulatedRelayBank::applyPhysical(int channel, bool on, QString *error)
{
    if (physicalState(channel) == on)
        return true;
    m_physical.insert(channel, on);
    ++m_transitions;
    m_switchLog.append({channel, on, QDateTime::currentDateTimeUtc()});
    Q_EMIT physicalStateChanged(channel, on);
    return saveStateFile(error);
}

std::optional<SimulatedRelayBank::StateFile> SimulatedRelayBank::readStateFile(
    const QString &path, QString *error)
{
    const JsonFile::ReadResult file = JsonFile::read(path, MaximumFileBytes);
    if (file.status == JsonFile::ReadResult::Status::Missing)
        return StateFile {};
    if (file.status != JsonFile::ReadResult::Status::Ok) {
        *error = u"the simulated relay state %1 is not usable: %2"_s.arg(path, file.error);
        return std::nullopt;
    }
    StateFile state;
    state.found = true;
    state.transitions = file.object.value(u"transitions"_s).toInteger();
    const QJsonObject states = file.object.value(u"channels"_s).toObject();
    for (auto it = states.constBegin(); it != states.constEnd(); ++it) {
        bool ok = false;
        const int channel = it.key().toInt(&ok);
        if (!ok || !it.value().isBool()) {
            *error = u"the simulated relay state %1 has a bad entry \"%2\""_s.arg(path, it.key());
            return std::nullopt;
        }
        state.channels.insert(channel, it.value().toBool());
    }
    return state;
}

bool SimulatedRelayBank::loadStateFile(QString *error)
{
    if (m_stateFile.isEmpty())
        return true;
    const std::optional<StateFile> state = readStateFile(m_stateFile, error);
    if (!state)
        return false;
    m_transitions = state->transitions;
    for (auto it = state->channels.cbegin(); it != state->channels.cend(); ++it) {
        if (hasChannel(it.key()))
            m_physical.insert(it.key(), it.value());
    }
    return true;
}

bool SimulatedRelayBank::saveStateFile(QString *error) const
{
    if (m_stateFile.isEmpty())
        return true;
    QJsonObject states;
    for (auto it = m_physical.cbegin(); it != m_physical.cend(); ++it)
        states.insert(QString::number(it.key()), it.value());
    return JsonFile::write(m_stateFile, {{u"channels"_s, states}, {u"transitions"_s, m_transitions}},
        JsonFile::WorldReadable, error, MaximumFileBytes);
}

bool SimulatedRelayBank::openDevice(const QMap<int, bool> &initialStates, QString *error)
{
    // Relays at power-up are de-energised; a state file says otherwise if the board was driven before.
    m_physical.clear();
    for (int channel : channels())
        m_physical.insert(channel, false);
    if (!loadStateFile(error))
        return false;
    // Taking over: each channel is driven to its initial state; one already there does not switch.
    // A channel to keep is read, not driven: the board's file says what it holds.
    for (int channel : channels()) {
        if (!keepsWhatItFinds(channel) && !applyPhysical(channel, initialStates.value(channel, false), error))
            return false;
        setKnownState(channel, physicalState(channel));
    }
    return true;
}

void SimulatedRelayBank::closeDevice()
{
    m_delayTimer.stop();
    m_delayedWork = nullptr;
}

void SimulatedRelayBank::complete(std::function<void()> work)
{
    if (m_commandDelay.count() <= 0) {
        work();
        return;
    }
    m_delayedWork = std::move(work);
    m_delayTimer.start(m_commandDelay);
}

void SimulatedRelayBank::startSwitch(int channel, bool on)
{
    complete([this, channel, on] {
        const QString injected = m_injectedFailures.take(channel);
        if (!injected.isEmpty()) {
            finishCommand(physicalState(channel), injected);
            return;
        }
        QString error;
        if (!applyPhysical(channel, on, &error)) {
            finishCommand(physicalState(channel), error);
            return;
        }
        if (m_reportLatency.count() > 0) {
            m_delayedWork = [this, on] { finishCommand(on); };
            m_delayTimer.start(m_reportLatency);
            return;
        }
        finishCommand(on);
    });
}

void SimulatedRelayBank::startRead(int channel)
{
    complete([this, channel] {
        const QString injected = m_injectedFailures.take(channel);
        if (!injected.isEmpty())
            finishCommand(std::nullopt, injected);
        else
            finishCommand(physicalState(channel));
    });
}
