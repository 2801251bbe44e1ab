// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "controlserver.h"

#include "auththrottle.h"
#include "daemonlogging.h"
#include "protocol/tlsconfiguration.h"

#include <QSslSocket>
#include <QTcpServer>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {
// What a peer may send before rackd knows who it is: one hello, not a request's megabyte.
constexpr qint64 MaximumHelloBytes = 16 * 1024;
const QString HandshakeDeadline = QStringLiteral("pirack-handshake-deadline");
} // namespace

/// The listening socket: hands on each accepted descriptor, with no queue of its own.
class ControlServer::Listener : public QTcpServer
{
public:
    explicit Listener(ControlServer *server)
        : m_server(server)
    { }

protected:
    void incomingConnection(qintptr descriptor) override { m_server->onIncoming(descriptor); }

private:
    ControlServer *m_server;
};

ControlServer::ControlServer(RackService *service, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_listener(std::make_unique<Listener>(this))
    , m_unauthenticated(m_limits.unauthenticated)
    , m_outputBudget(m_limits.outputBudget)
{
    m_connectionLimits.outputBudget = &m_outputBudget;
    connect(m_listener.get(), &QTcpServer::acceptError, this, &ControlServer::onAcceptError);
    m_acceptRetry.setSingleShot(true);
    connect(&m_acceptRetry, &QTimer::timeout, this, [this] { m_listener->resumeAccepting(); });
    connect(m_service, &RackService::eventRaised, this, &ControlServer::broadcast);
    m_refusalLogClock.start();
}

// Sessions and handshakes go first, while the budgets they give back still exist.
ControlServer::~ControlServer()
{
    m_listener->close();
    const QList<QObject *> holders = m_unauthenticatedHolders.keys();
    for (QObject *holder : holders) {
        if (auto *socket = qobject_cast<QSslSocket *>(holder))
            delete socket;
    }
    qDeleteAll(std::exchange(m_sessions, {}));
}

quint16 ControlServer::port() const { return m_listener->serverPort(); }

void ControlServer::setLimits(const Limits &limits)
{
    m_limits = limits;
    m_unauthenticated.setLimits(limits.unauthenticated);
    m_outputBudget.setMaximumBytes(limits.outputBudget);
}

bool ControlServer::listen(
    const QHostAddress &address, quint16 port, const TlsIdentity &identity, QString *error)
{
    m_tls = PiRackTls::serverConfiguration(identity);
    // Connections that wait for a slot wait in the kernel, not in rackd.
    m_listener->setListenBacklogSize(256);
    if (!m_listener->listen(address, port)) {
        *error = u"cannot listen on %1 port %2: %3"_s.arg(address.toString())
                     .arg(port)
                     .arg(m_listener->errorString());
        return false;
    }
    qCInfo(lcDaemon).noquote() << "listening on"
                               << address.toString() + u':' + QString::number(m_listener->serverPort())
                               << "(TLS, fingerprint" << identity.fingerprint() + u')';
    return true;
}

void ControlServer::onAcceptError(QAbstractSocket::SocketError)
{
    // Out of file descriptors, most likely: the pending connection stays in the kernel's queue, and
    // trying again at once would spin. Sessions that end meanwhile free descriptors.
    qCWarning(lcDaemon).noquote() << "cannot accept connections:" << m_listener->errorString()
                                  << "- trying again in 1 s";
    m_listener->pauseAccepting();
    m_acceptRetry.start(std::chrono::seconds(1));
}

void ControlServer::noteRefusal(const QString &peer, const QString &why)
{
    ++m_refusalsNotLogged;
    if (m_refusalLogClock.elapsed() < 10000 && m_refusalsNotLogged > 1)
        return;
    qCWarning(lcDaemon).noquote() << "refused a connection from" << peer << "-" << why
                                  << u"(%1 refused since the last such line)"_s.arg(m_refusalsNotLogged);
    m_refusalsNotLogged = 0;
    m_refusalLogClock.restart();
}

// When the slots are taken, of its source or of everyone, the stranger who has waited longest
// makes room. Someone who means to log in does so in milliseconds, so connections that idle, or
// a burst of them, cannot lock the port; a source that floods only pushes out its own.
void ControlServer::makeRoomFor(const QHostAddress &peer)
{
    const QHostAddress source = AuthThrottle::sourceOf(peer);
    const auto evictOldest = [this](const std::function<bool(const QHostAddress &)> &matches) {
        for (QObject *holder : std::as_const(m_unauthenticatedOrder)) {
            const QHostAddress holderPeer = m_unauthenticatedHolders.value(holder);
            if (!matches(holderPeer))
                continue;
            noteRefusal(
                holderPeer.toString(), u"closed before it authenticated, to make room for a newer one"_s);
            if (auto *socket = qobject_cast<QSslSocket *>(holder)) {
                dropHandshake(socket, u"making room for a newer connection"_s);
            } else {
                releaseUnauthenticated(holder);
                if (auto *session = qobject_cast<ClientSession *>(holder))
                    session->refuse(Protocol::ErrorCode::Unauthenticated,
                        u"no hello in time while other connections were waiting"_s);
            }
            return true;
        }
        return false;
    };
    const auto sameSource
        = [&source](const QHostAddress &other) { return AuthThrottle::sourceOf(other) == source; };
    while (m_unauthenticated.fromSource(peer) >= m_unauthenticated.limits().maximumPerSource
        && evictOldest(sameSource)) { }
    while (m_unauthenticated.total() >= m_unauthenticated.limits().maximumTotal
        && evictOldest([](const QHostAddress &) { return true; })) { }
}

void ControlServer::onIncoming(qintptr descriptor)
{
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcDaemon).noquote() << "cannot take an accepted connection:" << socket->errorString();
        ::close(int(descriptor));
        delete socket;
        return;
    }
    const QHostAddress peer = socket->peerAddress();
    makeRoomFor(peer);
    if (!m_unauthenticated.take(peer)) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    m_unauthenticatedHolders.insert(socket, peer);
    m_unauthenticatedOrder.append(socket);

    socket->setSslConfiguration(m_tls);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // The TLS layer buffers no more than a hello's worth of plaintext before rackd reads it.
    socket->setReadBufferSize(MaximumHelloBytes * 2);
    auto *deadline = new QTimer(socket);
    deadline->setObjectName(HandshakeDeadline);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this,
        [this, socket] { dropHandshake(socket, u"the TLS handshake took too long"_s); });
    deadline->start(m_limits.handshakeTimeout);
    connect(socket, &QSslSocket::encrypted, this, [this, socket] { onEncrypted(socket); });
    connect(socket, &QSslSocket::errorOccurred, this,
        [this, socket](QAbstractSocket::SocketError) { dropHandshake(socket, socket->errorString()); });
    connect(socket, &QSslSocket::disconnected, this,
        [this, socket] { dropHandshake(socket, u"the peer closed the connection"_s); });
    socket->startServerEncryption();
}

void ControlServer::dropHandshake(QSslSocket *socket, const QString &reason)
{
    if (!m_unauthenticatedHolders.contains(socket))
        return; // already handed on, or already dropped
    qCDebug(lcDaemon).noquote() << "TLS handshake with" << m_unauthenticatedHolders.value(socket).toString()
                                << "failed:" << reason;
    releaseUnauthenticated(socket);
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void ControlServer::releaseUnauthenticated(QObject *holder)
{
    const auto it = m_unauthenticatedHolders.find(holder);
    if (it == m_unauthenticatedHolders.end())
        return;
    m_unauthenticated.release(it.value());
    m_unauthenticatedHolders.erase(it);
    m_unauthenticatedOrder.removeOne(holder);
}

void ControlServer::onEncrypted(QSslSocket *socket)
{
    const QHostAddress peer = m_unauthenticatedHolders.value(socket);
    socket->disconnect(this);
    // Found by name: the socket may have timers of Qt's own among its children.
    delete socket->findChild<QTimer *>(
        HandshakeDeadline, Qt::FindDirectChildrenOnly); // the hello has its own
    socket->setReadBufferSize(0); // the connection reads everything at once and checks each frame itself

    Connection::Limits connectionLimits = m_connectionLimits;
    connectionLimits.maximumMessageSize = std::min(MaximumHelloBytes, m_connectionLimits.maximumMessageSize);
    auto *connection = new Connection(socket, connectionLimits);
    ClientSession::Limits sessionLimits = m_sessionLimits;
    sessionLimits.maximumMessageSize = m_connectionLimits.maximumMessageSize;
    auto *session = new ClientSession(connection, m_service, sessionLimits, this);
    // The slot before the hello passes from the socket to its session, keeping its place in line.
    m_unauthenticatedHolders.remove(socket);
    m_unauthenticatedHolders.insert(session, peer);
    m_unauthenticatedOrder.replace(m_unauthenticatedOrder.indexOf(socket), session);
    m_sessions.insert(session);

    session->setClientAdmission(
        [this, session](Protocol::Error *refusal) { return admitClient(session, refusal); });
    connect(session, &ClientSession::authenticated, this, [this, session] {
        releaseUnauthenticated(session);
        if (!session->isAgent())
            m_clientSessions.insert(session);
    });
    connect(session, &ClientSession::finished, this, [this, session] {
        releaseUnauthenticated(session);
        m_sessions.remove(session);
        m_clientSessions.remove(session);
        session->deleteLater();
    });
}

bool ControlServer::admitClient(ClientSession *session, Protocol::Error *refusal)
{
    if (m_clientSessions.size() < MaximumClientSessions)
        return true;
    noteRefusal(
        session->peer(), u"already %1 clients besides the nodes' agents"_s.arg(MaximumClientSessions));
    *refusal = {Protocol::ErrorCode::TooManyRequests,
        u"rackd already serves %1 clients; close one and try again"_s.arg(MaximumClientSessions), {}};
    return false;
}

void ControlServer::broadcast(const Protocol::Event &event)
{
    const QString family = event.name.section(u'.', 0, 0); // "relay.changed" -> "relay"
    for (ClientSession *session : std::as_const(m_clientSessions)) {
        if (session->isSubscribedTo(family))
            session->sendEvent(event);
    }
}
