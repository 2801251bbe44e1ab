// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/authenticator.h"
#include "api/caller.h"
#include "api/installmethods.h"
#include "api/nodemethods.h"
#include "api/powermethods.h"
#include "api/recoverymethods.h"
#include "api/requestaudit.h"
#include "api/tokenmethods.h"
#include "install/dhcpevent.h"
#include "protocol/vocabulary.h"

#include <QObject>
#include <memory>

/**
 * What rackd answers: the role check and the dispatch of every method of Protocol::Method to the
 * handlers, which live in small classes per domain (api/). Sessions hand requests in and get
 * exactly one reply back per request, possibly later. Every event for subscribers leaves here.
 */
class RackService : public QObject
{
    Q_OBJECT

public:
    using ReplyHandler = ::ReplyHandler;
    using ProgressHandler = ::ProgressHandler;

    RackService(TokenStore *tokens, PowerController *power, NodeManager *nodes, AuditLog *audit,
        QString fingerprint, QObject *parent = nullptr);
    ~RackService() override;

    NodeManager *nodes() const { return m_nodes; }
    Authenticator *authenticator() { return &m_authenticator; }
    NodeMethods *nodeMethods() { return &m_nodeMethods; }
    PowerMethods *powerMethods() { return &m_powerMethods; }
    RequestAudit *audit() { return &m_audit; }

    void handle(
        const Caller &caller, const Protocol::Request &request, ProgressHandler progress, ReplyHandler reply);

    /// The staged install: the install.* methods, and power requests kept off its relays.
    void setInstall(StagedInstall *install);
    /// What install.precheck answers; set by the daemon, which knows the configuration.
    void setInstallPrecheck(std::function<QJsonArray()> precheck);

    /// The recovery engine: maintenance, recovery.stop, and what status and nodes say about recoveries.
    void setRecovery(RecoveryEngine *engine);

    /// A Pi asked for an address: subscribers of "dhcp" hear it (the install listens here too).
    void reportDhcpEvent(const DhcpEvent &event);

Q_SIGNALS:
    void eventRaised(const Protocol::Event &event);

private:
    void dispatch(Protocol::Method method, const Caller &caller, const Protocol::Request &request,
        const ProgressHandler &progress, const ReplyHandler &reply);
    void serverInfo(const Protocol::Request &request, const ReplyHandler &reply);

    NodeManager *m_nodes;
    QString m_fingerprint;
    Authenticator m_authenticator;
    RequestAudit m_audit;
    PowerMethods m_powerMethods;
    NodeMethods m_nodeMethods;
    TokenMethods m_tokenMethods;
    std::unique_ptr<InstallMethods> m_installMethods;
    std::unique_ptr<RecoveryMethods> m_recoveryMethods;
    std::function<QJsonArray()> m_installPrecheck;
};
