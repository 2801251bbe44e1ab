// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "namespacenetwork.h"

#include "childprocess.h"
#include "hookmessage.h"
#include "portforwarder.h"
#include "storage/jsonfile.h"
#include "virtualracklogging.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QThread>
#include <csignal>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

bool runBatch(
    const QStringList &globalOptions, const QStringList &commands, const QString &file, QString *error)
{
    QFile batch(file);
    if (!batch.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = u"cannot write %1: %2"_s.arg(file, batch.errorString());
        return false;
    }
    batch.write(commands.join(u'\n').toUtf8() + '\n');
    batch.close();
    return ChildProcess::run(u"ip"_s, globalOptions + QStringList {u"-batch"_s, file}, error);
}

QStringList existingNamespaces()
{
    QByteArray output;
    QString error;
    if (!ChildProcess::run(
            u"ip"_s, {u"netns"_s, u"list"_s}, &error, std::chrono::milliseconds(10000), &output))
        return {};
    QStringList names;
    for (const QByteArray &line : output.split('\n')) {
        const QByteArray name = line.trimmed().split(' ').value(0);
        if (!name.isEmpty())
            names.append(QString::fromUtf8(name));
    }
    return names;
}

bool processAlive(qint64 pid) { return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM); }

} // namespace

NamespaceNetwork::NamespaceNetwork(QObject *parent)
    : RackNetwork(parent)
    , m_prefix(u"pvr%1"_s.arg(QRandomGenerator::global()->bounded(0x100000u), 5, 16, QLatin1Char('0')))
{ }

NamespaceNetwork::~NamespaceNetwork() { destroy(); }

QString NamespaceNetwork::manifestDirectory() { return u"/run/pirack-virtual-rack"_s; }

bool NamespaceNetwork::available(QString *why)
{
    if (::geteuid() != 0) {
        *why = u"not running as root"_s;
        return false;
    }
    for (const QString &tool : {u"ip"_s, u"dnsmasq"_s, u"udhcpc"_s}) {
        if (QStandardPaths::findExecutable(tool, {u"/usr/sbin"_s, u"/sbin"_s, u"/usr/bin"_s, u"/bin"_s})
                .isEmpty()) {
            *why = u"%1 is not installed"_s.arg(tool);
            return false;
        }
    }
    const QString probe = u"pvrprobe%1"_s.arg(::getpid());
    QString error;
    if (!ChildProcess::run(u"ip"_s, {u"netns"_s, u"add"_s, probe}, &error)) {
        *why = u"network namespaces are not available here (%1)"_s.arg(error);
        return false;
    }
    ChildProcess::run(u"ip"_s, {u"netns"_s, u"del"_s, probe}, &error);
    return true;
}

QString NamespaceNetwork::description() const
{
    return u"network-namespace mode: a bridge in %1 with dnsmasq for DHCP, and one namespace per Pi with "
           u"its own eth0 and udhcpc"_s.arg(masterNamespace());
}

void NamespaceNetwork::removeNamespaces(const QStringList &names)
{
    const QStringList existing = existingNamespaces();
    QStringList commands;
    for (const QString &name : names) {
        if (!existing.contains(name))
            continue;
        // A namespace outlives its name while a process is in it: end those first (they were ours).
        QByteArray output;
        QString error;
        if (ChildProcess::run(
                u"ip"_s, {u"netns"_s, u"pids"_s, name}, &error, std::chrono::milliseconds(10000), &output)) {
            for (const QByteArray &pid : output.split('\n')) {
                bool ok = false;
                const qint64 value = pid.trimmed().toLongLong(&ok);
                if (ok && value > 1)
                    ::kill(pid_t(value), SIGKILL);
            }
        }
        commands.append(u"netns del "_s + name);
    }
    if (commands.isEmpty())
        return;
    const QString file = QDir::temp().filePath(u"pirack-vrack-del-%1.batch"_s.arg(::getpid()));
    QString error;
    if (!runBatch({u"-force"_s}, commands, file, &error))
        qCWarning(lcVirtualRack).noquote() << "removing network namespaces:" << error;
    QFile::remove(file);
}

QStringList NamespaceNetwork::removeLeftovers()
{
    QStringList removed;
    const QDir directory(manifestDirectory());
    for (const QString &entry : directory.entryList({u"*.json"_s}, QDir::Files)) {
        const QString path = directory.filePath(entry);
        const JsonFile::ReadResult manifest = JsonFile::read(path, 1024 * 1024);
        if (manifest.status != JsonFile::ReadResult::Status::Ok)
            continue;
        const qint64 owner = manifest.object.value(u"pid"_s).toInteger();
        const QString bootId = manifest.object.value(u"boot_id"_s).toString();
        QFile bootIdFile(u"/proc/sys/kernel/random/boot_id"_s);
        const QString currentBoot = bootIdFile.open(QIODevice::ReadOnly)
            ? QString::fromLatin1(bootIdFile.readAll()).trimmed()
            : QString();
        if (bootId == currentBoot && processAlive(owner))
            continue; // another virtual rack, still running
        QStringList names;
        for (const QJsonValue &name : manifest.object.value(u"namespaces"_s).toArray()) {
            if (name.toString().startsWith(u"pvr"_s))
                names.append(name.toString());
        }
        removeNamespaces(names);
        QFile::remove(path);
        removed.append(
            u"%1 namespaces of a virtual rack (pid %2) that did not stop cleanly"_s.arg(names.size())
                .arg(owner));
    }
    return removed;
}

bool NamespaceNetwork::writeManifest(QString *error) const
{
    if (!QDir().mkpath(manifestDirectory())) {
        *error = u"cannot create %1"_s.arg(manifestDirectory());
        return false;
    }
    QFile bootIdFile(u"/proc/sys/kernel/random/boot_id"_s);
    const QString bootId = bootIdFile.open(QIODevice::ReadOnly)
        ? QString::fromLatin1(bootIdFile.readAll()).trimmed()
        : QString();
    QJsonArray names;
    names.append(masterNamespace());
    for (const VirtualPiNic &pi : m_setup.pis)
        names.append(piNamespace(pi.index));
    return JsonFile::write(QDir(manifestDirectory()).filePath(m_prefix + u".json"),
        {{u"pid"_s, qint64(::getpid())}, {u"boot_id"_s, bootId}, {u"run_directory"_s, m_setup.runDirectory},
            {u"namespaces"_s, names}},
        JsonFile::OwnerOnly, error);
}

bool NamespaceNetwork::create(const RackNetworkSetup &setup, QString *error)
{
    m_setup = setup;
    for (const VirtualPiNic &pi : setup.pis)
        m_indexOf.insert(pi.name, pi.index);
    if (!writeManifest(error))
        return false;

    const QString batchDirectory = QDir(setup.runDirectory).filePath(u"network"_s);
    QDir().mkpath(batchDirectory);
    QStringList namespaces {u"netns add "_s + masterNamespace()};
    for (const VirtualPiNic &pi : setup.pis)
        namespaces.append(u"netns add "_s + piNamespace(pi.index));
    m_namespaces = {masterNamespace()};
    for (const VirtualPiNic &pi : setup.pis)
        m_namespaces.append(piNamespace(pi.index));
    // Both ends of each pair are made inside our namespaces: the host's own interfaces are never touched.
    QStringList master {u"link set lo up"_s, u"link add br0 type bridge"_s,
        u"addr add %1/%2 dev br0"_s.arg(setup.masterAddress.toString()).arg(setup.prefixLength),
        u"link set br0 up"_s};
    for (const VirtualPiNic &pi : setup.pis) {
        master.append(u"link add vp%1 type veth peer name eth0 address %2 netns %3"_s.arg(pi.index).arg(
            pi.mac, piNamespace(pi.index)));
        master.append(u"link set vp%1 master br0 up"_s.arg(pi.index));
    }
    if (!runBatch({}, namespaces, QDir(batchDirectory).filePath(u"namespaces.batch"_s), error)
        || !runBatch(
            {u"-n"_s, masterNamespace()}, master, QDir(batchDirectory).filePath(u"bridge.batch"_s), error)
        || !startDnsmasq(error)) {
        destroy();
        return false;
    }
    qCInfo(lcVirtualRack).noquote() << "made" << m_namespaces.size() << "network namespaces"
                                    << m_prefix + u"-*" << "and the bridge br0 at"
                                    << setup.masterAddress.toString();
    return true;
}

bool NamespaceNetwork::startDnsmasq(QString *error)
{
    const QString directory = QFileInfo(m_setup.hostsFile).absolutePath();
    const QString pidFile = QDir(directory).filePath(u"dnsmasq.pid"_s);
    const QString logFile = QDir(directory).filePath(u"dnsmasq.log"_s);
    QFile::remove(pidFile);
    QString program = u"dnsmasq"_s;
    QStringList arguments {u"--conf-file=/dev/null"_s, u"--keep-in-foreground"_s,
        u"--port=0"_s, // DHCP only: the virtual rack needs no DNS server
        // A new address is pinged before it is offered, which costs 3 s a lease; nothing else can hold
        // an address on this bridge.
        u"--no-ping"_s, u"--bind-interfaces"_s, u"--interface=br0"_s, u"--except-interface=lo"_s,
        u"--dhcp-range=%1,%2,%3,12h"_s.arg(
            m_setup.pool.first.toString(), m_setup.pool.last.toString(), m_setup.pool.netmask.toString()),
        u"--dhcp-leasefile="_s + QDir(directory).filePath(u"dnsmasq.leases"_s),
        u"--dhcp-hostsfile="_s + m_setup.hostsFile, u"--addn-hosts="_s + m_setup.namesFile,
        u"--dhcp-script="_s + m_setup.dhcpScript, u"--script-on-renewal"_s, u"--pid-file="_s + pidFile,
        u"--log-facility="_s + logFile, u"--log-dhcp"_s,
        // It keeps root instead of becoming the dnsmasq user: it reads the reservations from the run
        // directory, which may sit under a private home directory, and serves only our own bridge.
        u"--user=root"_s, u"--group=root"_s};
    wrapCommand({}, &program, &arguments);
    auto *dnsmasq = new QProcess(this);
    ChildProcess::prepare(dnsmasq, logFile);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QString::fromLatin1(HookEnvironment::Socket), m_setup.controlSocket);
    environment.insert(u"PIRACK_DHCP_SOCKET"_s, m_setup.dhcpEventSocket);
    dnsmasq->setProcessEnvironment(environment);
    dnsmasq->start(program, arguments);
    m_dnsmasq = dnsmasq;
    // Ready when it has written its pid file; a bad option ends it at once instead.
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 10000) {
        if (dnsmasq->waitForFinished(50)) {
            QFile log(logFile);
            const QString tail
                = log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll().right(600)) : QString();
            *error = u"dnsmasq stopped at once (exit code %1): %2"_s.arg(dnsmasq->exitCode())
                         .arg(tail.trimmed());
            return false;
        }
        if (QFileInfo(pidFile).size() > 0) {
            connect(dnsmasq, &QProcess::finished, this, [logFile](int code) {
                qCCritical(lcVirtualRack).noquote()
                    << "dnsmasq stopped with exit code" << code
                    << "- Pis that boot now get no address; restart the virtual rack (log:" << logFile + u')';
            });
            return true;
        }
    }
    *error = u"dnsmasq did not start within 10 s (log: %1)"_s.arg(logFile);
    return false;
}

bool NamespaceNetwork::restartDhcpServer(QString *error)
{
    if (QProcess *dnsmasq = m_dnsmasq.data()) {
        dnsmasq->disconnect(this); // its end is expected now
        ChildProcess::stop(dnsmasq, std::chrono::milliseconds(5000));
        delete dnsmasq;
    }
    qCInfo(lcVirtualRack) << "dnsmasq restarts";
    return startDnsmasq(error);
}

quint16 NamespaceNetwork::exposeRackd(quint16 hostPort, QString *error)
{
    delete m_forwarder;
    m_forwarder = new PortForwarder(masterNamespace(), m_setup.masterAddress, RackdPort, this);
    if (!m_forwarder->listen(QHostAddress::LocalHost, hostPort, error))
        return 0;
    return m_forwarder->port();
}

bool NamespaceNetwork::exposeHttp(quint16 port, QString *error)
{
    delete m_httpForwarder;
    m_httpForwarder = new PortForwarder(masterNamespace(), m_setup.masterAddress, port, this);
    return m_httpForwarder->listen(QHostAddress::LocalHost, port, error);
}

void NamespaceNetwork::wrapCommand(const QString &piName, QString *program, QStringList *arguments) const
{
    const QString name = piName.isEmpty() ? masterNamespace() : piNamespace(m_indexOf.value(piName));
    *arguments = QStringList {u"netns"_s, u"exec"_s, name, *program} + *arguments;
    *program = u"ip"_s;
}

void NamespaceNetwork::plugIn(const VirtualPiNic &pi)
{
    QString error;
    if (!ChildProcess::run(
            u"ip"_s, {u"-n"_s, piNamespace(pi.index), u"link"_s, u"set"_s, u"eth0"_s, u"up"_s}, &error)) {
        qCWarning(lcVirtualRack).noquote() << pi.name << ":" << error;
        return;
    }
    if (QProcess *old = m_dhcpClients.take(pi.name).data()) {
        old->kill();
        old->waitForFinished(2000);
        old->deleteLater();
    }
    // udhcpc as a Pi OS runs its DHCP client: in the foreground for as long as the Pi runs, retrying
    // every few seconds while no server answers.
    QString program = u"udhcpc"_s;
    QStringList arguments {u"-f"_s, u"-i"_s, u"eth0"_s, u"-s"_s, m_setup.hookProgram, u"-t"_s, u"3"_s,
        u"-T"_s, u"1"_s, u"-A"_s, u"2"_s, u"-x"_s, u"hostname:"_s + pi.hostname, u"-p"_s,
        QDir(pi.directory).filePath(u"udhcpc.pid"_s)};
    wrapCommand(pi.name, &program, &arguments);
    auto *client = new QProcess(this);
    ChildProcess::prepare(client, QDir(pi.directory).filePath(u"udhcpc.log"_s));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QString::fromLatin1(HookEnvironment::Socket), m_setup.controlSocket);
    environment.insert(QString::fromLatin1(HookEnvironment::Pi), pi.name);
    client->setProcessEnvironment(environment);
    connect(client, &QProcess::finished, client, &QObject::deleteLater);
    client->start(program, arguments);
    m_dhcpClients.insert(pi.name, client);
}

bool NamespaceNetwork::changeMac(const VirtualPiNic &pi, const QString &mac, QString *error)
{
    return ChildProcess::run(u"ip"_s,
        {u"-n"_s, piNamespace(pi.index), u"link"_s, u"set"_s, u"eth0"_s, u"down"_s, u"address"_s, mac},
        error);
}

void NamespaceNetwork::unplug(const VirtualPiNic &pi)
{
    // The link goes first, as when the power goes: nothing the Pi's processes do next reaches the wire.
    QString error;
    if (!ChildProcess::run(
            u"ip"_s, {u"-n"_s, piNamespace(pi.index), u"link"_s, u"set"_s, u"eth0"_s, u"down"_s}, &error)
        || !ChildProcess::run(
            u"ip"_s, {u"-n"_s, piNamespace(pi.index), u"addr"_s, u"flush"_s, u"dev"_s, u"eth0"_s}, &error))
        qCWarning(lcVirtualRack).noquote() << pi.name << ":" << error;
    if (QProcess *client = m_dhcpClients.take(pi.name).data())
        client->kill();
}

void NamespaceNetwork::destroy()
{
    for (QProcess *client : findChildren<QProcess *>()) {
        if (client != m_dnsmasq.data()) {
            client->kill();
            client->waitForFinished(2000);
            delete client;
        }
    }
    m_dhcpClients.clear();
    if (QProcess *dnsmasq = m_dnsmasq.data()) {
        dnsmasq->disconnect(this); // its end is expected now
        ChildProcess::stop(dnsmasq, std::chrono::milliseconds(5000));
        delete dnsmasq;
    }
    delete m_forwarder;
    m_forwarder = nullptr;
    delete m_httpForwarder;
    m_httpForwarder = nullptr;
    if (!m_namespaces.isEmpty()) {
        removeNamespaces(m_namespaces);
        qCInfo(lcVirtualRack).noquote() << "removed the network namespaces" << m_prefix + u"-*";
        m_namespaces.clear();
    }
    QFile::remove(QDir(manifestDirectory()).filePath(m_prefix + u".json"));
}
