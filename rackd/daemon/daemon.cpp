// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon.h"

#include "daemonlogging.h"
#include "http/httpapi.h"
#include "http/httpserver.h"
#include "install/installprecheck.h"
#include "metrics/metricscollector.h"
#include "protocol/tlsconfiguration.h"
#include "redfish/redfishservice.h"
#include "relaybankfactory.h"
#include "storage/atomicfile.h"
#include "structure/structurereader.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace {

// What must not change under a running rackd: the lines and ports it holds.
bool sameWiring(const RackStructure &a, const RackStructure &b)
{
    if (a.wiring.backend != b.wiring.backend || a.wiring.gpioChip != b.wiring.gpioChip
        || a.wiring.activeLow != b.wiring.activeLow || a.wiring.serialPort != b.wiring.serialPort
        || a.wiring.serialProtocol != b.wiring.serialProtocol || a.wiring.serialBaud != b.wiring.serialBaud
        || a.stacks.size() != b.stacks.size())
        return false;
    for (qsizetype i = 0; i < a.stacks.size(); ++i) {
        if (a.stacks.at(i).id != b.stacks.at(i).id
            || a.stacks.at(i).relayChannel != b.stacks.at(i).relayChannel)
            return false;
    }
    return true;
}

// Nodes may join before they are placed, but not without end: every join rewrites the inventory,
// so a join string with many uses must not make it grow past what the rack can hold.
int maximumUnplacedNodes(const RackStructure &structure)
{
    int slots = 0;
    for (const RackStack &stack : structure.stacks)
        slots += stack.piCount;
    return std::max(64, slots);
}

} // namespace

Daemon::Daemon(RackdConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{ }

// The server goes first, then what it uses; the bank last, so the lines are held to the end.
Daemon::~Daemon()
{
    m_http.reset();
    m_httpApi.reset();
    m_redfish.reset();
    m_server.reset();
    m_service.reset();
    m_recovery.reset();
    m_install.reset();
    if (m_inventory)
        m_inventory->setNameObserver({});
    m_hostnames.reset();
    m_nodes.reset();
    m_power.reset();
    m_bank.reset();
}

quint16 Daemon::port() const { return m_server ? m_server->port() : 0; }

quint16 Daemon::httpPort() const { return m_http ? m_http->port() : 0; }

QString Daemon::fingerprint() const { return m_identity.fingerprint(); }

std::optional<TlsIdentity> Daemon::identity(const RackdConfig &config, QString *error)
{
    if (!QDir().mkpath(config.stateDirectory)) {
        *error = u"cannot create the state directory %1"_s.arg(config.stateDirectory);
        return std::nullopt;
    }
    QFile::setPermissions(
        config.stateDirectory, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return TlsIdentity::loadOrCreate(config.stateDirectory, u"rackd"_s, u"rackd"_s, error);
}

bool Daemon::loadStructure(RackStructure *structure, QString *error) const
{
    const StructureLoadResult result = StructureReader::readFile(m_config.structureFile);
    QStringList errors;
    for (const StructureIssue &issue : result.issues) {
        if (issue.isError())
            errors.append(issue.toString());
        else
            qCWarning(lcDaemon).noquote() << issue.toString();
    }
    if (!result.structure) {
        *error = u"the structure file is not usable:\n"_s + errors.join(u'\n');
        return false;
    }
    *structure = *result.structure;
    // The channels stay those of the file: a simulated rack mirrors the real wiring channel for channel.
    if (m_config.relayBackend)
        structure->wiring.backend = *m_config.relayBackend;
    return true;
}

bool Daemon::prepareTokens(QString *error)
{
    m_tokens = std::make_unique<TokenStore>(QDir(m_config.stateDirectory).filePath(u"tokens.json"_s));
    if (!m_tokens->load(error))
        return false;
    if (!m_tokens->isEmpty())
        return true;
    Protocol::Error failure;
    const std::optional<QString> token = m_tokens->create(u"admin"_s, Role::Admin, &failure);
    if (!token) {
        *error = failure.message;
        return false;
    }
    const QString path = QDir(m_config.stateDirectory).filePath(u"initial-admin-token"_s);
    if (!AtomicFile::write(path, token->toUtf8() + '\n', AtomicFile::OwnerOnly, error))
        return false;
    // Never in the log: under systemd that is the journal, which more people read than the state
    // directory. Only its hash stays in rackd, and the file until the operator removes it.
    qCWarning(lcDaemon).noquote() << "created the initial admin token: it is in" << path
                                  << "(mode 0600, readable by root only); store it, then delete that file";
    return true;
}

bool Daemon::start(QString *error)
{
    if (!loadStructure(&m_structure, error))
        return false;
    const std::optional<TlsIdentity> identity = Daemon::identity(m_config, error);
    if (!identity)
        return false;
    m_identity = *identity;
    if (!prepareTokens(error))
        return false;
    m_audit = std::make_unique<AuditLog>(QDir(m_config.stateDirectory).filePath(u"audit.log"_s),
        m_config.auditMaximumBytes, m_config.auditFilesKept);
    m_stateStore
        = std::make_unique<RelayStateStore>(QDir(m_config.stateDirectory).filePath(u"relay-state.json"_s));

    RelayBankSettings settings = RelayBankSettings::fromStructure(m_structure);
    settings.simulatedStateFile = m_config.simulatedStateFile;
    m_bank = createRelayBank(settings);
    // Every state file is read before the relay bank is opened: a damaged one stops rackd before it
    // touches a relay (and under systemd's restarts, before every attempt).
    m_inventory = std::make_unique<NodeInventory>(QDir(m_config.stateDirectory).filePath(u"nodes.json"_s));
    m_joinSecrets
        = std::make_unique<JoinSecretStore>(QDir(m_config.stateDirectory).filePath(u"join-secrets.json"_s));
    if (!m_inventory->load(error) || !m_joinSecrets->load(error))
        return false;
    m_power = std::make_unique<PowerController>(
        m_bank.get(), m_structure, m_stateStore.get(), RelayStateStore::currentBootId(m_config.bootIdFile));
    if (!m_power->start(m_config.coldBootPolicy, error))
        return false;
    m_nodes
        = std::make_unique<NodeManager>(m_inventory.get(), m_joinSecrets.get(), m_config.heartbeatInterval);
    m_nodes->setMaximumUnplaced(maximumUnplacedNodes(m_structure));
    m_hostnames = std::make_unique<NodeHostnames>(m_nodes.get());
    m_inventory->setNameObserver([this](const QString &mac) { m_hostnames->nameChanged(mac); });
    m_service = std::make_unique<RackService>(
        m_tokens.get(), m_power.get(), m_nodes.get(), m_audit.get(), m_identity.fingerprint());
    m_server = std::make_unique<ControlServer>(m_service.get());
    ControlServer::Limits serverLimits;
    serverLimits.unauthenticated = {m_config.unauthenticatedLimit, m_config.unauthenticatedPerSource};
    m_server->setLimits(serverLimits);
    startInstall();
    if (!startRecovery(error))
        return false;
    startDhcpEvents();
    if (!m_server->listen(m_config.listenAddress, m_config.listenPort, m_identity, error))
        return false;
    m_service->nodeMethods()->setJoinAddress(
        m_config.joinHost.isEmpty() ? m_structure.addressing.masterAddress.toString() : m_config.joinHost,
        m_server->port());
    if (!startHttp(error))
        return false;
    qCInfo(lcDaemon).noquote() << "rackd" << PIRACK_VERSION_STRING << "running:" << m_structure.stacks.size()
                               << "stacks on" << relayBackendName(m_structure.wiring.backend)
                               << "relays, state in" << m_config.stateDirectory;
    return true;
}

bool Daemon::startHttp(QString *error)
{
    m_startTimeSeconds = QDateTime::currentSecsSinceEpoch();
    if (m_config.httpListenPort == 0) {
        qCInfo(lcDaemon) << "the HTTPS listener (Redfish, /metrics) is off (http_listen_port = 0)";
        return true;
    }
    const auto metrics = [this] {
        return collectRackMetrics({m_power.get(), m_nodes.get(), m_server.get(), m_install.get(),
            m_recovery.get(), m_startTimeSeconds});
    };
    RedfishService::Settings redfishSettings;
    redfishSettings.sharedPowerAllowed = m_config.redfishSharedPowerAllowed;
    redfishSettings.sessionTimeout = m_config.redfishSessionTimeout;
    m_redfish = std::make_unique<RedfishService>(m_service.get(), m_tokens.get(),
        RedfishResources::Sources {m_power.get(), m_nodes.get(), m_identity.fingerprint(),
            relayBackendName(m_structure.wiring.backend)},
        redfishSettings);
    m_httpApi = std::make_unique<HttpApi>(m_tokens.get(), &m_service->authenticator()->throttle(), metrics,
        HttpApi::Settings {m_config.metricsToken}, m_redfish.get());
    m_http = std::make_unique<HttpServer>(
        [api = m_httpApi.get()](const HttpRequest &request, const QHostAddress &peer,
            const HttpServer::Respond &respond) { api->handle(request, peer, respond); });
    m_http->setErrorFormatter(&HttpApi::refusal);
    // The control port's identity: the fingerprint an operator pinned holds for both.
    const std::optional<QSslConfiguration> tls = m_config.httpPlain
        ? std::nullopt
        : std::optional<QSslConfiguration>(PiRackTls::serverConfiguration(m_identity));
    if (!m_http->listen(m_config.httpListenAddress, m_config.httpListenPort, tls, error))
        return false;
    m_service->powerMethods()->setHttpEndpoint(m_http->port(), !tls);
    qCInfo(lcDaemon).noquote() << (tls ? "HTTPS" : "plain HTTP") << "(Redfish, /metrics) on"
                               << m_config.httpListenAddress.toString() << "port" << m_http->port();
    return true;
}

DnsmasqReservations::Files Daemon::reservationFiles() const
{
    return {m_config.dnsmasqHostsFile, m_config.dnsmasqNamesFile, m_config.dnsmasqPidFile};
}

void Daemon::startInstall()
{
    StagedInstall::Settings settings;
    settings.recordFile = QDir(m_config.stateDirectory).filePath(u"install.json"_s);
    settings.reservations = reservationFiles();
    settings.stackTimeout = m_config.installStackTimeout;
    settings.settleTime = m_config.installSettleTime;
    settings.verifyTimeout = m_config.installVerifyTimeout;
    m_install = std::make_unique<StagedInstall>(settings, m_power.get(), m_nodes.get());
    m_service->setInstall(m_install.get());
    m_service->nodeMethods()->setReservationFiles(reservationFiles());
    // A bank without relays (the manual backend) asks the operator; the install shows the instruction.
    connect(m_bank.get(), &RelayBank::operatorActionRequested, m_install.get(),
        [this](const RelayBank::OperatorRequest &request) {
            m_install->setOperatorInstruction(request.instruction);
        });
    connect(m_bank.get(), &RelayBank::operatorActionResolved, m_install.get(),
        [this] { m_install->setOperatorInstruction({}); });
    m_service->setInstallPrecheck([this] {
        InstallPrecheckInput input;
        input.relayBackend = relayBackendName(m_structure.wiring.backend);
        input.relayRestartWarning = m_bank->restartWarning();
        for (const RackStack &stack : std::as_const(m_structure.stacks)) {
            if (!m_power->relayState(stack.id))
                input.stacksWithUnknownRelay.append(stack.id);
        }
        input.dhcpSources = m_dhcp ? m_dhcp->activeSources() : QStringList();
        input.hostsFile = m_config.dnsmasqHostsFile;
        input.pidFile = m_config.dnsmasqPidFile;
        input.installActive = m_install->isActive();
        QJsonArray checks;
        for (const PrecheckItem &item : runInstallPrechecks(input))
            checks.append(item.toJson());
        return checks;
    });
    m_install->load();
}

bool Daemon::startRecovery(QString *error)
{
    m_maintenance
        = std::make_unique<MaintenanceStore>(QDir(m_config.stateDirectory).filePath(u"maintenance.json"_s));
    if (!m_maintenance->load(error))
        return false;
    m_recovery = std::make_unique<RecoveryEngine>(m_config.recovery,
        RecoveryEngine::Parts {m_power.get(), m_nodes.get(), m_maintenance.get(), m_service->audit()},
        QDir(m_config.stateDirectory).filePath(u"recovery.json"_s));
    if (!m_recovery->load(error))
        return false;
    m_recovery->setInstall(m_install.get());
    m_service->setRecovery(m_recovery.get());
    m_recovery->start();
    qCInfo(lcDaemon).noquote() << "recovery of hung Pis:" << recoveryModeName(m_config.recovery.mode)
                               << "(per-stack settings in the structure file may differ)";
    return true;
}

void Daemon::startDhcpEvents()
{
    m_dhcp = std::make_unique<DhcpEventSource>();
    connect(
        m_dhcp.get(), &DhcpEventSource::eventReceived, m_service.get(), [this](const DhcpEvent &event) {
            qCInfo(lcDaemon).noquote()
                << "DHCP" << DhcpEvent::kindName(event.kind) << event.mac << event.address.toString()
                << "from the" << DhcpEvent::sourceName(event.source)
                << (event.why.isEmpty() ? QString() : u"(not a Pi asking: "_s + event.why + u')');
            m_service->reportDhcpEvent(event);
            m_recovery->dhcpEvent(event);
            m_install->handleDhcpEvent(event);
        });
    connect(m_dhcp.get(), &DhcpEventSource::problem, this,
        [](const QString &message) { qCWarning(lcDaemon).noquote() << message; });
    // Without these rackd still switches relays and serves nodes; the staged install needs one of them.
    if (!m_config.dhcpEventSocket.isEmpty()) {
        QString error;
        QDir().mkpath(QFileInfo(m_config.dhcpEventSocket).absolutePath());
        if (m_dhcp->listen(m_config.dhcpEventSocket, &error))
            qCInfo(lcDaemon).noquote() << "DHCP events from dnsmasq's script on" << m_config.dhcpEventSocket;
        else
            qCWarning(lcDaemon).noquote() << "no DHCP events from dnsmasq's script:" << error;
    }
    if (!m_config.dhcpLeaseFile.isEmpty())
        m_dhcp->watchLeaseFile(m_config.dhcpLeaseFile);
    if (!m_config.dhcpLogFile.isEmpty())
        m_dhcp->followIscLog(m_config.dhcpLogFile);
}

bool Daemon::reloadStructure(QString *error)
{
    RackStructure fresh;
    if (!loadStructure(&fresh, error)) {
        *error += u"\nkeeping the structure in force"_s;
        qCWarning(lcDaemon).noquote() << *error;
        return false;
    }
    if (!sameWiring(fresh, m_structure)) {
        *error = u"the relay wiring in %1 changed (backend, device or stack channels); restart rackd to "
                 u"apply it. "
                 "Keeping the structure in force"_s.arg(m_config.structureFile);
        qCWarning(lcDaemon).noquote() << *error;
        return false;
    }
    m_structure = fresh;
    m_power->setStructure(fresh);
    m_nodes->setMaximumUnplaced(maximumUnplacedNodes(fresh));
    qCInfo(lcDaemon).noquote() << "reloaded" << m_config.structureFile;
    return true;
}
