// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "manualrelaybank.h"

#include "relaylogging.h"

using namespace Qt::Literals::StringLiterals;

ManualRelayBank::ManualRelayBank(QList<RelayChannelInfo> channels, RelaySafety safety, QObject *parent)
    : RelayBank(std::move(channels), safety, parent)
{ }

ManualRelayBank::~ManualRelayBank() { close(); }

QString ManualRelayBank::backendName() const { return u"manual"_s; }

QString ManualRelayBank::deviceDescription() const { return u"the operator's hands"_s; }

bool ManualRelayBank::openDevice(const QMap<int, bool> &initialStates, QString *error)
{
    Q_UNUSED(error)
    // Nobody can see the plugs: the rack is believed to be as it was left.
    for (int channel : channels())
        setKnownState(channel, initialStates.value(channel, false));
    return true;
}

void ManualRelayBank::closeDevice()
{
    if (m_pending) {
        const int channel = m_pending->channel;
        m_pending.reset();
        Q_EMIT operatorActionResolved(channel);
    }
}

void ManualRelayBank::startSwitch(int channel, bool on)
{
    const QString what = on ? u"Plug in"_s : u"Unplug"_s;
    m_pending = Request {
        channel, on, u"%1 the power supply of %2, then confirm."_s.arg(what, channelLabel(channel))};
    qCInfo(lcRelay).noquote() << "waiting for the operator:" << m_pending->instruction;
    Q_EMIT operatorActionRequested(*m_pending);
}

void ManualRelayBank::startRead(int channel)
{
    // There is no sensor; the best knowledge is the last confirmed state.
    finishCommand(state(channel));
}

bool ManualRelayBank::confirmByOperator(int channel)
{
    if (!m_pending || m_pending->channel != channel)
        return false;
    const bool on = m_pending->on;
    m_pending.reset();
    Q_EMIT operatorActionResolved(channel);
    finishCommand(on);
    return true;
}

bool ManualRelayBank::declineByOperator(int channel, const QString &reason)
{
    if (!m_pending || m_pending->channel != channel)
        return false;
    m_pending.reset();
    Q_EMIT operatorActionResolved(channel);
    finishCommand(state(channel),
        reason.isEmpty() ? u"the operator declined"_s : u"the operator declined: %1"_s.arg(reason));
    return true;
}
