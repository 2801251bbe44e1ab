// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "virtualpi.h"

#include "childprocess.h"
#include "hookmessage.h"
#include "storage/atomicfile.h"
#include "virtualracklogging.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>

#include <csignal>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;

VirtualPi::VirtualPi(Spec spec, VirtualPiHost *host, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
    , m_host(host)
    , m_fixture(QDir(m_spec.nic.directory).filePath(u"root"_s), m_spec.nic.mac, m_spec.nic.hostname,
          quint32(m_spec.nic.index) * 2654435761u)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (const std::function<void()> action = std::exchange(m_timerAction, {}))
            action();
    });
}

VirtualPi::~VirtualPi()
{
    // Every process of every boot, including those cut a moment ago whose end is not reported yet.
    for (QProcess *process : findChildren<QProcess *>()) {
        process->kill();
        process->waitForFinished(2000);
    }
}

QString VirtualPi::stateName(State state)
{
    switch (state) {
    case State::Off:
        return u"off"_s;
    case State::Booting:
        return u"booting"_s;
    case State::WaitingForAddress:
        return u"waiting for an address"_s;
    case State::Joining:
        return u"joining"_s;
    case State::Running:
        return u"running"_s;
    case State::ShuttingDown:
        return u"shutting down"_s;
    case State::Halted:
        return u"halted"_s;
    case State::Dead:
        return u"dead"_s;
    case State::Frozen:
        return u"frozen"_s;
    }
    return {};
}

qint64 VirtualPi::agentProcessId() const { return m_agent ? m_agent->processId() : 0; }

QString VirtualPi::path(const QString &name) const { return QDir(m_spec.nic.directory).filePath(name); }

bool VirtualPi::prepare(QString *error)
{
    if (!QDir().mkpath(m_spec.nic.directory)) {
        *error = u"cannot create %1"_s.arg(m_spec.nic.directory);
        return false;
    }
    if (m_spec.underVoltage)
        m_fixture.setThrottled(0x50005); // under-voltage and throttled, now and since boot
    return m_fixture.write(error);
}

void VirtualPi::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    qCDebug(lcVirtualRack).noquote() << name() << stateName(state);
    Q_EMIT stateChanged(state);
}

void VirtualPi::after(milliseconds delay, std::function<void()> action)
{
    m_timerAction = std::move(action);
    m_timer.start(delay);
}

void VirtualPi::setPower(bool on)
{
    if (on == m_powered)
        return;
    m_powered = on;
    if (!on) {
        cut();
        setState(State::Off);
        return;
    }
    if (m_spec.dead) {
        qCInfo(lcVirtualRack).noquote() << name() << "has power but is dead: it does not boot";
        setState(State::Dead);
        return;
    }
    const VirtualRackOptions &options = m_host->options();
    startBoot(options.bootDelay + (m_spec.slow ? options.slowBootExtra : milliseconds(0)));
}

void VirtualPi::startBoot(milliseconds delay)
{
    ++m_bootGeneration;
    m_address = {};
    const qint64 jitter = m_host->options().bootJitter.count();
    delay += milliseconds(jitter > 0 ? QRandomGenerator::global()->bounded(jitter + 1) : 0);
    setState(State::Booting);
    after(delay, [this] {
        m_fixture.boot();
        m_spec.nic.hostname = m_fixture.hostname(); // what its DHCP client sends, like dhcpcd
        setState(State::WaitingForAddress);
        m_host->network()->plugIn(m_spec.nic);
    });
}

void VirtualPi::addressBound(const QHostAddress &address)
{
    if (m_state != State::WaitingForAddress)
        return; // a renewal, or a client of a boot that was since cut
    m_address = address;
    qCDebug(lcVirtualRack).noquote() << name() << "got" << address.toString();
    joinThenRun();
}

bool VirtualPi::writeAgentConfig(QString *error) const
{
    const auto quoted = [](const QString &text) -> QString { return u"'"_s + text + u"'"_s; };
    QString text = u"; Written by virtual-rack for the virtual Pi %1.\n[agent]\n"_s.arg(name());
    text += u"credential_file = credential\ninterface = eth0\nroot_directory = root\n"_s;
    text += u"heartbeat_interval = %1\nreconnect_max = 5\n"_s.arg(
        double(m_host->options().heartbeatInterval.count()) / 1000.0);
    text += u"shutdown_command = %1 power shutdown\nreboot_command = %1 power reboot\n"_s.arg(
        quoted(m_host->hookProgram()));
    // The hook finds the virtual rack through these; commands get nothing else of the agent's environment.
    text += u"pass_environment = %1 %2\n"_s.arg(
        QString::fromLatin1(HookEnvironment::Socket), QString::fromLatin1(HookEnvironment::Pi));
    const QHostAddress bind = m_host->network()->agentBindAddress(m_address);
    if (!bind.isNull())
        text += u"bind_address = %1\n"_s.arg(bind.toString());
    text += u"\n[command uptime]\nargv = /usr/bin/uptime\ntimeout = 10\n"_s;
    text += u"\n[command sleep]\nargv = /bin/sleep\ntimeout = 60\n"_s;
    return AtomicFile::write(path(u"agent.conf"_s), text.toUtf8(), AtomicFile::WorldReadable, error);
}

QProcess *VirtualPi::startProgram(const QString &program, const QStringList &arguments, const QString &log)
{
    QString wrapped = program;
    QStringList wrappedArguments = arguments;
    m_host->network()->wrapCommand(name(), &wrapped, &wrappedArguments);
    auto *process = new QProcess(this);
    ChildProcess::prepare(process, path(log));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QString::fromLatin1(HookEnvironment::Socket), m_host->controlSocket());
    environment.insert(QString::fromLatin1(HookEnvironment::Pi), name());
    process->setProcessEnvironment(environment);
    connect(process, &QProcess::finished, process, &QObject::deleteLater);
    process->start(wrapped, wrappedArguments);
    return process;
}

QProcess *VirtualPi::startAgentProgram(const QStringList &arguments)
{
    const QStringList command = m_host->agentCommand();
    return startProgram(command.first(), command.mid(1) + arguments, u"agent.log"_s);
}

void VirtualPi::joinThenRun()
{
    QString error;
    if (!writeAgentConfig(&error)) {
        qCWarning(lcVirtualRack).noquote() << name() << ":" << error;
        return;
    }
    const quint64 generation = m_bootGeneration;
    if (QFile::exists(path(u"credential"_s))) {
        if (!m_needsPlacing)
            return startAgent();
        // Joined just now: put the node in its slot first, as the install would have.
        setState(State::Joining);
        m_host->place(m_spec.nic.mac, m_spec.place, [self = QPointer<VirtualPi>(this), generation] {
            VirtualPi *pi = self.data();
            if (!pi || generation != pi->m_bootGeneration || pi->m_state != State::Joining)
                return;
            pi->m_needsPlacing = false;
            pi->startAgent();
        });
        return;
    }
    setState(State::Joining);
    const QString join = m_host->joinString();
    if (join.isEmpty()) {
        after(milliseconds(2000), [this] { joinThenRun(); });
        return;
    }
    // First boot: the image's first-boot service joins the rack with the string it was given.
    m_join = startAgentProgram({u"--config"_s, path(u"agent.conf"_s), u"join"_s, join});
    connect(m_join, &QProcess::finished, this, [this, generation](int exitCode, QProcess::ExitStatus status) {
        if (generation != m_bootGeneration || m_state != State::Joining)
            return;
        // The credential is what counts: a join that saved one went through, whatever the exit said.
        if (!QFile::exists(path(u"credential"_s))) {
            qCWarning(lcVirtualRack).noquote() << name() << "could not join the rack (exit" << exitCode
                                               << (status == QProcess::CrashExit ? "crashed" : "") << "; see"
                                               << path(u"agent.log"_s) << "); trying again in 5 s";
            after(milliseconds(5000), [this] { joinThenRun(); });
            return;
        }
        m_needsPlacing = m_host->options().installed && !m_spec.replaced;
        joinThenRun();
    });
}

void VirtualPi::startAgent()
{
    const quint64 generation = m_bootGeneration;
    m_agent = startAgentProgram({u"--config"_s, path(u"agent.conf"_s)});
    connect(m_agent, &QProcess::finished, this, [this, generation] {
        if (generation == m_bootGeneration)
            agentEnded();
    });
    setState(State::Running);
    if (m_spec.freezes || m_spec.agentCrashes) {
        after(m_host->options().faultAfter, [this, generation] {
            if (generation != m_bootGeneration || m_state != State::Running)
                return;
            qCInfo(lcVirtualRack).noquote()
                << name() << (m_spec.freezes ? "freezes (--hang)" : "loses its agent (--crash-agent)");
            m_spec.freezes ? freeze() : crashAgent();
        });
    }
}

bool VirtualPi::freeze(bool forGood)
{
    QProcess *agent = m_agent.data();
    if (m_state != State::Running || !agent || agent->processId() <= 0)
        return false;
    m_spec.dead = m_spec.dead || forGood;
    ::kill(pid_t(agent->processId()), SIGSTOP);
    m_timer.stop();
    m_timerAction = {};
    setState(State::Frozen);
    return true;
}

bool VirtualPi::crashAgent()
{
    QProcess *agent = m_agent.data();
    if (m_state != State::Running || !agent)
        return false;
    m_agentCrashed = true;
    agent->kill();
    return true;
}

void VirtualPi::setUnderVoltage(bool on) { m_fixture.setThrottled(on ? 0x50005 : 0); }

void VirtualPi::agentEnded()
{
    if (m_state == State::ShuttingDown) {
        m_host->network()->unplug(m_spec.nic);
        m_address = {};
        if (m_rebooting) {
            qCInfo(lcVirtualRack).noquote() << name() << "rebooting";
            startBoot(m_host->options().bootDelay);
        } else {
            qCInfo(lcVirtualRack).noquote() << name() << "halted; it stays off until its power is cycled";
            ++m_bootGeneration;
            setState(State::Halted);
        }
        return;
    }
    if (m_state == State::Running) {
        // Like systemd's Restart=: 5 s for a crash we made (RestartSec=5 in rack-agent.service).
        const milliseconds delay(std::exchange(m_agentCrashed, false) ? 5000 : 2000);
        qCWarning(lcVirtualRack).noquote() << name() << ": rack-agent ended (see" << path(u"agent.log"_s)
                                           << "); restarting it in" << delay.count() / 1000 << "s";
        const quint64 generation = m_bootGeneration;
        after(delay, [this, generation] {
            if (generation == m_bootGeneration && m_state == State::Running)
                startAgent();
        });
    }
}

void VirtualPi::osRequest(bool reboot)
{
    if (m_state != State::Running)
        return;
    setState(State::ShuttingDown);
    if (m_spec.hangsOnShutdown) {
        qCInfo(lcVirtualRack).noquote() << name() << "was asked to" << (reboot ? "reboot" : "shut down")
                                        << "and hangs (--hang-on-shutdown)";
        return;
    }
    m_rebooting = reboot;
    after(m_host->options().shutdownTime, [this] {
        if (QProcess *agent = m_agent.data()) {
            agent->terminate(); // systemd stops the agent cleanly
            after(milliseconds(10000), [this] {
                if (QProcess *stuck = m_agent.data())
                    stuck->kill();
            });
        } else {
            agentEnded();
        }
    });
}

bool VirtualPi::replaceHardware(const QString &mac, QString *error)
{
    const bool powered = m_powered;
    if (powered)
        setPower(false);
    if (!m_host->network()->changeMac(m_spec.nic, mac, error))
        return false;
    m_spec.nic.mac = mac;
    m_spec.nic.hostname = u"raspberrypi"_s;
    m_spec.dead = false;
    m_spec.replaced = true;
    m_needsPlacing = false;
    QFile::remove(path(u"credential"_s));
    m_fixture = PiFixture(QDir(m_spec.nic.directory).filePath(u"root"_s), mac, m_spec.nic.hostname,
        quint32(m_spec.nic.index) * 2654435761u + 1);
    if (!m_fixture.write(error))
        return false;
    qCInfo(lcVirtualRack).noquote() << name() << "was replaced by a Pi with MAC" << mac;
    if (powered)
        setPower(true);
    return true;
}

void VirtualPi::cut()
{
    ++m_bootGeneration;
    m_timer.stop();
    m_timerAction = {};
    m_host->network()->unplug(m_spec.nic);
    for (QProcess *process : {m_agent.data(), m_join.data()}) {
        if (process)
            process->kill();
    }
    m_address = {};
}

void VirtualPi::tick(double seconds)
{
    if (m_state == State::Off || m_state == State::Halted || m_state == State::Dead
        || m_state == State::Booting || m_state == State::Frozen)
        return;
    // A light, uneven load, different on each Pi.
    const double busy
        = 0.05 + 0.3 * QRandomGenerator::global()->generateDouble() * double(m_spec.nic.index % 4) / 3.0;
    m_fixture.advance(seconds, busy);
}
