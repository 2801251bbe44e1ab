// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "relayoperation.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <chrono>
#include <optional>

/// A relay channel and the name a person knows it by ("stack 3").
struct RelayChannelInfo
{
    int number = 0;
    QString label;
};

/// Limits that protect the power supplies and the Pis behind the relays.
struct RelaySafety
{
    std::chrono::milliseconds minimumOffTime {2000}; ///< Off at least this long before coming back on.
    std::chrono::milliseconds minimumSwitchInterval {500}; ///< Between any two switches of one channel.
};

/**
 * A bank of relay channels: the one interface rackd drives, whatever the hardware.
 *
 * Operations are queued and run one channel command at a time, in order per channel; a command
 * that the safety limits do not allow yet waits (other channels go on meanwhile). Results are
 * always delivered through operationFinished(), never from inside the call that queued them.
 * A failure stops the rest of its operation, and the result says where every channel ended.
 *
 * Backends implement the protected hooks; each started command must be finished exactly once.
 */
class RelayBank : public QObject
{
    Q_OBJECT

public:
    RelayBank(QList<RelayChannelInfo> channels, RelaySafety safety, QObject *parent = nullptr);
    ~RelayBank() override;

    virtual QString backendName() const = 0;
    /// Where the hardware is, for messages: "gpiochip0", "/dev/ttyUSB0", ...
    virtual QString deviceDescription() const = 0;
    /**
     * When a restart of rackd would let go of the relays (so that they may switch), a sentence
     * that says why and what to do; empty when restarts are safe.
     */
    virtual QString restartWarning() const { return {}; }

    QList<int> channels() const;
    bool hasChannel(int channel) const;
    QString channelLabel(int channel) const;
    /// What the structure calls the channel ("stack 2"); empty when it has no name.
    QString channelName(int channel) const;
    RelaySafety safety() const { return m_safety; }

    /**
     * Takes control of the hardware. Where the backend can, each channel is taken over in the
     * state given here (a channel missing from the map is taken over off), so that taking
     * control never changes an output that is already right. A channel in `keepIfReadable` is
     * kept as the hardware holds it when the backend can read that on opening (its state is
     * then known); otherwise it is taken over in its given state too.
     */
    bool open(const QMap<int, bool> &initialStates, const QSet<int> &keepIfReadable = {});
    void close();
    bool isOpen() const { return m_open; }
    QString errorString() const { return m_errorString; }

    /// The last known state; empty until the backend has read or set it.
    std::optional<bool> state(int channel) const;
    QMap<int, bool> knownStates() const;
    bool isIdle() const;

    quint64 switchChannels(const QList<RelayCommand> &commands);
    quint64 switchChannel(int channel, bool on);
    /// Reads the given channels (all when empty) back from the hardware.
    quint64 readBack(const QList<int> &channels = {});

    /// How long a switch of this channel to this state would have to wait for the safety limits.
    std::chrono::milliseconds safetyWait(int channel, bool on) const;

    /// What a bank without a relay of its own asks a person to do (the manual backend).
    struct OperatorRequest
    {
        int channel = 0;
        bool on = false;
        QString instruction; ///< "Plug in the power supply of stack 3 (channel 3)."
    };
    /// Whether switching waits for a person (operatorActionRequested); false for real relays.
    virtual bool needsOperator() const { return false; }
    /// The request waiting for the operator, if any.
    virtual std::optional<OperatorRequest> pendingOperatorRequest() const { return std::nullopt; }
    /// The operator did it. False when nothing (or another channel) is waiting.
    virtual bool confirmByOperator(int channel);
    /// The operator could not or would not do it; the switch fails with this reason.
    virtual bool declineByOperator(int channel, const QString &reason);

Q_SIGNALS:
    void channelStateChanged(int channel, bool on);
    void operationFinished(const RelayOperationResult &result);
    /// A failure a person should hear about, in a sentence that names the channel or device.
    void errorOccurred(const QString &message);
    /// A switch waits for the operator (only from banks that need one).
    void operatorActionRequested(const RelayBank::OperatorRequest &request);
    /// The pending request was answered, or dropped because the bank closed.
    void operatorActionResolved(int channel);

protected:
    virtual bool openDevice(const QMap<int, bool> &initialStates, QString *error) = 0;
    /// During openDevice(): whether this channel is to be kept as the hardware holds it, if readable.
    bool keepsWhatItFinds(int channel) const { return m_keepIfReadable.contains(channel); }
    virtual void closeDevice() = 0;
    /// Start switching; call finishCommand() when done (it may be called before this returns).
    virtual void startSwitch(int channel, bool on) = 0;
    /// Start reading; call finishCommand() when done (it may be called before this returns).
    virtual void startRead(int channel) = 0;

    /// Ends the running command. `state` is what the channel is now known to be (empty: unknown).
    void finishCommand(std::optional<bool> state, const QString &error = {});
    /// For backends whose hardware reports its state outside a command (a read on open, say).
    void setKnownState(int channel, std::optional<bool> state);
    /// A device failure outside any command: reported, and every queued command fails.
    void reportDeviceFailure(const QString &message);

private:
    struct Job
    {
        quint64 operationId = 0;
        int channel = 0;
        RelayOperationResult::Kind kind = RelayOperationResult::Kind::Switch;
        bool on = false;
    };
    struct Operation
    {
        RelayOperationResult result;
        int pendingJobs = 0;
    };
    struct ChannelHistory
    {
        std::optional<qint64> lastSwitchMs;
        std::optional<qint64> lastOffMs;
    };

    quint64 enqueue(RelayOperationResult::Kind kind, const QList<RelayCommand> &commands);
    void schedulePump();
    void pump();
    qint64 nowMs() const { return m_clock.elapsed(); }
    qint64 earliestStartMs(const Job &job) const;
    void completeJob(
        const Job &job, RelayChannelResult::Outcome outcome, std::optional<bool> state, const QString &error);
    void abortOperation(quint64 operationId);
    void failAllQueued(const QString &error);
    void finishOperationIfDone(quint64 operationId);

    QList<RelayChannelInfo> m_channels;
    RelaySafety m_safety;
    bool m_open = false;
    QSet<int> m_keepIfReadable;
    QString m_errorString;
    QHash<int, bool> m_states;
    QHash<int, ChannelHistory> m_history;
    QList<Job> m_queue;
    std::optional<Job> m_running;
    QHash<quint64, Operation> m_operations;
    quint64 m_nextOperationId = 1;
    QElapsedTimer m_clock;
    QTimer m_safetyTimer;
    bool m_pumpScheduled = false;
    bool m_pumping = false;
};

Q_DECLARE_METATYPE(RelayBank::OperatorRequest)
