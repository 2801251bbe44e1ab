// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent.h"

#include "agentlogging.h"
#include "pihostname.h"
#include "protocol/vocabulary.h"
#include "storage/jsonfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <cerrno>
#include <cstring>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qint64 MaximumCredentialFileBytes = 64 * 1024;
}

std::optional<Enrollment> Enrollment::load(const QString &path, QString *error)
{
    const JsonFile::ReadResult file = JsonFile::read(path, MaximumCredentialFileBytes);
    if (file.status == JsonFile::ReadResult::Status::Missing) {
        *error = u"%1 does not exist: join this node first with 'rack-agent join JOIN-STRING'"_s.arg(path);
        return std::nullopt;
    }
    if (file.status != JsonFile::ReadResult::Status::Ok) {
        *error = u"the credential file %1 is damaged or unreadable (%2); join the node again"_s.arg(
            path, file.error);
        return std::nullopt;
    }
    Enrollment enrollment {file.object.value(u"rackd_host"_s).toString(),
        quint16(file.object.value(u"rackd_port"_s).toInt()),
        file.object.value(u"rackd_fingerprint"_s).toString(), file.object.value(u"credential"_s).toString()};
    if (enrollment.host.isEmpty() || enrollment.port == 0 || enrollment.fingerprint.isEmpty()
        || enrollment.credential.isEmpty()) {
        *error = u"the credential file %1 is incomplete; join the node again"_s.arg(path);
        return std::nullopt;
    }
    return enrollment;
}

bool Enrollment::save(const QString &path, QString *error) const
{
    return JsonFile::write(path,
        {{u"rackd_host"_s, host}, {u"rackd_port"_s, port}, {u"rackd_fingerprint"_s, fingerprint},
            {u"credential"_s, credential}},
        JsonFile::OwnerOnly, error, MaximumCredentialFileBytes);
}

QJsonObject agentHelloIdentity(const NodeIdentity &identity) { return identity.toJson(); }

bool prepareCredentialFolder(const QString &credentialFile, QString *error)
{
    const QString folder = QFileInfo(credentialFile).absolutePath();
    const QFileInfo existing(folder);
    if (existing.exists() && !existing.isDir()) {
        *error = u"cannot keep the credential in %1: it is not a folder"_s.arg(folder);
        return false;
    }
    if (!existing.exists()) {
        if (!QDir().mkpath(folder)) {
            *error = u"cannot make the folder %1 for the credential"_s.arg(folder);
            return false;
        }
        QFile::setPermissions(
            folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    if (::access(QFile::encodeName(folder).constData(), W_OK | X_OK) != 0) {
        *error = u"cannot write the credential in %1: %2"_s.arg(
            folder, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    return true;
}

Agent::Agent(AgentConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_reader(m_config.rootDirectory)
    , m_led(m_config.rootDirectory)
{
    m_heartbeat.setInterval(m_config.heartbeatInterval);
    connect(&m_heartbeat, &QTimer::timeout, this, &Agent::sendHeartbeat);
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &Agent::connectNow);
    connect(&m_client, &RackClient::ready, this, [this] {
        m_failures = 0;
        qCInfo(lcAgent).noquote() << "connected to rackd at"
                                  << m_enrollment.host + u':' + QString::number(m_enrollment.port);
        sendHeartbeat();
        m_heartbeat.start();
        Q_EMIT connected();
    });
    connect(&m_client, &RackClient::disconnected, this, [this](const QString &code, const QString &reason) {
        m_heartbeat.stop();
        if (code == u"fingerprint_mismatch")
            qCCritical(lcAgent).noquote()
                << "the server at" << m_enrollment.host << "is not the rackd this node joined:" << reason;
        else
            qCWarning(lcAgent).noquote() << "disconnected from rackd:" << reason;
        Q_EMIT disconnected(reason);
        scheduleReconnect();
    });
    connect(&m_client, &RackClient::requestReceived, this, &Agent::onRequest);
}

bool Agent::start(QString *error)
{
    const std::optional<Enrollment> enrollment = Enrollment::load(m_config.credentialFile, error);
    if (!enrollment)
        return false;
    m_enrollment = *enrollment;
    // The configuration may point at rackd by another name (a moved master, say).
    if (!m_config.rackdHost.isEmpty())
        m_enrollment.host = m_config.rackdHost;
    if (!m_config.rackdFingerprint.isEmpty())
        m_enrollment.fingerprint = m_config.rackdFingerprint;
    m_identity = m_reader.identity(m_config.interfaceName);
    if (m_identity.mac.isEmpty()) {
        *error = m_config.interfaceName.isEmpty()
            ? u"no network interface with a MAC address was found; set interface = in %1"_s.arg(
                m_config.sourceFile)
            : u"the interface %1 has no MAC address"_s.arg(m_config.interfaceName);
        return false;
    }
    connectNow();
    return true;
}

void Agent::connectNow()
{
    RackClient::Options options;
    options.host = m_enrollment.host;
    options.port = m_enrollment.port;
    options.token = m_enrollment.credential;
    options.pinnedFingerprint = m_enrollment.fingerprint;
    options.software = u"rack-agent " PIRACK_VERSION_STRING ""_s;
    options.agentIdentity = agentHelloIdentity(m_identity);
    options.localAddress = m_config.bindAddress;
    m_client.connectToRack(options);
}

void Agent::scheduleReconnect()
{
    // Exponential backoff with jitter, capped: 0.5 s, 1 s, 2 s ... up to reconnect_max, each 50-100 %.
    const qint64 cap = m_config.reconnectMaximum.count();
    const qint64 base = std::min<qint64>(cap, qint64(500) << std::min(m_failures, 20));
    ++m_failures;
    const qint64 delay = base / 2 + qint64(QRandomGenerator::global()->bounded(quint32(base / 2 + 1)));
    qCInfo(lcAgent) << "reconnecting in" << delay << "ms";
    m_reconnect.start(std::chrono::milliseconds(delay));
}

void Agent::sendHeartbeat()
{
    m_client.sendEvent({Protocol::name(Protocol::EventName::NodeHeartbeat), m_reader.sample().toJson()});
}

void Agent::onRequest(const Protocol::Request &request)
{
    namespace ErrorCode = Protocol::ErrorCode;
    const auto fail = [this, &request](const QString &code, const QString &message) {
        m_client.sendReply(Protocol::Reply::failure(request.id, code, message));
    };
    if (request.method != Protocol::agentActionMethod())
        return fail(ErrorCode::UnknownMethod, u"this agent does not offer \"%1\""_s.arg(request.method));

    using Protocol::NodeAction;
    const QString actionText = request.params.value(u"action"_s).toString();
    const std::optional<NodeAction> action = Protocol::fromName<NodeAction>(actionText);
    if (!action)
        return fail(ErrorCode::BadRequest,
            u"unknown action \"%1\" (%2)"_s.arg(
                actionText.left(80), Protocol::namesForPeople(Protocol::all<NodeAction>())));
    // A ping is the no-op that tells rackd (and a benchmark) the agent answers: not worth a log line.
    if (*action != NodeAction::Ping)
        qCInfo(lcAgent).noquote() << "rackd asks for" << actionText;
    CommandSpec spec;
    QStringList extra;
    switch (*action) {
    case NodeAction::Ping:
        return (void)m_client.sendReply(Protocol::Reply::success(request.id, {}));
    case NodeAction::Identify: {
        const double seconds = request.params.value(u"duration_s"_s).toDouble(10);
        QString error;
        if (seconds <= 0 || seconds > 3600
            || !m_led.start(std::chrono::milliseconds(qint64(seconds * 1000)), &error))
            return fail(
                ErrorCode::CommandFailed, error.isEmpty() ? u"duration_s must be from 0 to 3600"_s : error);
        return (void)m_client.sendReply(Protocol::Reply::success(request.id, {{u"blinking_s"_s, seconds}}));
    }
    case NodeAction::SetHostname: {
        // rackd placed or renamed this node: the Pi itself takes the name, not only DNS.
        const QString name = request.params.value(u"name"_s).toString();
        if (!PiHostname::isValid(name))
            return fail(ErrorCode::BadRequest,
                u"\"%1\" is not a host name (1 to 63 lower-case letters, digits and '-')"_s.arg(
                    name.left(80)));
        if (!m_config.setHostname)
            return (void)m_client.sendReply(Protocol::Reply::success(request.id,
                {{u"changed"_s, false}, {u"hostname"_s, PiHostname::runningName(m_config.rootDirectory)},
                    {u"skipped"_s, u"set_hostname = no in %1"_s.arg(m_config.sourceFile)}}));
        if (PiHostname::isSet(m_config.rootDirectory, name))
            return (void)m_client.sendReply(
                Protocol::Reply::success(request.id, {{u"changed"_s, false}, {u"hostname"_s, name}}));
        if (m_config.hostnameCommand.isEmpty() && m_config.rootDirectory != u"/") {
            // A fixture's root (the virtual rack, tests): its files, never this machine's name.
            QStringList changed;
            QString error;
            if (!PiHostname::apply(m_config.rootDirectory, name, &changed, &error))
                return fail(ErrorCode::CommandFailed, error);
            qCInfo(lcAgent).noquote() << "this node is called" << name << "now";
            return (void)m_client.sendReply(Protocol::Reply::success(request.id,
                {{u"changed"_s, true}, {u"hostname"_s, name},
                    {u"what"_s, QJsonArray::fromStringList(changed)}}));
        }
        spec = {actionText,
            m_config.hostnameCommand.isEmpty()
                ? m_config.systemdHostnameCommand(QCoreApplication::applicationFilePath())
                : m_config.hostnameCommand,
            std::chrono::milliseconds(30000)};
        extra = {name};
        break;
    }
    case NodeAction::Reboot:
    case NodeAction::Shutdown:
        spec = {actionText, *action == NodeAction::Reboot ? m_config.rebootCommand : m_config.shutdownCommand,
            std::chrono::milliseconds(30000)};
        break;
    case NodeAction::Run: {
        const QString name = request.params.value(u"command"_s).toString();
        if (!m_config.commands.contains(name))
            return fail(
                ErrorCode::NotFound, u"this node has no command \"%1\" in its agent.conf"_s.arg(name));
        spec = m_config.commands.value(name);
        for (const QJsonValue &value : request.params.value(u"args"_s).toArray())
            extra.append(value.toString()); // passed as separate, literal arguments: never to a shell
        QString problem;
        if (!spec.acceptsArguments(extra, &problem))
            return fail(ErrorCode::BadRequest, problem);
        break;
    }
    }
    // A node runs a few commands at a time; reboot and shutdown always get through.
    if (*action == NodeAction::Run && m_runningCommands >= MaximumConcurrentCommands)
        return fail(ErrorCode::TooManyRequests,
            u"%1 commands are running on this node already; try again when one has finished"_s.arg(
                m_runningCommands));
    spec.passEnvironment = m_config.passEnvironment;
    auto *runner = new CommandRunner(this);
    const qint64 id = request.id;
    ++m_runningCommands;
    const QString hostname = *action == NodeAction::SetHostname ? extra.value(0) : QString();
    connect(
        runner, &CommandRunner::finished, this, [this, runner, id, hostname](const CommandResult &result) {
            --m_runningCommands;
            QJsonObject answer = result.toJson();
            if (!hostname.isEmpty() && result.succeeded()) {
                qCInfo(lcAgent).noquote() << "this node is called" << hostname << "now";
                answer.insert(u"changed"_s, true);
                answer.insert(u"hostname"_s, hostname);
            }
            if (result.succeeded())
                m_client.sendReply(Protocol::Reply::success(id, answer));
            else
                m_client.sendReply(Protocol::Reply::failure(id, Protocol::ErrorCode::CommandFailed,
                    result.error.isEmpty() ? u"%1 exited with %2"_s.arg(result.name).arg(result.exitCode)
                                           : result.error,
                    answer));
            runner->deleteLater();
        });
    runner->start(spec, extra);
}

AgentJoin::AgentJoin(AgentConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{
    const auto finish = [this](int result, const QString &message) {
        if (m_done)
            return;
        m_done = true;
        m_client.disconnectFromRack();
        Q_EMIT finished(result, message);
    };
    connect(&m_client, &RackClient::ready, this, [this, finish](const Protocol::Welcome &welcome) {
        if (welcome.credential.isEmpty())
            return finish(Refused, u"rackd accepted the join but issued no credential"_s);
        const Enrollment enrollment {m_join.host, m_join.port, m_join.fingerprint, welcome.credential};
        QString error;
        if (!enrollment.save(m_config.credentialFile, &error))
            return finish(Refused, error);
        finish(Joined,
            u"joined the rack at %1:%2 as %3; credential saved in %4"_s.arg(m_join.host)
                .arg(m_join.port)
                .arg(welcome.tokenName, m_config.credentialFile));
    });
    connect(&m_client, &RackClient::disconnected, this, [finish](const QString &code, const QString &reason) {
        if (code == u"fingerprint_mismatch" || code == u"untrusted" || code == u"tls")
            finish(Untrusted, u"refusing to join: %1"_s.arg(reason));
        else if (code == Protocol::ErrorCode::Unauthenticated || code == Protocol::ErrorCode::BadMessage
            || code == Protocol::ErrorCode::Conflict || code == Protocol::ErrorCode::BadRequest
            || code == Protocol::ErrorCode::TooManyRequests)
            finish(Refused, u"rackd refused the join: %1"_s.arg(reason));
        else
            finish(ConnectionFailed, u"cannot reach rackd: %1"_s.arg(reason));
    });
}

void AgentJoin::run(const JoinString &join)
{
    m_join = join;
    const auto refuse = [this](const QString &message) {
        m_done = true;
        QMetaObject::invokeMethod(
            this, [this, message] { Q_EMIT finished(Refused, message); }, Qt::QueuedConnection);
    };
    // Where the credential goes must be usable before the join spends a use of the secret: rackd
    // remembers a node that joined, and the same MAC is then refused until an operator makes a
    // --replace secret. On a fresh Pi the folder does not exist yet (systemd makes it for the
    // service, which has not run).
    QString problem;
    if (!prepareCredentialFolder(m_config.credentialFile, &problem))
        return refuse(problem);
    const NodeIdentity identity = SystemReader(m_config.rootDirectory).identity(m_config.interfaceName);
    if (identity.mac.isEmpty())
        return refuse(u"no network interface with a MAC address was found"_s);
    RackClient::Options options;
    options.host = join.host;
    options.port = join.port;
    options.pinnedFingerprint = join.fingerprint; // pinned before the secret is sent
    options.joinSecret = join.secret;
    options.software = u"rack-agent " PIRACK_VERSION_STRING ""_s;
    options.agentIdentity = agentHelloIdentity(identity);
    options.localAddress = m_config.bindAddress;
    m_client.connectToRack(options);
}
