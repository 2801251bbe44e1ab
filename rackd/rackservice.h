// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "auditlog.h"
#include "auththrottle.h"
#include "dhcpevent.h"
#include "manual/manualrelaybank.h"
#include "nodemanager.h"
#include "powercontroller.h"
#include "protocol/messages.h"
#include "stagedinstall.h"
#include "tokenstore.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QTimer>
#include <functional>

/// Who is asking: the token a session authenticated with, and where it connects from.
struct Caller
{
    TokenInfo token;
    QString source;
    QString agentMac = {}; ///< Set when the caller is a node's agent, not a person or script.
    QString newCredential = {}; ///< After a join: the node's credential, for the welcome only.

    bool isAgent() const { return !agentMac.isEmpty(); }
};

/**
 * What rackd answers: every request method, with its role check, validation and audit entry.
 * Sessions hand requests in and get exactly one reply back per request, possibly later.
 */
class RackService : public QObject
{
    Q_OBJECT

public:
    using ReplyHandler = std::function<void(const Protocol::Reply &)>;
    /// Events for the caller alone while its request runs (per-node results of an action).
    using ProgressHandler = std::function<void(const Protocol::Event &)>;

    RackService(TokenStore *tokens, PowerController *power, NodeManager *nodes, AuditLog *audit,
        QString fingerprint, QObject *parent = nullptr);

    NodeManager *nodes() const { return m_nodes; }
    /// Where joining nodes reach rackd, for join strings.
    void setJoinAddress(const QString &host, quint16 port);

    AuthThrottle &throttle() { return m_throttle; }
    /// Checks a hello; on success fills `caller`, on failure `error`.
    bool authenticate(const Protocol::Hello &hello, const QHostAddress &source, const QString &sourceText,
        Caller *caller, Protocol::Error *error);
    void handle(
        const Caller &caller, const Protocol::Request &request, ProgressHandler progress, ReplyHandler reply);

    /// The staged install, for the install.* methods and to keep power requests off its relays.
    void setInstall(StagedInstall *install);
    /// dnsmasq's files, whose names follow a node.rename.
    void setReservationFiles(const DnsmasqReservations::Files &files) { m_reservationFiles = files; }
    /// With the manual relay backend: the operator's confirmations (relay.confirm) and its requests as
    /// events.
    void setManualRelays(ManualRelayBank *bank);
    /// What install.precheck answers; set by the daemon, which knows the configuration.
    void setInstallPrecheck(std::function<QJsonArray()> precheck) { m_installPrecheck = std::move(precheck); }

    /// Event names a client may subscribe to.
    static QStringList eventNames();
    /// A Pi asked for an address: subscribers of "dhcp" hear it (the install listens here too).
    void reportDhcpEvent(const DhcpEvent &event);

Q_SIGNALS:
    void eventRaised(const Protocol::Event &event);

private:
    void status(const Protocol::Request &request, const ReplyHandler &reply);
    void power(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void tokenCreate(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void tokenList(const Protocol::Request &request, const ReplyHandler &reply);
    void tokenRevoke(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void auditTail(const Protocol::Request &request, const ReplyHandler &reply);
    void nodeList(const Protocol::Request &request, const ReplyHandler &reply);
    void nodeAssign(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void nodeRename(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void joinCreate(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void exec(const Caller &caller, const Protocol::Request &request, const ProgressHandler &progress,
        const ReplyHandler &reply);
    void gracefulOff(const Caller &caller, const Protocol::Request &request, const QList<int> &stacks,
        const ReplyHandler &reply);
    void installRequest(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void relayConfirm(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void inventory(const Protocol::Request &request, const ReplyHandler &reply);
    void audit(const Caller &caller, const Protocol::Request &request, const QJsonArray &targets,
        const QString &result);
    int stackOfChannel(int channel) const;

    TokenStore *m_tokens;
    PowerController *m_power;
    NodeManager *m_nodes;
    QString m_joinHost;
    quint16 m_joinPort = 0;
    AuditLog *m_audit;
    StagedInstall *m_install = nullptr;
    std::optional<DnsmasqReservations::Files> m_reservationFiles;
    ManualRelayBank *m_manualRelays = nullptr;
    std::function<QJsonArray()> m_installPrecheck;
    QString m_fingerprint;
    AuthThrottle m_throttle;
    struct RefusalWindow
    {
        qint64 startedMs = 0;
        int logged = 0;
        int suppressed = 0;
        Caller lastCaller;
    };
    static constexpr int MaximumRefusalsAudited = 10; ///< Per token and window.
    static constexpr qint64 RefusalWindowMs = 60000;
    QHash<QString, RefusalWindow> m_refusals; ///< By token name.
    QElapsedTimer m_refusalClock;
    QTimer m_refusalFlush; ///< Writes the count of suppressed refusals when a window ends.

    void auditRefusal(const Caller &caller, const Protocol::Request &request);
    void writeSuppressedRefusals(const QString &token, RefusalWindow &window);
};
