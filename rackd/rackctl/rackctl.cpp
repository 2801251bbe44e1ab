// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackctl.h"

#include "command.h"

#include "system/printable.h"

#include "client/clientcredentials.h"
#include "client/connectlink.h"
#include "client/savedracks.h"
#include "installprinter.h"
#include "protocol/dhcpscriptmessage.h"
#include "protocol/eventwording.h"
#include "protocol/tlsidentity.h"
#include "savedrackcommands.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace {

// "90s", "30m", "1h", "7d" or plain seconds.
std::optional<int> parseDuration(const QString &text)
{
    static const QHash<QChar, int> units {{u's', 1}, {u'm', 60}, {u'h', 3600}, {u'd', 86400}};
    const QString trimmed = text.trimmed().toLower();
    const int unit = trimmed.isEmpty() ? 1 : units.value(trimmed.back(), 0);
    bool ok = false;
    const qint64 amount = (unit ? trimmed.chopped(1) : trimmed).toLongLong(&ok);
    if (!ok || amount < 0 || amount * (unit ? unit : 1) > 30LL * 86400)
        return std::nullopt;
    return int(amount * (unit ? unit : 1));
}

QString column(const QString &text, int width) { return text.leftJustified(width); }

} // namespace

Rackctl::Rackctl(QTextStream &out, QTextStream &err, Prompt prompt, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
    , m_prompt(std::move(prompt))
{
    connect(&m_client, &RackClient::ready, this, [this] {
        if (m_pinAfterSuccess) {
            QString error;
            if (!m_pins.pin(m_options.host, m_options.port, m_client.serverFingerprint(), &error))
                m_err << "rackctl: warning: " << error << '\n';
        }
        execute();
    });
    connect(&m_client, &RackClient::untrustedServer, this, [this](const QString &fingerprint) {
        if (m_command.value(0) == u"fingerprint") {
            m_out << fingerprint << '\n';
            finish(Ok);
            return;
        }
        const QString question
            = u"The rack at %1:%2 presents the certificate fingerprint\n  %3\nCompare it with "
              "'rackd --fingerprint' on the master. Trust this rack from now on? [y/N] "_s.arg(m_options.host)
                  .arg(m_options.port)
                  .arg(fingerprint);
        // A completion never asks: the person is typing a command, not answering.
        const std::optional<bool> answer
            = m_prompt && m_completion.isEmpty() ? m_prompt(question) : std::nullopt;
        if (!answer) {
            m_err
                << "rackctl: the rack at " << m_options.host << ':' << m_options.port
                << " is not trusted yet and nobody can be asked.\nIts fingerprint is " << fingerprint
                << "; if it matches 'rackd --fingerprint' on the master, run again with --trust-fingerprint "
                << fingerprint << '\n';
            finish(Untrusted);
            return;
        }
        if (!*answer) {
            m_err << "rackctl: not trusted; nothing was sent\n";
            finish(Untrusted);
            return;
        }
        m_pinAfterSuccess = true;
        m_replacingConnection = true; // the untrusted connection's end is expected, not a failure
        QTimer::singleShot(0, this, [this, fingerprint] { connectWithPin(fingerprint); });
    });
    connect(&m_client, &RackClient::fingerprintMismatch, this,
        [this](const QString &pinned, const QString &presented) {
            if (m_command.value(0) == u"fingerprint")
                m_out << presented << '\n';
            m_err
                << "rackctl: WARNING: THE RACK'S IDENTITY HAS CHANGED.\n"
                << "  " << m_options.host << ':' << m_options.port << " presents " << presented << "\n  but "
                << pinned << " is trusted for it.\n"
                << "  Someone may be intercepting the connection, or rackd's state directory was replaced.\n"
                << "  Nothing was sent. If the change is expected, remove the entry from "
                << PinStore::defaultPath() << " and trust the new fingerprint.\n";
            finish(Untrusted);
        });
    connect(&m_client, &RackClient::disconnected, this, [this](const QString &code, const QString &reason) {
        if (m_finished || m_replacingConnection)
            return;
        m_err << "rackctl: " << reason << '\n';
        finish(code == u"connection"_s || code.isEmpty() ? ConnectionFailed : exitCodeFor(code));
    });
}

int Rackctl::exitCodeFor(const QString &errorCode)
{
    if (errorCode == Protocol::ErrorCode::Unauthenticated || errorCode == Protocol::ErrorCode::Forbidden)
        return NotAllowed;
    if (errorCode == u"untrusted" || errorCode == u"fingerprint_mismatch" || errorCode == u"tls")
        return Untrusted;
    if (errorCode == u"connection" || errorCode == u"disconnected")
        return ConnectionFailed;
    return CommandFailed;
}

void Rackctl::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_out.flush();
    m_err.flush();
    m_client.disconnectFromRack();
    Q_EMIT finished(exitCode);
}

QString Rackctl::defaultDhcpSocket()
{
    return qEnvironmentVariable("PIRACK_DHCP_SOCKET", u"/run/pirack/dhcp-events.sock"_s);
}

void Rackctl::sendDhcpEvent(const QStringList &arguments, const QString &socketPath)
{
    const QString action = arguments.value(0);
    if (action != u"add" && action != u"old" && action != u"del")
        return finish(Ok); // init, tftp, arp-add ...: nothing rackd needs, and never an error for dnsmasq
    auto *socket = new QLocalSocket(this);
    auto *deadline = new QTimer(socket);
    const auto fail = [this, socket](int code, const QString &message) {
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
        m_err << "rackctl: " << message << '\n';
        finish(code);
    };
    connect(socket, &QLocalSocket::connected, socket, [socket, arguments] {
        // dnsmasq's environment says whether an "old" is a Pi asking again or only a re-announcement;
        // rackd decides (DhcpEventParser) from the few variables passed on.
        socket->write(DhcpScriptMessage::fromScript(arguments).toLine());
    });
    connect(socket, &QLocalSocket::readyRead, this, [this, socket, fail] {
        if (!socket->canReadLine())
            return;
        const QString answer = QString::fromUtf8(socket->readLine(4096)).trimmed();
        if (answer != u"ok")
            return fail(
                CommandFailed, u"rackd refused the DHCP event: "_s + answer.mid(answer.indexOf(u' ') + 1));
        socket->disconnect(this);
        socket->deleteLater();
        finish(Ok);
    });
    connect(socket, &QLocalSocket::errorOccurred, this, [socket, socketPath, fail] {
        fail(ConnectionFailed,
            u"cannot reach rackd's DHCP socket %1: %2"_s.arg(socketPath, socket->errorString()));
    });
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this, [fail, socketPath] {
        fail(ConnectionFailed, u"rackd did not answer on %1 within 10 s"_s.arg(socketPath));
    });
    deadline->start(10000);
    socket->connectToServer(socketPath);
}

void Rackctl::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const QCommandLineOption host(
        u"host"_s, u"rackd's host"_s, u"host"_s, qEnvironmentVariable("PIRACK_HOST", u"localhost"_s));
    const QCommandLineOption port(u"port"_s, u"rackd's port"_s, u"port"_s, u"7420"_s);
    const QCommandLineOption tokenFile(u"token-file"_s, u"file holding the token"_s, u"file"_s);
    const QCommandLineOption trust(u"trust-fingerprint"_s, u"trust this fingerprint"_s, u"fingerprint"_s);
    const QCommandLineOption knownRacks(
        u"known-racks"_s, u"file of trusted racks"_s, u"file"_s, PinStore::defaultPath());
    const QCommandLineOption json(u"json"_s, u"print JSON"_s);
    const QCommandLineOption role(u"role"_s, u"role of a new token"_s, u"role"_s);
    const QCommandLineOption last(u"last"_s, u"number of audit entries"_s, u"n"_s, u"20"_s);
    const QCommandLineOption ttl(
        u"ttl"_s, u"lifetime of a join secret (90s, 30m, 1h, 7d)"_s, u"duration"_s, u"1h"_s);
    const QCommandLineOption gracefulTimeout(
        u"timeout"_s, u"graceful-off: how long to wait for the Pis"_s, u"seconds"_s, u"120"_s);
    const QCommandLineOption forceAfter(
        u"force-after"_s, u"graceful-off: cut power anyway after this long"_s, u"seconds"_s);
    const QCommandLineOption uses(u"uses"_s, u"how many nodes may join with it"_s, u"n"_s, u"1"_s);
    const QCommandLineOption replace(
        u"replace"_s, u"join create: a secret for re-joining this node (a re-installed Pi)"_s, u"mac"_s);
    const QCommandLineOption dhcpSocket(
        u"dhcp-socket"_s, u"rackd's local DHCP socket"_s, u"path"_s, defaultDhcpSocket());
    const QCommandLineOption stackTimeout(
        u"stack-timeout"_s, u"install: how long one stack may take"_s, u"seconds"_s);
    const QCommandLineOption noWait(u"no-wait"_s, u"install: return at once"_s);
    const QCommandLineOption follow(u"follow"_s, u"install status: follow the install"_s);
    const QCommandLineOption format(u"format"_s, u"inventory format"_s, u"format"_s, u"json"_s);
    const QCommandLineOption count(u"count"_s, u"events: stop after this many"_s, u"n"_s, u"0"_s);
    const QCommandLineOption reason(u"reason"_s, u"maintenance on: why, for everyone who looks"_s, u"text"_s);
    const QCommandLineOption rack(u"rack"_s, u"a saved rack (rackctl rack list)"_s, u"name"_s);
    const QCommandLineOption link(u"link"_s, u"token create: print a connect link"_s);
    const QCommandLineOption linkHost(
        u"link-host"_s, u"token create --link: the host the link names"_s, u"host"_s);
    const QCommandLineOption tokenInFile(u"token-in-file"_s, u"rack add: keep the token in tokens.json"_s);
    const QCommandLineOption help({u"h"_s, u"help"_s}, u"help"_s);
    const QCommandLineOption version({u"v"_s, u"version"_s}, u"version"_s);
    parser.addOptions({host, port, tokenFile, trust, knownRacks, json, role, last, ttl, uses, replace,
        gracefulTimeout, forceAfter, dhcpSocket, stackTimeout, noWait, follow, format, count, reason, rack,
        link, linkHost, tokenInFile, help, version});
    const auto usage = [this](const QString &message) { usageError(message); };
    if (!parser.parse(QStringList {u"rackctl"_s} + arguments)) // the parser expects the program name first
        return usage(parser.errorText());
    if (parser.isSet(help)) {
        m_out << usageText();
        return finish(Ok);
    }
    if (parser.isSet(version)) {
        m_out << "rackctl " PIRACK_VERSION_STRING "\n";
        return finish(Ok);
    }
    m_command = parser.positionalArguments();
    m_json = parser.isSet(json);
    m_tokenRole = parser.value(role);
    bool ok = false;
    m_auditLast = parser.value(last).toInt(&ok);
    if (!ok || m_auditLast < 1)
        return usage(u"--last takes a positive number"_s);
    const std::optional<int> joinTtl = parseDuration(parser.value(ttl));
    if (!joinTtl || *joinTtl < 60)
        return usage(u"--ttl takes a duration of at least a minute, such as 90s, 30m, 1h or 7d"_s);
    m_joinTtl = *joinTtl;
    m_gracefulTimeout = parser.value(parser.isSet(forceAfter) ? forceAfter : gracefulTimeout).toDouble(&ok);
    if (!ok || m_gracefulTimeout <= 0)
        return usage(u"--timeout and --force-after take a number of seconds"_s);
    m_force = parser.isSet(forceAfter);
    m_joinReplace = parser.value(replace).toLower();
    m_joinUses = parser.value(uses).toInt(&ok);
    if (!ok || m_joinUses < 1)
        return usage(u"--uses takes a positive number"_s);
    if (parser.isSet(stackTimeout)) {
        m_stackTimeout = parser.value(stackTimeout).toDouble(&ok);
        if (!ok || m_stackTimeout < 1 || m_stackTimeout > 3600)
            return usage(u"--stack-timeout takes a number of seconds from 1 to 3600"_s);
    }
    m_inventoryFormat = parser.value(format);
    m_maintenanceReason = parser.value(reason);
    m_eventCount = parser.value(count).toInt(&ok);
    if (!ok || m_eventCount < 0)
        return usage(u"--count takes a number of events (0: until Ctrl-C)"_s);
    const uint portNumber = parser.value(port).toUInt(&ok);
    if (!ok || portNumber == 0 || portNumber > 65535)
        return usage(u"--port takes a number from 1 to 65535"_s);

    if (m_command.value(0) == u"__complete") { // bash completion (resources/completion/rackctl)
        // A completion must never leave the shell waiting: the keychain, the connection and rackd's
        // answer have 3 s together; what has not come by then is left out.
        QTimer::singleShot(3000, this, [this] { finish(ConnectionFailed); });
        const std::optional<QStringList> words = completionWords(m_command.mid(1), &m_completion);
        if (words) {
            for (const QString &word : *words)
                m_out << word << '\n';
            return finish(Ok);
        }
        if (m_completion == u"racks")
            return completeFromRack();
        m_selected = match({u"status"_s}); // connects like any command, then asks what completion needs
        m_command = QStringList {u"status"_s};
    }
    if (SavedRackCommands::handles(m_command)) {
        m_rackCommands = new SavedRackCommands(m_out, m_err, SavedRacks::defaultPath(), &m_keyring, this);
        connect(m_rackCommands, &SavedRackCommands::finished, this, &Rackctl::finish);
        connect(m_rackCommands, &SavedRackCommands::usageError, this, &Rackctl::usageError);
        return m_rackCommands->run(m_command,
            {parser.value(knownRacks), parser.isSet(tokenInFile), m_json,
                u"rackctl " PIRACK_VERSION_STRING ""_s});
    }
    if (m_command.value(0) == u"dhcp-event") {
        if (m_command.size() < 2)
            return usage(u"dhcp-event takes add|old|del MAC IP [HOSTNAME]"_s);
        return sendDhcpEvent(m_command.mid(1), parser.value(dhcpSocket));
    }
    m_selected = match(m_command);
    const QStringList commandArguments = m_selected ? m_command.mid(m_selected->words.size()) : QStringList();
    if (!m_selected || !m_selected->accepts(int(commandArguments.size()))) {
        if (m_command.isEmpty())
            return usage(u"no command given"_s);
        QStringList shown = m_command;
        for (QString &word : shown) {
            if (word.startsWith(u"pirack://"_s, Qt::CaseInsensitive))
                word = u"pirack://…"_s; // a connect link carries a token: never repeated
        }
        const QString what = u"cannot understand '%1'"_s.arg(Printable::oneLine(shown.join(u' '), 200));
        return usage(m_selected ? what + u": it is '"_s + m_selected->usage() + u'\'' : what);
    }
    if (m_selected->needsRole && m_tokenRole.isEmpty())
        return usage(u"cannot understand '%1': %2 needs --role viewer|operator|admin"_s.arg(
            m_command.join(u' '), m_selected->words.join(u' ')));
    m_follow = !m_json && !m_selected->followsEvents
        && (parser.isSet(follow) || (m_selected->followsInstall && !parser.isSet(noWait)));
    if (m_selected->build && !m_selected->build(this, commandArguments, &m_params))
        return finish(Usage);
    const QString verb = m_command.value(0);

    m_link = parser.isSet(link);
    m_linkHost = parser.value(linkHost).trimmed();
    if ((m_link || !m_linkHost.isEmpty()) && !(m_selected->method == Protocol::Method::TokenCreate))
        return usage(u"--link and --link-host go with 'token create'"_s);
    if (!m_linkHost.isEmpty() && !ConnectLink::isHost(m_linkHost))
        return usage(u"--link-host takes a host name or an address, not '%1'"_s.arg(
            Printable::oneLine(m_linkHost, 100)));
    m_link = m_link || !m_linkHost.isEmpty();

    // Where to: --host (or PIRACK_HOST) as given; otherwise --rack, or the current saved rack; otherwise
    // this machine's rackd.
    const bool hostGiven = parser.isSet(host) || qEnvironmentVariableIsSet("PIRACK_HOST");
    if (hostGiven && parser.isSet(rack))
        return usage(u"--host and --rack both name a rack: give one of them"_s);
    std::optional<SavedRack> saved;
    if (!hostGiven) {
        SavedRacks racks;
        QString error;
        if (!racks.load(&error)) {
            m_err << "rackctl: " << error << '\n';
            return finish(CommandFailed);
        }
        const QString name = parser.isSet(rack) ? parser.value(rack) : racks.current();
        if (!name.isEmpty() && !(saved = racks.find(name)))
            return usage(u"there is no saved rack called \"%1\" ('rackctl rack list' shows them)"_s.arg(
                Printable::oneLine(name, 100)));
        if (saved && parser.isSet(port))
            return usage(u"--port goes with --host; a saved rack has its own"_s);
    }
    m_rackName = saved ? saved->name : QString();
    m_options.host = saved ? saved->host : parser.value(host);
    m_options.port = saved ? saved->port : quint16(portNumber);
    m_options.software = u"rackctl " PIRACK_VERSION_STRING ""_s;
    if (parser.isSet(tokenFile)) {
        QString warning;
        QString problem;
        const std::optional<QString> token
            = ClientCredentials::readTokenFile(parser.value(tokenFile), &warning, &problem);
        if (!token) {
            m_err << "rackctl: " << problem << '\n';
            return finish(Usage);
        }
        if (!warning.isEmpty())
            m_err << "rackctl: warning: " << warning << '\n';
        m_options.token = *token;
    } else {
        m_options.token = qEnvironmentVariable("PIRACK_TOKEN");
    }
    m_pins = PinStore(parser.value(knownRacks));
    m_trustFingerprint = parser.value(trust);
    if (m_options.token.isEmpty() && saved && verb != u"fingerprint") {
        // The token the app or 'rackctl rack add' stored for this rack.
        m_keyring.read(saved->key(), [this, name = saved->name](const TokenKeyring::ReadResult &result) {
            if (!result.token) {
                m_err << "rackctl: no token is stored for the rack \"" << name << '"'
                      << (result.error.isEmpty() ? QString() : u" ("_s + result.error + u')')
                      << ": add it again from a connect link ('rackctl rack add NAME LINK'), or give "
                         "--token-file\n";
                return finish(NotAllowed);
            }
            m_options.token = *result.token;
            connectToTarget();
        });
        return;
    }
    if (m_options.token.isEmpty() && verb != u"fingerprint")
        return usage(
            u"no token: give --token-file FILE, set PIRACK_TOKEN, or save the rack ('rackctl rack add')"_s);
    if (m_options.token.isEmpty())
        m_options.token = u"-"_s; // fingerprint never gets as far as sending it
    connectToTarget();
}

QString Rackctl::connectLink(const QString &token) const
{
    ConnectLink link;
    link.host = m_linkHost.isEmpty() ? ConnectLink::hostForLink(m_options.host) : m_linkHost;
    if (link.host != m_options.host && m_linkHost.isEmpty()) // rackctl on the master talks to itself
        m_err << "rackctl: the link names this machine as \"" << link.host
              << "\"; if the laptop reaches it another way, give --link-host\n";
    link.port = m_options.port;
    link.fingerprint = m_client.serverFingerprint();
    link.token = token;
    link.name = m_rackName;
    return link.toString();
}

void Rackctl::usageError(const QString &message)
{
    m_err << "rackctl: " << message << "\ntry 'rackctl --help'\n";
    finish(Usage);
}

void Rackctl::connectToTarget()
{
    const QString verb = m_command.value(0);
    QString error;
    if (!m_pins.load(&error)) {
        m_err << "rackctl: " << error << '\n';
        return finish(Untrusted);
    }
    QString pin = m_pins.fingerprint(m_options.host, m_options.port);
    if (!m_trustFingerprint.isEmpty()) {
        const std::optional<ClientCredentials::GivenFingerprint> given
            = ClientCredentials::checkGivenFingerprint(
                m_pins, m_options.host, m_options.port, m_trustFingerprint, &error);
        if (!given && !normalizeFingerprint(m_trustFingerprint))
            return usageError(error);
        if (!given) { // another fingerprint is pinned for this rack
            m_err << "rackctl: " << error << '\n';
            return finish(Untrusted);
        }
        m_pinAfterSuccess = given->isNew;
        pin = given->fingerprint;
    }
    connectWithPin(verb == u"fingerprint" ? QString() : pin);
}

void Rackctl::connectWithPin(const QString &pin)
{
    m_replacingConnection = false;
    m_options.pinnedFingerprint = pin;
    m_client.connectToRack(m_options);
}

void Rackctl::execute()
{
    if (!m_completion.isEmpty())
        return completeFromRack();
    if (!m_selected->method) { // fingerprint: the connection itself was the answer
        m_out << m_client.serverFingerprint() << '\n';
        return finish(Ok);
    }
    const Protocol::Method method = *m_selected->method;
    if (method == Protocol::Method::Power
        && m_params.value(u"action"_s) == Protocol::name(Protocol::PowerAction::GracefulOff))
        m_err << "rackctl: shutting the Pis down, then cutting power (waiting up to " << m_gracefulTimeout
              << " s)" << Qt::endl;
    if (method == Protocol::Method::Exec && !m_json) {
        // Each node's answer as it comes, so a slow node does not hide the others.
        connect(&m_client, &RackClient::eventReceived, this, [this](const Protocol::Event &event) {
            if (event.name != Protocol::name(Protocol::EventName::ExecResult))
                return;
            const QJsonObject result = event.data.value(u"result"_s).toObject();
            // What a node sends reaches the terminal escaped: no colours, titles or cursor moves.
            const QString name = Printable::oneLine(event.data.value(u"name"_s).toString());
            m_err << "  " << name << ": " << Printable::oneLine(event.data.value(u"outcome"_s).toString());
            if (event.data.contains(u"error"_s))
                m_err << " (" << Printable::oneLine(event.data.value(u"error"_s).toString(), 4096) << ')';
            m_err << Qt::endl;
            const QString output = Printable::forTerminal(result.value(u"stdout"_s).toString());
            if (!output.isEmpty())
                m_out << name << ": " << output << (output.endsWith(u'\n') ? "" : "\n");
        });
    }
    if (method == Protocol::Method::Power && !m_json) {
        // A staggered power-on takes stagger_delay per stack: show each switch as it happens.
        connect(&m_client, &RackClient::eventReceived, this, [this](const Protocol::Event &event) {
            if (event.name == Protocol::name(Protocol::EventName::RelayChanged))
                m_err << "  stack " << event.data.value(u"stack"_s).toInt() << " switched "
                      << event.data.value(u"relay"_s).toString() << Qt::endl;
        });
        m_client.request(Protocol::Method::Subscribe, {{u"events"_s, QJsonArray {u"relay"_s}}},
            [](const Protocol::Reply &) {});
    }
    if (m_selected->followsEvents)
        connect(&m_client, &RackClient::eventReceived, this, &Rackctl::printEvent);
    if (m_follow) {
        // Every step as it happens; the follower stops once the install needs someone or is over.
        connect(&m_client, &RackClient::eventReceived, this, [this](const Protocol::Event &event) {
            if (event.name == Protocol::name(Protocol::EventName::InstallStep))
                m_err << "  " << event.data.value(u"message"_s).toString() << Qt::endl;
            else if (event.name == Protocol::name(Protocol::EventName::InstallChanged) && m_followReplied
                && InstallPrinter::isSettled(event.data))
                finishFollowing();
        });
        m_client.request(Protocol::Method::Subscribe, {{u"events"_s, QJsonArray {u"install"_s}}},
            [](const Protocol::Reply &) {});
    }
    m_client.request(method, m_params, [this](const Protocol::Reply &reply) { printReply(reply); });
}

void Rackctl::printEvent(const Protocol::Event &event)
{
    if (m_finished)
        return;
    const QString time = QDateTime::currentDateTime().toString(Qt::ISODateWithMs);
    if (m_json) {
        m_out << QJsonDocument(
            QJsonObject {{u"time"_s, time}, {u"event"_s, event.name}, {u"data"_s, event.data}})
                     .toJson(QJsonDocument::Compact)
              << Qt::endl;
    } else {
        // One line per event, in the words the desktop uses (EventWording); what rackd relays from the
        // Pis is escaped. --json gives every field.
        const EventWording::Sentence sentence = EventWording::describe(event);
        m_out << time << ' ' << column(EventWording::severityName(sentence.severity), 9)
              << Printable::oneLine(sentence.text, 1000) << Qt::endl;
    }
    if (m_eventCount > 0 && ++m_eventsSeen >= m_eventCount)
        finish(Ok);
}

void Rackctl::finishFollowingIfSettled()
{
    m_client.request(Protocol::Method::InstallStatus, {}, [this](const Protocol::Reply &reply) {
        if (!reply.isError() && !InstallPrinter::isSettled(reply.result))
            return; // install.changed ends it
        finishFollowing();
    });
}

void Rackctl::finishFollowing()
{
    // Several install.changed events may say "settled" before the status arrives: ask once.
    if (m_finished || m_followEnding)
        return;
    m_followEnding = true;
    m_client.request(Protocol::Method::InstallStatus, {}, [this](const Protocol::Reply &reply) {
        if (reply.isError()) {
            m_err << "rackctl: " << reply.error->message << " (" << reply.error->code << ")\n";
            return finish(exitCodeFor(reply.error->code));
        }
        InstallPrinter::print(m_out, reply.result);
        finish(installExitCode(reply.result));
    });
}

int Rackctl::installExitCode(const QJsonObject &install)
{
    const QString outcome = install.value(u"outcome"_s).toString();
    if (outcome == u"failed" || outcome == u"aborted")
        return CommandFailed;
    if (outcome == u"done") {
        // "empty" was the operator's decision (a stack skipped, or accepted with no Pi): not a failure.
        for (const QJsonValue &stack : install.value(u"stacks"_s).toArray()) {
            if (const QString verdict = stack[u"verdict"_s].toString();
                verdict != u"ok" && verdict != u"empty")
                return CommandFailed;
        }
    }
    return Ok;
}

void Rackctl::printReply(const Protocol::Reply &reply)
{
    // events --json prints the events alone, one object per line, so that a script can read them.
    const bool eventsOnly = m_json && m_selected->followsEvents && !reply.isError();
    if (m_json && !eventsOnly) {
        m_out << QJsonDocument(
            reply.isError() ? QJsonObject {{u"error"_s, reply.error->toJson()}} : reply.result)
                     .toJson(QJsonDocument::Indented);
    }
    const bool graceful = m_params.value(u"action"_s) == Protocol::name(Protocol::PowerAction::GracefulOff);
    if (graceful && !m_json) {
        const QJsonObject details = reply.isError() ? reply.error->details : reply.result;
        for (const QJsonValue &value : details.value(u"stacks"_s).toArray()) {
            const QJsonObject stack = value.toObject();
            m_out << "stack " << stack.value(u"id"_s).toInt() << ": relay "
                  << stack.value(u"relay"_s).toString() << '\n';
            for (const QJsonValue &node : stack.value(u"nodes"_s).toArray())
                m_out << "  " << node.toObject().value(u"name"_s).toString() << ": "
                      << node.toObject().value(u"outcome"_s).toString() << '\n';
        }
    }
    if (reply.isError()) {
        m_err << "rackctl: " << reply.error->message << " (" << reply.error->code << ")\n";
        return finish(exitCodeFor(reply.error->code));
    }
    if (m_json && !eventsOnly)
        return finish(Ok);

    const std::optional<int> exitCode = m_selected->print ? m_selected->print(this, reply.result) : Ok;
    if (exitCode)
        finish(*exitCode);
}

std::optional<int> Rackctl::showInstall(const QJsonObject &result)
{
    if (m_follow && !InstallPrinter::isSettled(result)) {
        m_followReplied = true;
        m_err << "rackctl: " << InstallPrinter::nextStepHint(result) << " (following; Ctrl-C stops "
              << "following, not the install)" << Qt::endl;
        return std::nullopt;
    }
    InstallPrinter::print(m_out, result);
    return m_follow ? installExitCode(result) : Ok;
}

void Rackctl::printStatus(const QJsonObject &result)
{
    const QJsonObject rack = result.value(u"rack"_s).toObject();
    m_out << "rack: " << rack.value(u"rows"_s).toInt() << " x " << rack.value(u"cols"_s).toInt() << " grid, "
          << rack.value(u"relay_backend"_s).toString() << " relays\n";
    m_out << column(u"STACK"_s, 7) << column(u"ROW"_s, 5) << column(u"COL"_s, 5) << column(u"PIS"_s, 5)
          << column(u"UP"_s, 4) << column(u"RELAY"_s, 8) << "STATE\n";
    for (const QJsonValue &value : result.value(u"stacks"_s).toArray()) {
        const QJsonObject stack = value.toObject();
        m_out << column(QString::number(stack.value(u"id"_s).toInt()), 7)
              << column(QString::number(stack.value(u"row"_s).toInt()), 5)
              << column(QString::number(stack.value(u"column"_s).toInt()), 5)
              << column(QString::number(stack.value(u"pis"_s).toInt()), 5)
              << column(QString::number(stack.value(u"up"_s).toInt()), 4)
              << column(stack.value(u"relay"_s).toString(), 8) << stack.value(u"state"_s).toString()
              << (stack.value(u"busy"_s).toBool() ? " (switching)" : "") << recoveryNote(stack) << '\n';
    }
    if (rack.contains(u"maintenance"_s))
        m_out << "the whole rack is in maintenance: " << rack.value(u"maintenance"_s).toString() << '\n';
}

void Rackctl::printPowerResult(const QJsonObject &result)
{
    for (const QJsonValue &value : result.value(u"stacks"_s).toArray()) {
        const QJsonObject stack = value.toObject();
        m_out << "stack " << stack.value(u"id"_s).toInt() << ": " << stack.value(u"relay"_s).toString()
              << '\n';
    }
}

void Rackctl::printTokens(const QJsonObject &result)
{
    m_out << column(u"NAME"_s, 24) << column(u"ROLE"_s, 10) << "CREATED\n";
    for (const QJsonValue &value : result.value(u"tokens"_s).toArray()) {
        const QJsonObject token = value.toObject();
        m_out << column(token.value(u"name"_s).toString(), 24)
              << column(token.value(u"role"_s).toString(), 10) << token.value(u"created"_s).toString()
              << '\n';
    }
}

void Rackctl::printNodes(const QJsonObject &result)
{
    m_out << column(u"MAC"_s, 19) << column(u"NAME"_s, 12) << column(u"STACK"_s, 7) << column(u"SLOT"_s, 6)
          << column(u"STATE"_s, 9) << column(u"CPU%"_s, 7) << column(u"TEMP"_s, 7) << "LAST SEEN\n";
    for (const QJsonValue &value : result.value(u"nodes"_s).toArray()) {
        const QJsonObject node = value.toObject();
        const QJsonObject metrics = node.value(u"metrics"_s).toObject();
        const auto number = [](const QJsonValue &v, int decimals) {
            return v.isDouble() ? QString::number(v.toDouble(), 'f', decimals) : u"-"_s;
        };
        const auto orDash = [&node](const QString &key) {
            return node.contains(key) ? QString::number(node.value(key).toInt()) : u"-"_s;
        };
        const QString name = node.value(u"name"_s).toString();
        m_out << column(node.value(u"mac"_s).toString(), 19) << column(name.isEmpty() ? u"-"_s : name, 12)
              << column(orDash(u"stack"_s), 7) << column(orDash(u"slot"_s), 6)
              << column(node.value(u"state"_s).toString(), 9)
              << column(number(metrics.value(u"cpu_percent"_s), 1), 7)
              << column(number(metrics.value(u"temperature_c"_s), 1), 7)
              << node.value(u"last_seen"_s).toString() << recoveryNote(node) << '\n';
    }
}

QString Rackctl::recoveryNote(const QJsonObject &entry)
{
    QStringList notes;
    const QJsonObject maintenance = entry.value(u"maintenance"_s).toObject();
    if (!maintenance.isEmpty()) {
        const QString why = Printable::oneLine(maintenance.value(u"reason"_s).toString(), 80);
        notes.append(
            u"MAINTENANCE by %1%2"_s.arg(Printable::oneLine(maintenance.value(u"by"_s).toString(), 40),
                why.isEmpty() ? QString() : u": "_s + why));
    }
    const QJsonObject recovery = entry.value(u"recovery"_s).toObject();
    if (!recovery.isEmpty())
        notes.append(u"RECOVERING: %1, attempt %2 of %3 (%4)"_s.arg(recovery.value(u"phase"_s).toString())
                         .arg(recovery.value(u"attempt"_s).toInt())
                         .arg(recovery.value(u"attempts"_s).toInt())
                         .arg(Printable::oneLine(
                             recovery.value(u"nodes"_s).toVariant().toStringList().join(u", "_s), 80)));
    if (entry.contains(u"next_attempt_s"_s))
        notes.append(
            u"next recovery attempt in %1 s"_s.arg(qRound(entry.value(u"next_attempt_s"_s).toDouble())));
    const QString condition = entry.value(u"condition"_s).toString();
    if (!condition.isEmpty() && condition != u"ok")
        notes.append(condition.toUpper() + u": "_s
            + Printable::oneLine(entry.value(u"condition_reason"_s).toString(), 120));
    return notes.isEmpty() ? QString() : u"  "_s + notes.join(u"; "_s);
}

void Rackctl::printAudit(const QJsonObject &result)
{
    for (const QJsonValue &value : result.value(u"entries"_s).toArray()) {
        const QJsonObject entry = value.toObject();
        m_out << entry.value(u"time"_s).toString() << "  " << column(entry.value(u"token"_s).toString(), 12)
              << column(entry.value(u"source"_s).toString(), 22)
              << column(entry.value(u"request"_s).toString(), 14)
              << QJsonDocument(entry.value(u"params"_s).toObject()).toJson(QJsonDocument::Compact) << "  -> "
              << entry.value(u"result"_s).toString() << '\n';
    }
}
