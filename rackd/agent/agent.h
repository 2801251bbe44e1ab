// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agentconfig.h"
#include "client/rackclient.h"
#include "ledidentifier.h"
#include "protocol/joinstring.h"
#include "systemreader.h"

#include <QObject>
#include <QTimer>

/// What joining left behind: where rackd is, how to trust it, and this node's own credential.
struct Enrollment
{
    QString host;
    quint16 port = 0;
    QString fingerprint;
    QString credential;

    /// The credential file is JSON, mode 0600.
    static std::optional<Enrollment> load(const QString &path, QString *error);
    bool save(const QString &path, QString *error) const;
};

/**
 * rack-agent's connection to rackd: it authenticates with the node's credential, reports a
 * heartbeat every interval, and after any disconnect tries again with exponential backoff and
 * jitter, so a restarted rackd is not hit by every agent at the same moment.
 */
class Agent : public QObject
{
    Q_OBJECT

public:
    /// Named commands running at once on one node; more are refused until one finishes.
    static constexpr int MaximumConcurrentCommands = 8;
    explicit Agent(AgentConfig config, QObject *parent = nullptr);

    bool start(QString *error);
    bool isConnected() const { return m_client.isReady(); }
    NodeIdentity identity() const { return m_identity; }

Q_SIGNALS:
    void connected();
    void disconnected(const QString &reason);

private:
    void connectNow();
    void scheduleReconnect();
    void sendHeartbeat();
    void onRequest(const Protocol::Request &request);

    AgentConfig m_config;
    Enrollment m_enrollment;
    SystemReader m_reader;
    NodeIdentity m_identity;
    RackClient m_client;
    QTimer m_heartbeat;
    QTimer m_reconnect;
    int m_failures = 0;
    int m_runningCommands = 0;
    LedIdentifier m_led;
};

/// `rack-agent join JOIN-STRING`: presents the one-time secret and stores the credential rackd issues.
class AgentJoin : public QObject
{
    Q_OBJECT

public:
    enum Result { Joined = 0, Refused = 1, ConnectionFailed = 3, Untrusted = 5 };

    explicit AgentJoin(AgentConfig config, QObject *parent = nullptr);
    void run(const JoinString &join);

Q_SIGNALS:
    void finished(int result, const QString &message);

private:
    AgentConfig m_config;
    RackClient m_client;
    JoinString m_join;
    bool m_done = false;
};

/// The identity an agent reports in its hello.
QJsonObject agentHelloIdentity(const NodeIdentity &identity);
/// Makes the credential's folder (mode 0700) if it is missing; false, with why, if it cannot be written.
bool prepareCredentialFolder(const QString &credentialFile, QString *error);
