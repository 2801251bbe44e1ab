// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "client/rackclient.h"
#include "model/rackstate.h"

#include <QTimer>

/**
 * The app's live link to one rackd: it connects through RackClient, subscribes to the relay, node
 * and install events, loads the rack (status, nodes) into a RackState and keeps it current. A
 * connection that was up and is lost is retried by itself (1 s, 2 s, 4 s ... at most 10 s apart)
 * and the rack reloaded; a refused token or an untrusted certificate is never retried.
 */
class RackSession : public QObject
{
    Q_OBJECT

public:
    enum class Status {
        Disconnected, ///< Not connected, and not trying (closed, or a reason that retrying cannot fix).
        Connecting,
        Connected, ///< And the rack is loaded.
        Reconnecting, ///< Lost; the next attempt is scheduled.
    };
    Q_ENUM(Status)

    explicit RackSession(RackState *state, QObject *parent = nullptr);

    void open(const RackClient::Options &options);
    /// What the session was opened with (host, port, the pinned fingerprint).
    const RackClient::Options &options() const { return m_options; }
    /// The fingerprint rackd presented on this session's connection.
    QString serverFingerprint() const { return m_client.serverFingerprint(); }
    void close();

    Status status() const { return m_status; }
    /// Why it is not connected, for the banner.
    QString statusMessage() const { return m_message; }
    RackClient *client() { return &m_client; }
    /// The install as rackd last announced it (install.changed), or its status at connection.
    QJsonObject install() const { return m_install; }
    /// The longest wait between two reconnection attempts.
    void setMaximumRetryDelay(std::chrono::milliseconds delay) { m_maximumRetryDelay = delay; }

Q_SIGNALS:
    void statusChanged(RackSession::Status status, const QString &message);
    void untrustedServer(const QString &fingerprint);
    void fingerprintMismatch(const QString &pinned, const QString &presented);
    void installChanged(const QJsonObject &install);
    /// Every event, for the event log pane.
    void eventReceived(const Protocol::Event &event);

private:
    void setStatus(Status status, const QString &message = {});
    void onReady();
    void onDisconnected(const QString &code, const QString &reason);
    void load();
    void reloadNodes();

    RackState *m_state;
    RackClient m_client;
    RackClient::Options m_options;
    Status m_status = Status::Disconnected;
    QString m_message;
    QTimer m_retry;
    QTimer m_nodesReload;
    QTimer m_recoveryReload; ///< Status and nodes again after recovery events.
    std::chrono::milliseconds m_retryDelay {1000};
    std::chrono::milliseconds m_maximumRetryDelay {10000};
    bool m_wanted = false; ///< open() was called and close() not since.
    bool m_wasConnected = false;
    QJsonObject m_install;
};
