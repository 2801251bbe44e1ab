// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/poweractions.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

PowerActions::PowerActions(RackSession *session, RackState *state, Confirm confirm, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_state(state)
    , m_confirm(std::move(confirm))
{ }

QString PowerActions::actionName(Action action) { return Protocol::name(action); }

QString PowerActions::actionLabel(Action action)
{
    switch (action) {
    case Action::On:
        return tr("On");
    case Action::Off:
        return tr("Off");
    case Action::Cycle:
        return tr("Cycle");
    case Action::GracefulOff:
        return tr("Graceful off");
    }
    return {};
}

QStringList PowerActions::upNodes(const QList<int> &stacks) const
{
    QStringList names;
    for (int stack : stacks) {
        for (const NodeView &node : m_state->nodesOfStack(stack)) {
            if (node.isUp())
                names.append(node.label());
        }
    }
    return names;
}

bool PowerActions::request(Action action, const QList<int> &stacks)
{
    QStringList labels;
    for (int stack : stacks)
        labels.append(QString::number(stack));
    const QString target = stacks.size() == 1 ? tr("stack %1").arg(stacks.constFirst())
                                              : tr("stacks %1").arg(labels.join(u", "_s));
    // A hard cut of running Pis can corrupt their SD cards: the operator sees which, and says yes.
    const QStringList up = upNodes(stacks);
    if ((action == Action::Off || action == Action::Cycle) && !up.isEmpty()) {
        const QString text = tr("%1 cuts the power of %2, where %n Pi(s) are up. They lose power without "
                                "shutting down; \"Graceful off\" shuts them down first.",
            nullptr, int(up.size()))
                                 .arg(actionLabel(action), target);
        if (!m_confirm(tr("Cut power to running Pis?"), text, up))
            return false;
    }
    if (action == Action::GracefulOff && !up.isEmpty()) {
        const QString text
            = tr("Shut down the %n Pi(s) that are up in %1, then switch it off?", nullptr, int(up.size()))
                  .arg(target);
        if (!m_confirm(tr("Shut down and switch off?"), text, up))
            return false;
    }
    QJsonArray ids;
    for (int stack : stacks)
        ids.append(stack);
    QJsonObject params {{u"action"_s, actionName(action)}, {u"stacks"_s, ids}};
    m_session->client()->request(
        Protocol::Method::Power, params, [this, action, stacks](const Protocol::Reply &reply) {
            Q_EMIT finished(
                action, stacks, !reply.isError(), reply.isError() ? reply.error->message : QString());
        });
    return true;
}
