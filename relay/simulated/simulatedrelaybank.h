// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "relaybank.h"

#include <QDateTime>

/**
 * Relays in memory, behaving like hardware: they keep their state while nobody drives them
 * (in a state file, when one is given, so a restarted daemon finds them as they were) and
 * every real switch is recorded. Tests and the virtual rack drive it through the hooks below.
 */
class SimulatedRelayBank : public RelayBank
{
    Q_OBJECT

public:
    struct Switch
    {
        int channel = 0;
        bool on = false;
        QDateTime when;
    };

    SimulatedRelayBank(QList<RelayChannelInfo> channels, RelaySafety safety, QString stateFile = {},
        QObject *parent = nullptr);
    ~SimulatedRelayBank() override;

    QString backendName() const override;
    QString deviceDescription() const override;

    /// A state file as this bank writes it: each channel's state and every switch ever made.
    struct StateFile
    {
        bool found = false; ///< False: there is no file yet (every relay is de-energised).
        QMap<int, bool> channels;
        qint64 transitions = 0;
    };
    /// Reads a state file (the virtual rack reads the relays this way); empty, with why, when damaged.
    static std::optional<StateFile> readStateFile(const QString &path, QString *error);

    // --- hooks for tests and the virtual rack ---
    /// What the relay hardware is doing now, whoever set it.
    std::optional<bool> physicalState(int channel) const;
    /// Every switch the hardware made, in order, since this object was created.
    QList<Switch> switchLog() const { return m_switchLog; }
    /// Every switch the hardware ever made, across processes when there is a state file.
    qint64 transitions() const { return m_transitions; }
    /// The next command on this channel fails with this message (once).
    void failNextCommand(int channel, const QString &message);
    /// Commands complete after this delay instead of at once, like a slow board.
    void setCommandDelay(std::chrono::milliseconds delay) { m_commandDelay = delay; }
    /// A switch reports back this long after the hardware moved (the hardware file is written at once).
    void setReportLatency(std::chrono::milliseconds latency) { m_reportLatency = latency; }
    /// Someone flipped the relay by hand: the hardware changes; rackd sees it on the next read-back.
    void setPhysicalState(int channel, bool on);

Q_SIGNALS:
    /// The simulated hardware switched (also when the bank is driven from outside).
    void physicalStateChanged(int channel, bool on);

protected:
    bool openDevice(const QMap<int, bool> &initialStates, QString *error) override;
    void closeDevice() override;
    void startSwitch(int channel, bool on) override;
    void startRead(int channel) override;

private:
    bool loadStateFile(QString *error);
    bool saveStateFile(QString *error) const;
    bool applyPhysical(int channel, bool on, QString *error);
    void complete(std::function<void()> work);

    QString m_stateFile;
    QHash<int, bool> m_physical;
    QList<Switch> m_switchLog;
    qint64 m_transitions = 0;
    QHash<int, QString> m_injectedFailures;
    std::chrono::milliseconds m_commandDelay {0};
    std::chrono::milliseconds m_reportLatency {0};
    QTimer m_delayTimer;
    std::function<void()> m_delayedWork;
};
