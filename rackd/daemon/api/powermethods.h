// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/caller.h"
#include "api/requestaudit.h"
#include "install/stagedinstall.h"
#include "nodemanager.h"
#include "powercontroller.h"

class RecoveryEngine;

#include <QObject>

/**
 * status, power (graceful-off included) and relay.confirm: the stacks and their relays. Relay
 * changes, and what a bank without relays asks of the operator, go out as relay.* events.
 */
class PowerMethods : public QObject
{
    Q_OBJECT

public:
    PowerMethods(PowerController *power, NodeManager *nodes, RequestAudit *audit, QObject *parent = nullptr);

    /// The staged install, which keeps power requests off the relays while it discovers.
    void setInstall(StagedInstall *install) { m_install = install; }
    /// The recovery engine, whose maintenance and recoveries `status` shows per stack.
    void setRecovery(RecoveryEngine *engine) { m_recovery = engine; }
    PowerController *power() const { return m_power; }
    /// The HTTPS listener (Redfish, /metrics), for `status`: its port, and whether it is plain HTTP.
    void setHttpEndpoint(quint16 port, bool plain)
    {
        m_httpPort = port;
        m_httpPlain = plain;
    }

    void status(const Protocol::Request &request, const ReplyHandler &reply);
    void power(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void confirmRelay(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);

    /// "on", "off" or "unknown", as status and the relay.* events say it.
    static QString relayText(std::optional<bool> state);

Q_SIGNALS:
    /// relay.changed, relay.operator and relay.operator_done.
    void eventRaised(const Protocol::Event &event);

private:
    void gracefulOff(const Caller &caller, const Protocol::Request &request, const QList<int> &stacks,
        const ReplyHandler &reply);

    PowerController *m_power;
    NodeManager *m_nodes;
    RequestAudit *m_audit;
    StagedInstall *m_install = nullptr;
    RecoveryEngine *m_recovery = nullptr;
    quint16 m_httpPort = 0;
    bool m_httpPlain = false;
};
