// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/nodeactions.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

NodeActions::NodeActions(
    RackSession *session, RackState *state, PowerActions::Confirm confirm, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_state(state)
    , m_confirm(std::move(confirm))
{ }

QString NodeActions::actionName(Action action) { return Protocol::name(action); }

QString NodeActions::actionLabel(Action action)
{
    switch (action) {
    case Action::Identify:
        return tr("Identify (blink the LED)");
    case Action::Reboot:
        return tr("Reboot");
    case Action::Shutdown:
        return tr("Shut down");
    case Action::Run:
        return tr("Run a command");
    case Action::Ping:
        return tr("Ping the agent");
    case Action::SetHostname:
        return tr("Set the host name");
    }
    return {};
}

bool NodeActions::request(
    Action action, const QStringList &macs, const QString &command, const QStringList &arguments)
{
    if (macs.isEmpty() || (action == Action::Run && command.trimmed().isEmpty()))
        return false;
    QStringList labels;
    for (const QString &mac : macs) {
        const NodeView *node = m_state->node(mac);
        labels.append(node ? node->label() : mac);
    }
    if (action == Action::Reboot || action == Action::Shutdown) {
        const QString verb = action == Action::Reboot ? tr("Reboot") : tr("Shut down");
        const QString text = action == Action::Reboot
            ? tr("Reboot %n Pi(s)? What runs on them stops.", nullptr, int(macs.size()))
            : tr("Shut down %n Pi(s)? They stay off until their stack's power is cycled.", nullptr,
                int(macs.size()));
        if (!m_confirm(tr("%1 %2").arg(verb,
                           labels.size() == 1 ? labels.first() : tr("%n Pis", nullptr, int(labels.size()))),
                text, labels))
            return false;
    }
    QJsonObject params {{u"action"_s, actionName(action)}, {u"targets"_s, QJsonArray::fromStringList(macs)}};
    if (action == Action::Run) {
        params.insert(u"command"_s, command.trimmed());
        params.insert(u"args"_s, QJsonArray::fromStringList(arguments));
    }
    m_session->client()->request(
        Protocol::Method::Exec, params, [this, action](const Protocol::Reply &reply) {
            // A node that failed makes the reply an error, with the per-node list in its details.
            const QJsonObject body = reply.isError() ? reply.error->details : reply.result;
            const QList<NodeActionResult> results = parseResults(body);
            const QString error = reply.isError() && results.isEmpty() ? reply.error->message : QString();
            Q_EMIT finished(action, results, error);
        });
    return true;
}

QList<NodeActionResult> NodeActions::parseResults(const QJsonObject &result)
{
    QList<NodeActionResult> results;
    for (const QJsonValue &value : result.value(u"results"_s).toArray()) {
        const QJsonObject object = value.toObject();
        NodeActionResult entry;
        entry.mac = object.value(u"mac"_s).toString();
        entry.name = object.value(u"name"_s).toString();
        entry.outcome = object.value(u"outcome"_s).toString();
        entry.error = object.value(u"error"_s).toString();
        if (entry.mac.isEmpty() || entry.outcome.isEmpty())
            continue;
        const QJsonObject output = object.value(u"result"_s).toObject();
        if (output.value(u"exit_code"_s).isDouble())
            entry.exitCode = output.value(u"exit_code"_s).toInt();
        entry.standardOutput = output.value(u"stdout"_s).toString();
        entry.standardError = output.value(u"stderr"_s).toString();
        entry.truncated = output.value(u"truncated"_s).toBool();
        results.append(entry);
    }
    return results;
}
