// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "auditlog.h"
#include "controlserver.h"
#include "install/dhcpeventsource.h"
#include "install/stagedinstall.h"
#include "joinsecretstore.h"
#include "nodehostnames.h"
#include "nodeinventory.h"
#include "nodemanager.h"
#include "powercontroller.h"
#include "rackdconfig.h"
#include "rackservice.h"
#include "recovery/maintenancestore.h"
#include "recovery/recoveryengine.h"
#include "relaybank.h"
#include "relaystatestore.h"
#include "tokenstore.h"

#include <memory>

/// rackd as one object: it builds every part from the configuration and owns them.
class HttpApi;
class RedfishService;
class HttpServer;

class Daemon : public QObject
{
    Q_OBJECT

public:
    explicit Daemon(RackdConfig config, QObject *parent = nullptr);
    ~Daemon() override;

    bool start(QString *error);
    /// SIGHUP: a broken or re-wired structure file is reported and the current one stays in force.
    bool reloadStructure(QString *error);

    quint16 port() const;
    /// The HTTPS listener's port (Redfish, /metrics); 0 when it is off.
    quint16 httpPort() const;
    QString fingerprint() const;
    RelayBank *relayBank() const { return m_bank.get(); }
    ControlServer *controlServer() const { return m_server.get(); }
    NodeManager *nodeManager() const { return m_nodes.get(); }
    PowerController *powerController() const { return m_power.get(); }
    RackService *service() const { return m_service.get(); }
    DhcpEventSource *dhcpEvents() const { return m_dhcp.get(); }
    StagedInstall *install() const { return m_install.get(); }
    RecoveryEngine *recovery() const { return m_recovery.get(); }
    const RackStructure &structure() const { return m_structure; }

    /// The identity in the state directory, made on first use (for `rackd --fingerprint`).
    static std::optional<TlsIdentity> identity(const RackdConfig &config, QString *error);

private:
    bool loadStructure(RackStructure *structure, QString *error) const;
    bool prepareTokens(QString *error);
    void startDhcpEvents();
    bool startHttp(QString *error);
    void startInstall();
    bool startRecovery(QString *error);
    DnsmasqReservations::Files reservationFiles() const;

    RackdConfig m_config;
    RackStructure m_structure;
    TlsIdentity m_identity;
    std::unique_ptr<TokenStore> m_tokens;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<RelayStateStore> m_stateStore;
    std::unique_ptr<NodeInventory> m_inventory;
    std::unique_ptr<JoinSecretStore> m_joinSecrets;
    std::unique_ptr<NodeManager> m_nodes;
    std::unique_ptr<NodeHostnames> m_hostnames;
    std::unique_ptr<RelayBank> m_bank;
    std::unique_ptr<PowerController> m_power;
    std::unique_ptr<StagedInstall> m_install;
    std::unique_ptr<MaintenanceStore> m_maintenance;
    std::unique_ptr<RecoveryEngine> m_recovery;
    std::unique_ptr<RackService> m_service;
    std::unique_ptr<ControlServer> m_server;
    std::unique_ptr<DhcpEventSource> m_dhcp;
    std::unique_ptr<RedfishService> m_redfish;
    std::unique_ptr<HttpApi> m_httpApi;
    std::unique_ptr<HttpServer> m_http; ///< Goes first: its handlers reach everything above.
    qint64 m_startTimeSeconds = 0;
};
