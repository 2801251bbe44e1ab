// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "loopbacknetwork.h"

#include "childprocess.h"
#include "hookmessage.h"
#include "storage/jsonfile.h"
#include "virtualracklogging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

LoopbackNetwork::LoopbackNetwork(QString reason, QObject *parent)
    : RackNetwork(parent)
    , m_reason(std::move(reason))
{ }

LoopbackNetwork::~LoopbackNetwork() { destroy(); }

QString LoopbackNetwork::description() const
{
    return u"loopback mode (%1): rackd on 127.0.0.1, each Pi's agent on its own 127.x address, DHCP "
           u"events played to the DHCP script as dnsmasq would"_s.arg(m_reason);
}

bool LoopbackNetwork::choosePort(quint16 wanted, QString *error)
{
    if (wanted != 0) {
        m_port = wanted;
        return true;
    }
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) {
        *error = u"cannot find a free port on 127.0.0.1: %1"_s.arg(probe.errorString());
        return false;
    }
    m_port = probe.serverPort();
    return true;
}

bool LoopbackNetwork::create(const RackNetworkSetup &setup, QString *error)
{
    m_setup = setup;
    const JsonFile::ReadResult saved
        = JsonFile::read(QDir(setup.runDirectory).filePath(u"network/loopback-leases.json"_s), 1024 * 1024);
    if (saved.status == JsonFile::ReadResult::Status::Ok) {
        for (auto it = saved.object.constBegin(); it != saved.object.constEnd(); ++it) {
            const QHostAddress address(it.value().toString());
            if (!address.isNull())
                m_leases.insert(it.key(), address);
        }
    } else if (saved.status != JsonFile::ReadResult::Status::Missing) {
        qCWarning(lcVirtualRack).noquote() << "forgetting the damaged loopback leases:" << saved.error;
    }
    QDir().mkpath(QDir(setup.runDirectory).filePath(u"network"_s));
    Q_UNUSED(error)
    return true;
}

void LoopbackNetwork::destroy()
{
    m_scriptQueue.clear();
    if (m_script) {
        ChildProcess::stop(m_script, std::chrono::milliseconds(2000));
        delete m_script;
        m_script = nullptr;
    }
    m_plugged.clear();
}

quint16 LoopbackNetwork::exposeRackd(quint16, QString *) { return m_port; }

QHostAddress LoopbackNetwork::agentBindAddress(const QHostAddress &leased) const
{
    return QHostAddress((leased.toIPv4Address() & 0x00ffffffu) | 0x7f000000u);
}

QHostAddress LoopbackNetwork::lease(const VirtualPiNic &pi, bool *known)
{
    // A reservation wins, as in dnsmasq's --dhcp-hostsfile.
    QFile hosts(m_setup.hostsFile);
    if (hosts.open(QIODevice::ReadOnly)) {
        while (!hosts.atEnd()) {
            const QList<QByteArray> fields = hosts.readLine().trimmed().split(',');
            if (fields.size() >= 2 && QString::fromLatin1(fields.at(0)).toLower() == pi.mac) {
                const QHostAddress reserved(QString::fromLatin1(fields.at(1)));
                if (!reserved.isNull()) {
                    *known = m_leases.value(pi.mac) == reserved;
                    return reserved;
                }
            }
        }
    }
    const QHostAddress previous = m_leases.value(pi.mac);
    if (!previous.isNull() && m_setup.pool.contains(previous)) {
        *known = true;
        return previous;
    }
    *known = false;
    QSet<quint32> taken;
    for (const QHostAddress &address : std::as_const(m_leases))
        taken.insert(address.toIPv4Address());
    for (quint32 value = m_setup.pool.first.toIPv4Address(); value <= m_setup.pool.last.toIPv4Address();
         ++value) {
        if (!taken.contains(value) && value != m_setup.masterAddress.toIPv4Address())
            return QHostAddress(value);
    }
    return {};
}

bool LoopbackNetwork::saveLeases() const
{
    QJsonObject leases;
    for (auto it = m_leases.cbegin(); it != m_leases.cend(); ++it)
        leases.insert(it.key(), it.value().toString());
    QString error;
    if (!JsonFile::write(QDir(m_setup.runDirectory).filePath(u"network/loopback-leases.json"_s), leases,
            JsonFile::OwnerOnly, &error)) {
        qCWarning(lcVirtualRack).noquote() << error;
        return false;
    }
    return true;
}

void LoopbackNetwork::plugIn(const VirtualPiNic &pi)
{
    bool known = false;
    const QHostAddress address = lease(pi, &known);
    if (address.isNull()) {
        qCWarning(lcVirtualRack).noquote() << pi.name << ": the DHCP pool is exhausted";
        return;
    }
    m_plugged.insert(pi.name);
    m_leases.insert(pi.mac, address);
    saveLeases();
    m_scriptQueue.enqueue({{known ? u"old"_s : u"add"_s, pi.mac, address.toString(), pi.hostname}});
    runNextScript();
    // The client has its address once the server acknowledged; the script runs beside it.
    QTimer::singleShot(0, this, [this, name = pi.name, address] {
        if (m_plugged.contains(name))
            Q_EMIT bound(name, address);
    });
}

bool LoopbackNetwork::restartDhcpServer(QString *)
{
    // The played server keeps its leases in loopback-leases.json; it re-announces each, as dnsmasq does.
    for (auto it = m_leases.cbegin(); it != m_leases.cend(); ++it)
        m_scriptQueue.enqueue({{u"old"_s, it.key(), it.value().toString()}, true});
    runNextScript();
    return true;
}

void LoopbackNetwork::unplug(const VirtualPiNic &pi) { m_plugged.remove(pi.name); }

void LoopbackNetwork::runNextScript()
{
    if (m_script || m_scriptQueue.isEmpty())
        return;
    const ScriptRun run = m_scriptQueue.dequeue();
    const QStringList &arguments = run.arguments;
    m_script = new QProcess(this);
    ChildProcess::prepare(m_script, QDir(m_setup.runDirectory).filePath(u"network/dhcp-script.log"_s));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QString::fromLatin1(HookEnvironment::Socket), m_setup.controlSocket);
    environment.insert(u"PIRACK_DHCP_SOCKET"_s, m_setup.dhcpEventSocket);
    // As dnsmasq runs it for a client that asked just now (a new lease, or the one it holds): with the
    // request's data, so an "old" is not taken for a re-announcement; or for a lease it re-announces.
    if (run.restated)
        environment.insert(u"DNSMASQ_DATA_MISSING"_s, u"1"_s);
    environment.insert(u"DNSMASQ_INTERFACE"_s, u"lo"_s);
    environment.insert(u"DNSMASQ_TIME_REMAINING"_s, u"43200"_s);
    environment.insert(
        u"DNSMASQ_LEASE_EXPIRES"_s, QString::number(QDateTime::currentSecsSinceEpoch() + 43200));
    if (!run.restated && !arguments.value(3).isEmpty())
        environment.insert(u"DNSMASQ_SUPPLIED_HOSTNAME"_s, arguments.value(3));
    m_script->setProcessEnvironment(environment);
    connect(m_script, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        if (status != QProcess::NormalExit || exitCode != 0)
            qCWarning(lcVirtualRack).noquote()
                << "the DHCP script" << m_setup.dhcpScript << "failed with" << exitCode;
        m_script->deleteLater();
        m_script = nullptr;
        runNextScript();
    });
    connect(m_script, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        qCWarning(lcVirtualRack).noquote() << "cannot run the DHCP script" << m_setup.dhcpScript;
        m_script->deleteLater();
        m_script = nullptr;
        runNextScript();
    });
    m_script->start(m_setup.dhcpScript, arguments);
}
