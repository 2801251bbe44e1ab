// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pifixture.h"
#include "racknetwork.h"
#include "virtualrackoptions.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QTimer>
#include <functional>

/// What a virtual Pi needs from the rack it stands in.
class VirtualPiHost
{
public:
    virtual ~VirtualPiHost() = default;
    virtual RackNetwork *network() const = 0;
    virtual const VirtualRackOptions &options() const = 0;
    /// For the first boot; empty when the rack has none (the Pi then waits and asks again).
    virtual QString joinString() const = 0;
    /// Puts a freshly joined node in its slot in rackd, as an install would; `done` runs either way.
    virtual void place(const QString &mac, PiPlace place, std::function<void()> done) = 0;
    /// How to start rack-agent: the program, or a wrapper (qemu-user, say) and its arguments first.
    virtual QStringList agentCommand() const = 0;
    virtual QString hookProgram() const = 0;
    virtual QString controlSocket() const = 0;
};

/**
 * One Raspberry Pi of the virtual rack, as a state machine driven by its stack's relay:
 *
 *   Off --power--> Booting --delay--> WaitingForAddress --DHCP--> [Joining -->] Running
 *   Running --shutdown--> ShuttingDown --agent stops--> Halted   (reboot: back to Booting)
 *   any state --power cut--> Off; a dead Pi stays Dead while powered.
 *
 * Its files (agent.conf, credential, the /proc and /sys fixture, logs) live in its directory.
 */
class VirtualPi : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Off,
        Booting,
        WaitingForAddress,
        Joining,
        Running,
        ShuttingDown,
        Halted,
        Dead,
        Frozen
    };

    struct Spec
    {
        PiPlace place;
        VirtualPiNic nic;
        QString fixedName;
        QHostAddress fixedAddress;
        bool dead = false;
        bool slow = false;
        bool hangsOnShutdown = false;
        bool freezes = false; ///< Freezes faultAfter into each run.
        bool agentCrashes = false; ///< Its agent dies faultAfter into each run.
        bool underVoltage = false;
        bool replaced = false; ///< New hardware swapped in during the run: the install places it, not us.
    };

    VirtualPi(Spec spec, VirtualPiHost *host, QObject *parent = nullptr);
    ~VirtualPi() override;

    static QString stateName(State state);
    State state() const { return m_state; }
    const Spec &spec() const { return m_spec; }
    QString name() const { return m_spec.nic.name; }
    QHostAddress address() const { return m_address; }
    /// The agent's process id while one runs (0 otherwise).
    qint64 agentProcessId() const;

    bool prepare(QString *error);
    void setPower(bool on);
    void addressBound(const QHostAddress &address);
    void osRequest(bool reboot);
    /**
     * The Pi is swapped for another one with `mac` and a fresh image (no credential, default host
     * name): it loses power for the swap and boots again if its stack is on.
     */
    bool replaceHardware(const QString &mac, QString *error);
    /// Moves the fixture's counters on while the Pi runs.
    void tick(double seconds);
    /**
     * A kernel stall: the agent stops where it is (SIGSTOP), its connection stays open and says
     * nothing (no FIN, no RST), until the Pi loses power. False unless the Pi runs. `forGood`: the
     * hardware died, and power brings nothing back either.
     */
    bool freeze(bool forGood = false);
    /// The agent dies (SIGKILL); the Pi runs on and restarts it 5 s later, as systemd's RestartSec=5.
    bool crashAgent();
    /// The firmware reports under-voltage and throttling (or no longer does).
    void setUnderVoltage(bool on);

Q_SIGNALS:
    void stateChanged(VirtualPi::State state);

private:
    void setState(State state);
    void startBoot(std::chrono::milliseconds delay);
    void after(std::chrono::milliseconds delay, std::function<void()> action);
    void agentEnded();
    bool writeAgentConfig(QString *error) const;
    void joinThenRun();
    void startAgent();
    QProcess *startProgram(const QString &program, const QStringList &arguments, const QString &log);
    /// rack-agent with these arguments, through the wrapper if there is one; its output goes to agent.log.
    QProcess *startAgentProgram(const QStringList &arguments);
    void cut();
    QString path(const QString &name) const;

    Spec m_spec;
    VirtualPiHost *m_host;
    PiFixture m_fixture;
    State m_state = State::Off;
    bool m_powered = false;
    QHostAddress m_address;
    QTimer m_timer; ///< Boot, shutdown and retry delays: one at a time.
    std::function<void()> m_timerAction;
    bool m_rebooting = false;
    bool m_agentCrashed = false; ///< Its next end was crashAgent(): restarted later, as systemd would.
    bool m_needsPlacing = false; ///< Joined in this run and not placed in rackd yet.
    QPointer<QProcess> m_agent;
    QPointer<QProcess> m_join;
    quint64 m_bootGeneration = 0; ///< Tells a process's end apart from one of an earlier boot.
};
