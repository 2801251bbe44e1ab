// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/requestaudit.h"

#include "daemonlogging.h"

using namespace Qt::Literals::StringLiterals;

RequestAudit::RequestAudit(AuditLog *log, QObject *parent)
    : QObject(parent)
    , m_log(log)
{
    m_refusalClock.start();
    m_refusalFlush.setInterval(std::chrono::milliseconds(RefusalWindowMs));
    connect(&m_refusalFlush, &QTimer::timeout, this, [this] {
        const qint64 now = m_refusalClock.elapsed();
        for (auto it = m_refusals.begin(); it != m_refusals.end();) {
            if (now - it->startedMs < RefusalWindowMs) {
                ++it;
                continue;
            }
            writeSuppressedRefusals(it.key(), it.value());
            it = m_refusals.erase(it);
        }
    });
    m_refusalFlush.start();
}

void RequestAudit::append(const QJsonObject &entry)
{
    if (!m_log->append(entry))
        qCCritical(lcDaemon).noquote() << "cannot write the audit log" << m_log->path();
}

void RequestAudit::record(
    const Caller &caller, const Protocol::Request &request, const QJsonArray &targets, const QString &result)
{
    QJsonObject params = request.params;
    params.remove(u"token"_s); // never write a secret into the log
    append({{u"token"_s, caller.token.name}, {u"role"_s, roleName(caller.token.role)},
        {u"source"_s, caller.source}, {u"request"_s, request.method},
        {u"params"_s, AuditLog::boundedParameters(params)}, {u"targets"_s, targets}, {u"result"_s, result}});
}

// A token that keeps trying gets a few lines a minute and then one line that counts the rest.
void RequestAudit::refused(const Caller &caller, const Protocol::Request &request)
{
    RefusalWindow &window = m_refusals[caller.token.name];
    const qint64 now = m_refusalClock.elapsed();
    if (now - window.startedMs >= RefusalWindowMs) {
        writeSuppressedRefusals(caller.token.name, window);
        window = {now, 0, 0, caller};
    }
    if (window.logged >= MaximumRefusalsAudited) {
        ++window.suppressed;
        window.lastCaller = caller;
        return;
    }
    ++window.logged;
    QStringList keys = request.params.keys();
    keys.removeAll(u"token"_s);
    append({{u"token"_s, caller.token.name}, {u"role"_s, roleName(caller.token.role)},
        {u"source"_s, caller.source}, {u"request"_s, request.method.left(64)},
        {u"params"_s, QJsonObject {{u"keys"_s, QJsonArray::fromStringList(keys.mid(0, 32))}}},
        {u"targets"_s, QJsonArray()}, {u"result"_s, u"forbidden"_s}});
}

void RequestAudit::writeSuppressedRefusals(const QString &token, RefusalWindow &window)
{
    if (window.suppressed == 0)
        return;
    append({{u"token"_s, token}, {u"role"_s, roleName(window.lastCaller.token.role)},
        {u"source"_s, window.lastCaller.source}, {u"request"_s, u"(refused calls)"_s},
        {u"params"_s, QJsonObject {}}, {u"targets"_s, QJsonArray()},
        {u"result"_s,
            u"forbidden: %1 more refused calls in %2 s, not written one by one"_s.arg(window.suppressed)
                .arg(RefusalWindowMs / 1000)}});
    window.suppressed = 0;
}
