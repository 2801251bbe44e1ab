// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "framing.h"

#include <QObject>

class QSslSocket;

/**
 * What all connections of a server may hold in output that their peers have not read yet, together:
 * each connection has its own cap, and this one keeps many slow readers from adding up to more
 * memory than the machine has. Shared by the connections of one server; it must outlive them.
 */
class OutputBudget
{
public:
    explicit OutputBudget(qint64 maximumBytes)
        : m_maximumBytes(maximumBytes)
    { }
    qint64 usedBytes() const { return m_usedBytes; }
    qint64 maximumBytes() const { return m_maximumBytes; }
    bool isExceeded() const { return m_usedBytes > m_maximumBytes; }
    void add(qint64 bytes) { m_usedBytes += bytes; }
    void setMaximumBytes(qint64 bytes) { m_maximumBytes = bytes; }

private:
    qint64 m_maximumBytes;
    qint64 m_usedBytes = 0;
};

/**
 * One TLS connection carrying framed messages. It owns the socket and is the only code that
 * touches it: everyone else sees messages and one closed(reason).
 */
class Connection : public QObject
{
    Q_OBJECT

public:
    struct Limits
    {
        qint64 maximumMessageSize = 1024 * 1024;
        /// A peer that stops reading is dropped once this much waits to be sent.
        qint64 maximumPendingOutput = 16 * 1024 * 1024;
        /// Shared with the server's other connections; none when null. When it is exceeded, a
        /// connection with more than `fairPendingOutput` waiting is dropped rather than sent more.
        OutputBudget *outputBudget = nullptr;
        qint64 fairPendingOutput = 1024 * 1024;
    };

    Connection(QSslSocket *socket, Limits limits, QObject *parent = nullptr);
    ~Connection() override;

    /// Valid while the connection is open; after close() the socket finishes on its own.
    QSslSocket *socket() const { return m_socket; }
    /// "203.0.113.7:50312": for logs and the audit trail.
    QString peer() const { return m_peer; }
    bool isOpen() const { return !m_closed; }

    /// Queues a message; false (and the connection closes) when the peer does not keep up.
    bool send(const QJsonObject &message);
    /// The same, for a message already encoded with encodeFrame() (one encoding for many peers).
    bool sendFrame(const QByteArray &frame);
    /// Sends what is queued, then closes.
    void close(const QString &reason);
    /// Closes at once.
    void abort(const QString &reason);
    /// The largest message accepted from now on (a server raises it once the peer is known).
    void setMaximumMessageSize(qint64 bytes) { m_decoder.setMaximumPayload(bytes); }
    /// Bytes queued for the peer and not yet handed to the kernel.
    qint64 pendingOutput() const;

Q_SIGNALS:
    void messageReceived(const QJsonObject &message);
    /// A frame arrived whose payload is not a JSON object; the connection stays usable.
    void badMessageReceived(const QString &problem);
    /// Emitted once, whatever the cause.
    void closed(const QString &reason);

private:
    void onReadyRead();
    void finish(const QString &reason);
    void accountOutput();

    QSslSocket *m_socket; // a child of this object until close() hands it off
    Limits m_limits;
    FrameDecoder m_decoder;
    QString m_peer;
    bool m_closed = false;
    bool m_socketHandedOff = false; ///< close() let the socket go to flush and delete itself.
    qint64 m_accountedOutput = 0; ///< This connection's share of the output budget.
};
