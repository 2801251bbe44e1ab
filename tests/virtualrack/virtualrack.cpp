// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Past ~600 lines on purpose: the rack as one object (processes, network, relays, Pis, start and
// stop order); its parts (network modes, Pis, DHCP pool) are in their own files beside it.
#include "virtualrack.h"

#include "childprocess.h"
#include "dhcppool.h"
#include "loopbacknetwork.h"
#include "namespacenetwork.h"
#include "protocol/tlsidentity.h"
#include "simulated/simulatedrelaybank.h"
#include "storage/atomicfile.h"
#include "storage/jsonfile.h"
#include "structure/structurereader.h"
#include "virtualracklogging.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <algorithm>
#include <csignal>

using namespace Qt::Literals::StringLiterals;
using std::chrono::milliseconds;

using AtomicFile::OwnerOnly;
using AtomicFile::WorldReadable;

VirtualRack::VirtualRack(VirtualRackOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_adminReconnect.setSingleShot(true);
    m_adminReconnect.setInterval(1000);
    connect(&m_adminReconnect, &QTimer::timeout, this, [this] {
        if (!m_started || !m_rackd || m_admin.isReady())
            return;
        RackClient::Options client;
        client.host = u"127.0.0.1"_s;
        client.port = m_hostPort;
        client.token = m_adminToken;
        client.pinnedFingerprint = m_fingerprint;
        client.software = u"virtual-rack"_s;
        m_admin.connectToRack(client);
    });
    connect(&m_admin, &RackClient::disconnected, this, [this] {
        if (m_started)
            m_adminReconnect.start();
    });
    connect(&m_control, &QLocalServer::newConnection, this, &VirtualRack::onControlConnection);
    m_tick.setInterval(2000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        for (VirtualPi *pi : std::as_const(m_pis))
            pi->tick(2.0);
    });
    m_relayPoll.setInterval(500); // the watcher is quick; this catches what it may miss
    connect(&m_relayPoll, &QTimer::timeout, this, &VirtualRack::readRelays);
    connect(&m_relayWatcher, &QFileSystemWatcher::directoryChanged, this, &VirtualRack::readRelays);
}

VirtualRack::~VirtualRack() { stop(); }

QString VirtualRack::path(const QString &relative) const
{
    return QDir(m_options.runDirectory).filePath(relative);
}
QString VirtualRack::controlSocket() const { return path(u"control.sock"_s); }
QString VirtualRack::dhcpEventSocket() const { return path(u"dhcp-events.sock"_s); }
QString VirtualRack::adminTokenFile() const { return path(u"admin-token"_s); }
QString VirtualRack::relayStateFile() const { return path(u"relays/state.json"_s); }
QString VirtualRack::rackdLogFile() const { return path(u"logs/rackd.log"_s); }
QString VirtualRack::dhcpLeaseFile() const
{
    return m_usesNamespaces ? path(u"dnsmasq/dnsmasq.leases"_s) : path(u"network/loopback-leases.json"_s);
}

QString VirtualRack::modeDescription() const { return m_network ? m_network->description() : QString(); }

VirtualPi *VirtualRack::pi(PiPlace place) const
{
    for (VirtualPi *pi : m_pis) {
        if (pi->spec().place == place)
            return pi;
    }
    return nullptr;
}

VirtualPi *VirtualRack::pi(const QString &name) const
{
    for (VirtualPi *pi : m_pis) {
        if (pi->name() == name)
            return pi;
    }
    return nullptr;
}

QString VirtualRack::macFor(PiPlace place, int replacement)
{
    // 02: locally administered, so never a real vendor's; hashed so the MACs do not give the wiring away.
    QString seed = QStringLiteral("pirack-virtual-pi/%1/%2").arg(place.stack).arg(place.slot);
    if (replacement > 0)
        seed += u"/replacement-%1"_s.arg(replacement);
    const QByteArray digest = QCryptographicHash::hash(seed.toUtf8(), QCryptographicHash::Sha256);
    QStringList octets {u"02"_s};
    for (int i = 0; i < 5; ++i)
        octets.append(u"%1"_s.arg(quint8(digest.at(i)), 2, 16, QLatin1Char('0')));
    return octets.join(u':');
}

QString VirtualRack::replacePi(PiPlace place, QString *error)
{
    VirtualPi *old = pi(place);
    if (!old) {
        *error = u"there is no Pi %1"_s.arg(place.toString());
        return {};
    }
    const int replacement = m_replacements.value(place) + 1;
    const QString mac = macFor(place, replacement);
    // The new Pi's first-boot join needs a string with a use left; it retries until one arrives.
    m_admin.request(u"join.create"_s, {{u"uses"_s, 1}, {u"ttl_s"_s, 7 * 24 * 3600}},
        [this](const Protocol::Reply &reply) {
            if (reply.isError())
                qCWarning(lcVirtualRack).noquote()
                    << "rackd would not make a join string for a replaced Pi:" << reply.error->message;
            else
                m_joinString = reply.result.value(u"join_string"_s).toString();
        });
    if (!old->replaceHardware(mac, error))
        return {};
    m_replacements.insert(place, replacement);
    return mac;
}

bool VirtualRack::loadStructure(QString *error)
{
    const StructureLoadResult result = StructureReader::readFile(m_options.structureFile);
    if (!result.structure) {
        QStringList problems;
        for (const StructureIssue &issue : result.issues) {
            if (issue.isError())
                problems.append(issue.toString());
        }
        *error = u"the structure file cannot be used:\n"_s + problems.join(u'\n');
        return false;
    }
    m_structure = *result.structure;
    const auto check = [this, error](const QSet<PiPlace> &places, const QString &option) {
        for (const PiPlace &place : places) {
            const RackStack *stack = m_structure.stack(place.stack);
            if (!stack || place.slot > stack->piCount) {
                *error = u"%1 %2: the rack has no such Pi (%3)"_s.arg(option, place.toString(),
                    stack ? u"stack %1 has %2 Pis"_s.arg(stack->id).arg(stack->piCount)
                          : u"there is no stack %1"_s.arg(place.stack));
                return false;
            }
        }
        return true;
    };
    return check(m_options.deadPis, u"--dead"_s) && check(m_options.slowPis, u"--slow"_s)
        && check(m_options.hangingPis, u"--hang-on-shutdown"_s) && check(m_options.freezingPis, u"--hang"_s)
        && check(m_options.crashingAgentPis, u"--crash-agent"_s)
        && check(m_options.underVoltagePis, u"--undervoltage"_s);
}

bool VirtualRack::chooseNetwork(QString *error)
{
    QString why;
    const bool namespaces
        = m_options.mode != VirtualRackOptions::Mode::Loopback && NamespaceNetwork::available(&why);
    if (m_options.mode == VirtualRackOptions::Mode::Namespaces && !namespaces) {
        *error = u"--mode namespaces is not possible here: %1"_s.arg(why);
        return false;
    }
    if (namespaces) {
        for (const QString &removed : NamespaceNetwork::removeLeftovers())
            qCWarning(lcVirtualRack).noquote() << "removed" << removed;
        auto network = std::make_unique<NamespaceNetwork>();
        m_namespacePrefix = network->prefix();
        m_network = std::move(network);
        m_usesNamespaces = true;
    } else {
        const QString reason
            = m_options.mode == VirtualRackOptions::Mode::Loopback ? u"chosen with --mode loopback"_s : why;
        m_network = std::make_unique<LoopbackNetwork>(reason);
    }
    connect(
        m_network.get(), &RackNetwork::bound, this, [this](const QString &name, const QHostAddress &address) {
            if (VirtualPi *target = pi(name))
                target->addressBound(address);
        });
    return true;
}

bool VirtualRack::findPrograms(QString *error)
{
    const QString directory = m_options.binaryDirectory;
    m_rackdProgram
        = directory.isEmpty() ? QStringLiteral(PIRACK_RACKD_PATH) : QDir(directory).filePath(u"rackd"_s);
    m_agentProgram
        = directory.isEmpty() ? QStringLiteral(PIRACK_AGENT_PATH) : QDir(directory).filePath(u"rack-agent"_s);
    if (!m_options.agentProgram.isEmpty())
        m_agentProgram = m_options.agentProgram;
    if (!m_options.agentWrapper.isEmpty()) {
        // The wrapper by its path, so that a missing one is said now and not once per Pi.
        const QString wrapper = QStandardPaths::findExecutable(m_options.agentWrapper.first());
        if (wrapper.isEmpty()) {
            *error = u"--agent-wrapper: %1 is not an executable program (not found on PATH)"_s.arg(
                m_options.agentWrapper.first());
            return false;
        }
        m_options.agentWrapper.first() = wrapper;
    }
    m_hookProgram
        = directory.isEmpty() ? QStringLiteral(PIRACK_HOOK_PATH) : QDir(directory).filePath(u"vrack-hook"_s);
    // By default dnsmasq tells rackd, as on a real master; --dhcp-script vrack-hook records instead.
    const QString rackdScript = directory.isEmpty() ? QStringLiteral(PIRACK_DHCP_SCRIPT_PATH)
                                                    : QDir(directory).filePath(u"pirack-dhcp-script"_s);
    m_dhcpScript = m_options.dhcpScript.isEmpty() ? rackdScript : m_options.dhcpScript;
    for (const QString &program : {m_rackdProgram, m_agentProgram, m_hookProgram, m_dhcpScript}) {
        if (!QFileInfo(program).isExecutable()) {
            *error = u"%1 is missing or not executable (build the project first, or give --bin-dir)"_s.arg(
                program);
            return false;
        }
    }
    return true;
}

bool VirtualRack::preparePis(QString *error)
{
    for (const RackSlot &slot : m_structure.slots()) {
        const PiPlace place {slot.stackId, slot.slot};
        VirtualPi::Spec spec;
        spec.place = place;
        spec.nic.name = slot.name;
        spec.nic.index = slot.index;
        spec.nic.mac = macFor(place);
        // An installed Pi was given its name; a fresh one has the image's default.
        spec.nic.hostname = m_options.installed ? slot.name : u"raspberrypi"_s;
        spec.nic.directory = path(u"pis/"_s + slot.name);
        spec.fixedName = slot.name;
        spec.fixedAddress = slot.address;
        spec.dead = m_options.deadPis.contains(place);
        spec.slow = m_options.slowPis.contains(place);
        spec.hangsOnShutdown = m_options.hangingPis.contains(place);
        spec.freezes = m_options.freezingPis.contains(place);
        spec.agentCrashes = m_options.crashingAgentPis.contains(place);
        spec.underVoltage = m_options.underVoltagePis.contains(place);
        auto *pi = new VirtualPi(spec, this, this);
        if (!pi->prepare(error)) {
            delete pi;
            return false;
        }
        connect(pi, &VirtualPi::stateChanged, this,
            [this, pi](VirtualPi::State state) { Q_EMIT piStateChanged(pi, state); });
        m_pis.append(pi);
    }
    return true;
}

bool VirtualRack::writeReservations(QString *error) const
{
    const QString hosts = path(u"dnsmasq/dhcp-hosts"_s), names = path(u"dnsmasq/hosts"_s);
    if (!m_options.installed) {
        // What an install writes later; an earlier install's reservations stay.
        for (const QString &file : {hosts, names}) {
            if (!QFile::exists(file) && !AtomicFile::write(file, {}, WorldReadable, error))
                return false;
        }
        return true;
    }
    QByteArray hostLines = "# Written by virtual-rack: the reservations of an installed rack.\n";
    QByteArray nameLines = hostLines;
    for (const VirtualPi *pi : m_pis) {
        const VirtualPi::Spec &spec = pi->spec();
        hostLines += u"%1,%2,%3\n"_s.arg(spec.nic.mac, spec.fixedAddress.toString(), spec.fixedName).toUtf8();
        nameLines += u"%1 %2\n"_s.arg(spec.fixedAddress.toString(), spec.fixedName).toUtf8();
    }
    return AtomicFile::write(hosts, hostLines, WorldReadable, error)
        && AtomicFile::write(names, nameLines, WorldReadable, error);
}

bool VirtualRack::writeRackdConfig(QString *error) const
{
    QString text = u"; Written by virtual-rack on each start.\n[rackd]\n"_s;
    text += u"listen_address = %1\nlisten_port = %2\n"_s.arg(m_network->rackdAddress().toString())
                .arg(m_network->rackdPort());
    text += u"state_directory = %1\nstructure_file = %2\n"_s.arg(
        path(u"rackd-state"_s), m_structure.sourceFile);
    text += u"relay_backend = simulated\nsimulated_state_file = %1\n"_s.arg(relayStateFile());
    text += u"dhcp_event_socket = %1\n"_s.arg(dhcpEventSocket());
    // The install writes the reservations where dnsmasq (or the loopback DHCP) reads them.
    text += u"dnsmasq_hosts_file = %1\ndnsmasq_names_file = %2\ndnsmasq_pid_file = %3\n"_s.arg(
        path(u"dnsmasq/dhcp-hosts"_s), path(u"dnsmasq/hosts"_s),
        m_usesNamespaces ? path(u"dnsmasq/dnsmasq.pid"_s) : u"off"_s);
    // The HTTPS listener (Redfish, /metrics) only when asked for: its default port is the same for
    // every virtual rack on this machine. In namespaces rackd takes the same port number as the
    // host side, so the URL rackd reports (its status' http port) is the one that works here.
    if (m_httpPort != 0)
        text += u"http_listen_address = %1\nhttp_listen_port = %2\n"_s
                    .arg(m_network->rackdAddress().toString())
                    .arg(m_httpPort);
    else if (!std::any_of(m_options.rackdConfigLines.cbegin(), m_options.rackdConfigLines.cend(),
                 [](const QString &line) { return line.trimmed().startsWith(u"http_listen_port"_s); }))
        text += u"http_listen_port = 0\n"_s;
    for (const QString &line : m_options.rackdConfigLines)
        text += line + u'\n';
    text += u"heartbeat_interval = %1\njoin_host = %2\n"_s
                .arg(double(m_options.heartbeatInterval.count()) / 1000.0)
                .arg(m_network->rackdAddress().toString());
    return AtomicFile::write(path(u"rackd.conf"_s), text.toUtf8(), OwnerOnly, error);
}

bool VirtualRack::readFingerprint(QString *error)
{
    QByteArray output;
    if (!ChildProcess::run(m_rackdProgram, {u"--config"_s, path(u"rackd.conf"_s), u"--fingerprint"_s}, error,
            milliseconds(30000), &output))
        return false;
    m_fingerprint = QString::fromUtf8(output).trimmed().split(u'\n').constLast().trimmed();
    if (!m_fingerprint.startsWith(u"SHA256:"_s)) {
        *error = u"rackd --fingerprint printed no fingerprint: %1"_s.arg(QString::fromUtf8(output));
        return false;
    }
    return true;
}

bool VirtualRack::start(QString *error)
{
    if (m_started)
        return true;
    for (const QString &directory :
        {u""_s, u"rackd-state"_s, u"relays"_s, u"dnsmasq"_s, u"pis"_s, u"logs"_s, u"network"_s}) {
        if (!QDir().mkpath(path(directory))) {
            *error = u"cannot create %1"_s.arg(path(directory));
            return false;
        }
    }
    // Only its owner writes here (the control socket and the Pis' credentials live here); others may read.
    QFile::setPermissions(m_options.runDirectory,
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup
            | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther);
    if (!loadStructure(error) || !findPrograms(error) || !chooseNetwork(error) || !preparePis(error)
        || !writeReservations(error))
        return false;
    m_started = true; // from here on, stop() has something to undo
    if (!startControlServer(error)) {
        stop();
        return false;
    }
    std::optional<DhcpPool> pool = DhcpPool::forStructure(m_structure, error);
    if (!pool) {
        stop();
        return false;
    }
    RackNetworkSetup setup;
    setup.runDirectory = m_options.runDirectory;
    setup.masterAddress = m_structure.addressing.masterAddress;
    setup.prefixLength = m_structure.addressing.prefixLength;
    setup.pool = *pool;
    setup.hostsFile = path(u"dnsmasq/dhcp-hosts"_s);
    setup.namesFile = path(u"dnsmasq/hosts"_s);
    setup.dhcpScript = m_dhcpScript;
    setup.hookProgram = m_hookProgram;
    setup.controlSocket = controlSocket();
    setup.dhcpEventSocket = dhcpEventSocket();
    for (const VirtualPi *pi : std::as_const(m_pis))
        setup.pis.append(pi->spec().nic);
    if (auto *loopback = qobject_cast<LoopbackNetwork *>(m_network.get())) {
        if (!loopback->choosePort(m_options.port, error)) {
            stop();
            return false;
        }
    }
    if (m_options.httpPort && !chooseHttpPort(error)) {
        stop();
        return false;
    }
    if (!m_network->create(setup, error) || !writeRackdConfig(error) || !readFingerprint(error)) {
        stop();
        return false;
    }
    m_hostPort = m_network->exposeRackd(m_options.port, error);
    if (m_hostPort == 0 || (m_httpPort != 0 && !m_network->exposeHttp(m_httpPort, error))
        || !startRackd(error) || !prepareJoin(error)) {
        stop();
        return false;
    }
    followRelays();
    m_tick.start();
    return true;
}

bool VirtualRack::chooseHttpPort(QString *error)
{
    m_httpPort = *m_options.httpPort;
    if (m_httpPort != 0)
        return true;
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) {
        *error = u"no free port for rackd's HTTPS listener: %1"_s.arg(probe.errorString());
        return false;
    }
    m_httpPort = probe.serverPort();
    return true;
}

bool VirtualRack::startRackd(QString *error)
{
    if (m_rackd && m_rackd->state() != QProcess::NotRunning)
        return connectAdmin(milliseconds(60000), error);
    QString program = m_rackdProgram;
    QStringList arguments {u"--config"_s, path(u"rackd.conf"_s)};
    m_network->wrapCommand({}, &program, &arguments);
    auto *rackd = new QProcess(this);
    ChildProcess::prepare(rackd, rackdLogFile());
    connect(rackd, &QProcess::finished, rackd, &QObject::deleteLater);
    connect(rackd, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        if (m_started)
            qCWarning(lcVirtualRack).noquote()
                << "rackd ended"
                << (status == QProcess::CrashExit ? u"by a signal"_s : u"with exit code %1"_s.arg(code))
                << "(log:" << rackdLogFile() + u')';
    });
    rackd->start(program, arguments);
    m_rackd = rackd;
    return connectAdmin(milliseconds(60000), error);
}

void VirtualRack::killRackd()
{
    if (QProcess *rackd = m_rackd.data()) {
        ::kill(pid_t(rackd->processId()), SIGKILL);
        rackd->waitForFinished(10000);
    }
}

bool VirtualRack::connectAdmin(milliseconds timeout, QString *error)
{
    QElapsedTimer clock;
    clock.start();
    m_adminReconnect.stop();
    QString lastProblem = u"rackd did not answer"_s;
    while (clock.elapsed() < timeout.count()) {
        if (!m_rackd || m_rackd->state() == QProcess::NotRunning) {
            QFile log(rackdLogFile());
            const QString tail
                = log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll().right(1500)) : QString();
            *error = u"rackd stopped while starting; the end of its log (%1):\n%2"_s.arg(
                rackdLogFile(), tail.trimmed());
            return false;
        }
        if (m_adminToken.isEmpty()) {
            // rackd writes its first admin token before it listens; keep a copy, the operator may delete it.
            for (const QString &file : {path(u"rackd-state/initial-admin-token"_s), adminTokenFile()}) {
                QFile token(file);
                if (token.open(QIODevice::ReadOnly))
                    m_adminToken = QString::fromUtf8(token.readAll()).trimmed();
                if (!m_adminToken.isEmpty())
                    break;
            }
            if (!m_adminToken.isEmpty() && !QFile::exists(adminTokenFile())
                && !AtomicFile::write(adminTokenFile(), m_adminToken.toUtf8() + '\n', OwnerOnly, error))
                return false;
        }
        if (!m_adminToken.isEmpty()) {
            QEventLoop loop;
            QTimer limit;
            limit.setSingleShot(true);
            connect(&limit, &QTimer::timeout, &loop, &QEventLoop::quit);
            const auto ready = connect(&m_admin, &RackClient::ready, &loop, &QEventLoop::quit);
            const auto failed = connect(&m_admin, &RackClient::disconnected, &loop,
                [&loop, &lastProblem](const QString &, const QString &reason) {
                    lastProblem = reason;
                    loop.quit();
                });
            RackClient::Options client;
            client.host = u"127.0.0.1"_s;
            client.port = m_hostPort;
            client.token = m_adminToken;
            client.pinnedFingerprint = m_fingerprint;
            client.software = u"virtual-rack"_s;
            m_admin.connectToRack(client);
            limit.start(5000);
            loop.exec();
            disconnect(ready);
            disconnect(failed);
            m_adminReconnect.stop(); // the failure above scheduled one; this loop retries by itself
            if (m_admin.isReady())
                return true;
        }
        QEventLoop pause;
        QTimer::singleShot(200, &pause, &QEventLoop::quit);
        pause.exec();
    }
    *error = u"rackd did not answer on 127.0.0.1:%1 within %2 s: %3 (log: %4)"_s.arg(m_hostPort)
                 .arg(timeout.count() / 1000)
                 .arg(lastProblem, rackdLogFile());
    return false;
}

bool VirtualRack::prepareJoin(QString *error)
{
    // A Pi that joined another rackd (its state was deleted since) joins again.
    int needed = 0;
    for (const VirtualPi *pi : std::as_const(m_pis)) {
        const QString credential = QDir(pi->spec().nic.directory).filePath(u"credential"_s);
        const JsonFile::ReadResult saved = JsonFile::read(credential, 64 * 1024);
        if (saved.status == JsonFile::ReadResult::Status::Ok
            && saved.object.value(u"rackd_fingerprint"_s).toString() == m_fingerprint)
            continue;
        QFile::remove(credential);
        ++needed;
    }
    if (needed == 0)
        return true;
    QEventLoop loop;
    bool ok = false;
    m_admin.request(u"join.create"_s, {{u"uses"_s, needed}, {u"ttl_s"_s, 7 * 24 * 3600}},
        [&](const Protocol::Reply &reply) {
            if (!reply.isError()) {
                m_joinString = reply.result.value(u"join_string"_s).toString();
                ok = !m_joinString.isEmpty();
            }
            if (!ok)
                *error = u"rackd would not make a join string: %1"_s.arg(
                    reply.error ? reply.error->message : u"no join_string in its answer"_s);
            loop.quit();
        });
    loop.exec();
    return ok;
}

void VirtualRack::place(const QString &mac, PiPlace where, std::function<void()> done)
{
    if (!m_started)
        return; // stopping: the Pi that asked is going away
    if (!m_admin.isReady()) {
        // rackd is restarting: ask again shortly, the Pi waits as an install would.
        QTimer::singleShot(1000, this,
            [this, mac, where, done = std::move(done)]() mutable { place(mac, where, std::move(done)); });
        return;
    }
    m_admin.request(u"node.assign"_s, {{u"mac"_s, mac}, {u"stack"_s, where.stack}, {u"slot"_s, where.slot}},
        [mac, where, done = std::move(done)](const Protocol::Reply &reply) {
            if (const std::optional<Protocol::Error> &failure = reply.error)
                qCWarning(lcVirtualRack).noquote()
                    << "placing" << mac << "at" << where.toString() << "failed:" << failure->message;
            done();
        });
}

bool VirtualRack::startControlServer(QString *error)
{
    QLocalServer::removeServer(controlSocket());
    m_control.setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_control.listen(controlSocket())) {
        *error = u"cannot listen on %1: %2"_s.arg(controlSocket(), m_control.errorString());
        return false;
    }
    return true;
}

void VirtualRack::onControlConnection()
{
    while (QLocalSocket *socket = m_control.nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > 4096)
                    socket->abort(); // one short line per connection, nothing else
                return;
            }
            const QString answer = handleHookMessage(socket->readLine(4096));
            socket->write(answer.toUtf8() + '\n');
            socket->disconnectFromServer();
        });
    }
}

QString VirtualRack::handleHookMessage(const QByteArray &line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    QString error;
    const std::optional<HookMessage> message
        = document.isObject() ? HookMessage::fromJson(document.object(), &error) : std::nullopt;
    if (!message) {
        if (error.isEmpty())
            error = u"not a JSON object"_s;
        qCWarning(lcVirtualRack).noquote() << "a bad message on the control socket:" << error;
        return u"error: "_s + error;
    }
    if (message->kind == HookMessage::Kind::Dhcp) {
        qCInfo(lcVirtualRack).noquote()
            << "DHCP" << message->action << message->mac << message->address.toString() << message->hostname;
        QFile log(path(u"logs/dhcp-events.log"_s));
        if (log.open(QIODevice::Append))
            log.write(QJsonDocument(message->toJson()).toJson(QJsonDocument::Compact) + '\n');
        Q_EMIT dhcpEvent(*message);
        return u"ok"_s;
    }
    VirtualPi *target = pi(message->pi);
    if (!target)
        return u"error: there is no Pi \"%1\""_s.arg(message->pi);
    if (message->kind == HookMessage::Kind::Bound)
        target->addressBound(message->address);
    else
        target->osRequest(message->kind == HookMessage::Kind::Reboot);
    return u"ok"_s;
}

void VirtualRack::followRelays()
{
    m_relayWatcher.addPath(path(u"relays"_s));
    m_relayPoll.start();
    readRelays();
}

void VirtualRack::readRelays()
{
    // rackd drives simulated relays, which keep their state in this file: read it as the bank writes it.
    QString error;
    const std::optional<SimulatedRelayBank::StateFile> state
        = SimulatedRelayBank::readStateFile(relayStateFile(), &error);
    if (!state || !state->found)
        return; // not written yet (all off), or being replaced: the next look finds it whole
    for (const RackStack &stack : std::as_const(m_structure.stacks)) {
        const bool on = state->channels.value(stack.relayChannel, false);
        const auto known = m_relays.constFind(stack.relayChannel);
        if (known != m_relays.cend() && known.value() == on)
            continue;
        const bool firstLook = known == m_relays.cend();
        m_relays.insert(stack.relayChannel, on);
        qCInfo(lcVirtualRack).noquote() << "stack" << stack.id << "power" << (on ? "on" : "off");
        if (!firstLook) {
            m_switchLog.append({stack.id, on, QDateTime::currentDateTimeUtc()});
            Q_EMIT relaySwitched(stack.id, on);
        }
        for (VirtualPi *pi : std::as_const(m_pis)) {
            if (pi->spec().place.stack == stack.id)
                pi->setPower(on);
        }
    }
}

void VirtualRack::stop()
{
    if (!m_started)
        return;
    m_started = false;
    m_tick.stop();
    m_relayPoll.stop();
    m_adminReconnect.stop();
    m_admin.disconnectFromRack();
    // The Pis lose power first, then rackd stops (saving what it knows), then the network goes.
    for (VirtualPi *pi : std::as_const(m_pis))
        pi->setPower(false);
    qDeleteAll(m_pis);
    m_pis.clear();
    if (QProcess *rackd = m_rackd.data()) {
        ChildProcess::stop(rackd, milliseconds(15000));
        delete rackd;
    }
    if (m_network)
        m_network->destroy();
    m_control.close();
    QLocalServer::removeServer(controlSocket());
    qCInfo(lcVirtualRack) << "the virtual rack is down";
}
