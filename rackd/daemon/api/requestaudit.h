// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/caller.h"
#include "auditlog.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QTimer>

/**
 * The audit trail of the API: every request that changes something, with who, from where, what
 * and the result; and refused calls, bounded so that a token that keeps trying cannot push the
 * trail out of its rotated files.
 */
class RequestAudit : public QObject
{
    Q_OBJECT

public:
    explicit RequestAudit(AuditLog *log, QObject *parent = nullptr);

    AuditLog *log() const { return m_log; }
    /// One request and its result ("ok" or why not). Secrets in the parameters are never written.
    void record(const Caller &caller, const Protocol::Request &request, const QJsonArray &targets,
        const QString &result);
    /// A call the caller's role does not allow: its method and parameter names only.
    void refused(const Caller &caller, const Protocol::Request &request);

private:
    struct RefusalWindow
    {
        qint64 startedMs = 0;
        int logged = 0;
        int suppressed = 0;
        Caller lastCaller;
    };
    static constexpr int MaximumRefusalsAudited = 10; ///< Per token and window.
    static constexpr qint64 RefusalWindowMs = 60000;

    void append(const QJsonObject &entry);
    void writeSuppressedRefusals(const QString &token, RefusalWindow &window);

    AuditLog *m_log;
    QHash<QString, RefusalWindow> m_refusals; ///< By token name.
    QElapsedTimer m_refusalClock;
    QTimer m_refusalFlush; ///< Writes the count of suppressed refusals when a window ends.
};
