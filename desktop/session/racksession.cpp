// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/racksession.h"

#include "desktoplogging.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace {

// Errors that another attempt cannot fix: the operator must act.
bool isFinal(const QString &code)
{
    return code == Protocol::ErrorCode::Unauthenticated || code == Protocol::ErrorCode::Forbidden
        || code == Protocol::ErrorCode::ProtocolVersion || code == u"untrusted"
        || code == u"fingerprint_mismatch";
}

} // namespace

RackSession::RackSession(RackState *state, QObject *parent)
    : QObject(parent)
    , m_state(state)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        if (m_wanted) {
            setStatus(Status::Connecting, m_message);
            m_client.connectToRack(m_options);
        }
    });
    connect(&m_client, &RackClient::ready, this, &RackSession::onReady);
    connect(&m_client, &RackClient::disconnected, this, &RackSession::onDisconnected);
    connect(&m_client, &RackClient::untrustedServer, this, [this](const QString &fingerprint) {
        m_wanted = false;
        Q_EMIT untrustedServer(fingerprint);
    });
    connect(&m_client, &RackClient::fingerprintMismatch, this,
        [this](const QString &pinned, const QString &presented) {
            m_wanted = false;
            Q_EMIT fingerprintMismatch(pinned, presented);
        });
    m_nodesReload.setSingleShot(true);
    m_nodesReload.setInterval(300);
    connect(&m_nodesReload, &QTimer::timeout, this, &RackSession::reloadNodes);
    m_recoveryReload.setSingleShot(true);
    m_recoveryReload.setInterval(200);
    connect(&m_recoveryReload, &QTimer::timeout, this, [this] {
        if (m_status != Status::Connected)
            return;
        m_client.request(Protocol::Method::Status, {}, [this](const Protocol::Reply &status) {
            QString problem;
            if (status.isError() || !m_state->applyStatus(status.result, &problem))
                qCWarning(lcDesktop).noquote() << "rackd's status cannot be shown:"
                                               << (status.isError() ? status.error->message : problem);
            reloadNodes();
        });
    });
    connect(&m_client, &RackClient::eventReceived, this, [this](const Protocol::Event &event) {
        // A node the rack did not list yet (it just joined), or one that comes up in another slot
        // than the list said (placed since: it has a name and an address now): its identity and
        // address come with the node list, fetched once for a burst of such arrivals.
        if (event.name == Protocol::name(Protocol::EventName::NodeUp)) {
            const NodeView *known = m_state->node(event.data.value(u"mac"_s).toString());
            const bool placedElsewhere = known && event.data.contains(u"slot"_s)
                && (known->stack != event.data.value(u"stack"_s).toInt()
                    || known->slot != event.data.value(u"slot"_s).toInt());
            if (!known || placedElsewhere)
                m_nodesReload.start();
        }
        m_state->applyEvent(event);
        // A recovery step, a condition or maintenance changes what status and nodes say: rare
        // events, so the two lists are fetched again (once for a burst) rather than patched.
        if (event.name.startsWith(u"recovery."_s)
            || event.name == Protocol::name(Protocol::EventName::InstallChanged))
            m_recoveryReload.start();
        if (event.name == Protocol::name(Protocol::EventName::InstallChanged)) {
            m_install = event.data;
            Q_EMIT installChanged(m_install);
        }
        Q_EMIT eventReceived(event);
    });
}

void RackSession::setStatus(Status status, const QString &message)
{
    if (m_status == status && m_message == message)
        return;
    m_status = status;
    m_message = message;
    Q_EMIT statusChanged(status, message);
}

void RackSession::open(const RackClient::Options &options)
{
    m_options = options;
    m_wanted = true;
    m_wasConnected = false;
    m_retryDelay = std::chrono::milliseconds(1000);
    m_retry.stop();
    setStatus(Status::Connecting);
    m_client.connectToRack(m_options);
}

void RackSession::close()
{
    m_wanted = false;
    m_retry.stop();
    m_client.disconnectFromRack();
    setStatus(Status::Disconnected);
}

void RackSession::onReady()
{
    m_wasConnected = true;
    m_retryDelay = std::chrono::milliseconds(1000);
    // Subscribe before loading: whatever changes after the answers were made arrives as an event.
    m_client.request(Protocol::Method::Subscribe,
        {{u"events"_s, QJsonArray {u"relay"_s, u"node"_s, u"install"_s, u"recovery"_s}}},
        [](const Protocol::Reply &reply) {
            if (reply.isError())
                qCWarning(lcDesktop).noquote() << "rackd refused the subscription:" << reply.error->message;
        });
    load();
}

void RackSession::load()
{
    m_client.request(Protocol::Method::Status, {}, [this](const Protocol::Reply &status) {
        QString error;
        if (status.isError() || !m_state->applyStatus(status.result, &error)) {
            m_wanted = false;
            m_client.disconnectFromRack();
            setStatus(Status::Disconnected,
                tr("rackd's status cannot be shown: %1")
                    .arg(status.isError() ? status.error->message : error));
            return;
        }
        m_client.request(Protocol::Method::Nodes, {}, [this](const Protocol::Reply &nodes) {
            QString problem;
            if (nodes.isError() || !m_state->applyNodes(nodes.result, &problem)) {
                m_wanted = false;
                m_client.disconnectFromRack();
                setStatus(Status::Disconnected,
                    tr("rackd's node list cannot be shown: %1")
                        .arg(nodes.isError() ? nodes.error->message : problem));
                return;
            }
            m_client.request(Protocol::Method::InstallStatus, {}, [this](const Protocol::Reply &install) {
                if (!install.isError()) {
                    m_install = install.result;
                    Q_EMIT installChanged(m_install);
                }
                setStatus(Status::Connected);
            });
        });
    });
}

void RackSession::reloadNodes()
{
    if (m_status != Status::Connected)
        return; // the load after the connection brings the nodes anyway
    m_client.request(Protocol::Method::Nodes, {}, [this](const Protocol::Reply &nodes) {
        QString problem;
        if (nodes.isError() || !m_state->applyNodes(nodes.result, &problem))
            qCWarning(lcDesktop).noquote()
                << "rackd's node list cannot be shown:" << (nodes.isError() ? nodes.error->message : problem);
    });
}

void RackSession::onDisconnected(const QString &code, const QString &reason)
{
    if (!m_wanted || isFinal(code) || !m_wasConnected) {
        // A first attempt that fails is reported, not retried behind the operator's back.
        m_wanted = m_wanted && !isFinal(code) && m_wasConnected;
        setStatus(Status::Disconnected, reason);
        return;
    }
    setStatus(Status::Reconnecting,
        tr("connection lost (%1); trying again in %2 s")
            .arg(reason)
            .arg(double(m_retryDelay.count()) / 1000.0));
    m_retry.start(m_retryDelay);
    m_retryDelay = std::min(m_retryDelay * 2, m_maximumRetryDelay);
}
