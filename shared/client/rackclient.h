// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/connection.h"
#include "protocol/messages.h"
#include "protocol/vocabulary.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <functional>

class QSslSocket;

/**
 * A connection to one rackd, for the desktop app and rackctl. It trusts rackd only by the
 * pinned certificate fingerprint, authenticates with a token, and then sends requests whose
 * replies come back through the handler given with each request.
 */
class RackClient : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString host;
        quint16 port = 7420;
        QString token;
        QString pinnedFingerprint; ///< Empty: the server is not trusted yet (untrustedServer is emitted).
        QString software = QStringLiteral("pirack-client");
        QString joinSecret = {}; ///< rack-agent joining: sent instead of the token.
        QJsonObject agentIdentity
            = {}; ///< rack-agent: the node's identity, which makes this an agent connection.
        QHostAddress localAddress = {}; ///< Null: the kernel picks the source address.
    };
    using ReplyHandler = std::function<void(const Protocol::Reply &)>;

    explicit RackClient(QObject *parent = nullptr);
    ~RackClient() override;

    void connectToRack(const Options &options);
    void disconnectFromRack();
    bool isReady() const { return m_welcome.has_value(); }
    std::optional<Protocol::Welcome> welcome() const { return m_welcome; }
    /// The fingerprint rackd presented, once its certificate has been seen.
    QString serverFingerprint() const { return m_serverFingerprint; }

    /// Sends a request; `handler` gets its reply, or a failure if the connection ends first.
    qint64 request(Protocol::Method method, const QJsonObject &params, ReplyHandler handler);
    /// The same by wire name: for tests that send what no client would (an unknown method).
    qint64 request(const QString &method, const QJsonObject &params, ReplyHandler handler);
    /// Agents: report something (a heartbeat) to rackd. False when not connected.
    bool sendEvent(const Protocol::Event &event);
    /// Agents: answer a request rackd sent.
    bool sendReply(const Protocol::Reply &reply);

Q_SIGNALS:
    void ready(const Protocol::Welcome &welcome);
    /// Nothing is pinned for this rack yet: show the fingerprint to the operator, then pin it.
    void untrustedServer(const QString &fingerprint);
    /// The rack presents another certificate than the pinned one. Never talk to it.
    void fingerprintMismatch(const QString &pinned, const QString &presented);
    void eventReceived(const Protocol::Event &event);
    /// Agents: rackd asks for something (an action).
    void requestReceived(const Protocol::Request &request);
    /// The connection ended (or never came up). `code` is a protocol error code when rackd gave one.
    void disconnected(const QString &code, const QString &reason);

private:
    void onEncrypted();
    void onMessage(const QJsonObject &message);
    void end(const QString &code, const QString &reason);

    Options m_options;
    QSslSocket *m_socket = nullptr;
    Connection *m_connection = nullptr;
    std::optional<Protocol::Welcome> m_welcome;
    QString m_serverFingerprint;
    QString m_errorCode;
    QString m_errorMessage;
    qint64 m_nextId = 1;
    QHash<qint64, ReplyHandler> m_pending;
    bool m_ended = true;
    quint64 m_generation = 0; ///< Counts connection attempts.
};
