// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "nodehostnames.h"

#include "daemonlogging.h"
#include "nodemanager.h"
#include "protocol/vocabulary.h"

using namespace Qt::Literals::StringLiterals;

namespace {
// rack-agent set-hostname runs in a transient unit: well within this, even on a slow SD card.
constexpr std::chrono::milliseconds HostnameTimeout {60000};
} // namespace

NodeHostnames::NodeHostnames(NodeManager *nodes, QObject *parent)
    : QObject(parent)
    , m_nodes(nodes)
{
    // Every new connection, not only "node.up": a Pi that lost power and came back within a heartbeat
    // or two is up all along, on a new connection (and a request sent on the old one is lost).
    connect(m_nodes, &NodeManager::agentSessionStarted, this, &NodeHostnames::tell);
}

void NodeHostnames::nameChanged(const QString &mac) { tell(mac); }

void NodeHostnames::tell(const QString &mac)
{
    const std::optional<NodeRecord> node = m_nodes->inventory()->node(mac);
    if (!node || !node->isAssigned() || node->name.isEmpty() || m_nodes->state(mac) != NodeManager::State::Up)
        return;
    const QString name = node->name;
    m_nodes->fanOut({{u"action"_s, Protocol::name(Protocol::NodeAction::SetHostname)}, {u"name"_s, name}},
        {mac}, HostnameTimeout, {}, [mac, name](const QList<NodeManager::ActionResult> &results) {
            const NodeManager::ActionResult &result = results.constFirst();
            if (result.outcome == u"ok" && result.result.value(u"changed"_s).toBool())
                qCInfo(lcDaemon).noquote() << "node" << mac << "took the host name" << name;
            else if (result.outcome == u"ok" && result.result.contains(u"skipped"_s))
                qCInfo(lcDaemon).noquote()
                    << "node" << mac << "keeps its host name" << result.result.value(u"hostname"_s).toString()
                    << u"(%1)"_s.arg(result.result.value(u"skipped"_s).toString());
            else if (result.outcome != u"ok")
                qCWarning(lcDaemon).noquote()
                    << "node" << mac << "could not take the host name" << name + u':' << result.error;
        });
}
