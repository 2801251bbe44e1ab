// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/recoveryactions.h"

using namespace Qt::Literals::StringLiterals;

RecoveryActions::RecoveryActions(RackSession *session, RackState *state, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_state(state)
{ }

void RecoveryActions::setStackMaintenance(int stack, bool on, const QString &reason)
{
    QJsonObject params {{u"stack"_s, stack}, {u"on"_s, on}};
    if (on && !reason.trimmed().isEmpty())
        params.insert(u"reason"_s, reason.trimmed());
    send(Protocol::Method::Maintenance, params,
        on ? tr("maintenance on for stack %1").arg(stack) : tr("maintenance off for stack %1").arg(stack));
}

void RecoveryActions::setNodeMaintenance(const QString &mac, bool on, const QString &reason)
{
    QJsonObject params {{u"node"_s, mac}, {u"on"_s, on}};
    if (on && !reason.trimmed().isEmpty())
        params.insert(u"reason"_s, reason.trimmed());
    const NodeView *node = m_state->node(mac);
    const QString label = node ? node->label() : mac;
    send(Protocol::Method::Maintenance, params,
        on ? tr("maintenance on for %1").arg(label) : tr("maintenance off for %1").arg(label));
}

void RecoveryActions::stopRecovery(int stack)
{
    send(Protocol::Method::RecoveryStop, {{u"stack"_s, stack}},
        tr("stop the recovery of stack %1").arg(stack));
}

void RecoveryActions::send(Protocol::Method method, const QJsonObject &params, const QString &what)
{
    m_session->client()->request(method, params, [this, what](const Protocol::Reply &reply) {
        Q_EMIT finished(what, !reply.isError(), reply.isError() ? reply.error->message : QString());
    });
}
