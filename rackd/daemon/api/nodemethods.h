// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/caller.h"
#include "api/requestaudit.h"
#include "install/dnsmasqreservations.h"
#include "nodemanager.h"
#include "powercontroller.h"

#include <QObject>

/// nodes, node.assign, node.rename, join.create, exec and inventory: the Pis and their agents.
class RecoveryEngine;

class NodeMethods : public QObject
{
    Q_OBJECT

public:
    NodeMethods(NodeManager *nodes, PowerController *power, RequestAudit *audit, QString fingerprint,
        QObject *parent = nullptr);

    /// Where joining nodes reach rackd, for join strings.
    void setJoinAddress(const QString &host, quint16 port);
    /// dnsmasq's files, whose names follow a node.rename.
    void setReservationFiles(const DnsmasqReservations::Files &files) { m_reservationFiles = files; }
    /// The recovery engine, whose maintenance and conditions `nodes` shows per node.
    void setRecovery(RecoveryEngine *engine) { m_recovery = engine; }

    void list(const Protocol::Request &request, const ReplyHandler &reply);
    void assign(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void rename(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void createJoin(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void exec(const Caller &caller, const Protocol::Request &request, const ProgressHandler &progress,
        const ReplyHandler &reply);
    void inventory(const Protocol::Request &request, const ReplyHandler &reply);

Q_SIGNALS:
    /// node.renamed.
    void eventRaised(const Protocol::Event &event);

private:
    NodeManager *m_nodes;
    PowerController *m_power;
    RequestAudit *m_audit;
    QString m_fingerprint;
    RecoveryEngine *m_recovery = nullptr;
    QString m_joinHost;
    quint16 m_joinPort = 0;
    std::optional<DnsmasqReservations::Files> m_reservationFiles;
};
