// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackctl.h"

#include "system/printable.h"

#include "installprinter.h"
#include "protocol/dhcpscriptmessage.h"
#include "protocol/tlsidentity.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace {

QString usageText()
{
    return u"Usage: rackctl [--host H] [--port P] [--token-file F] [--trust-fingerprint SHA256:...] [--json] "
           u"COMMAND\n"
           "Commands:\n"
           "  status                            the rack, its stacks and their relays\n"
           "  power on|off|cycle STACK...|all   switch stacks (on all: staggered)\n"
           "  power graceful-off STACK...|all [--timeout S] [--force-after S]\n"
           "                                    shut the Pis down, then cut; --force-after cuts even if some "
           "hang\n"
           "  token create NAME --role R        R is viewer, operator or admin; prints the token once\n"
           "  token list | token revoke NAME\n"
           "  audit [--last N]                  who did what, newest last\n"
           "  fingerprint                       the fingerprint the rack presents\n"
           "  nodes                             the nodes with their state and last metrics\n"
           "  join create [--ttl T] [--uses N] [--replace MAC]  a join string for new nodes (--replace: for "
           "one "
           "node that joined before, keeping its place); T like 90s, 30m, 1h, 7d "
           "(default 1h, 1 use)\n"
           "  node assign MAC STACK SLOT        place a joined node in the rack\n"
           "  node rename MAC NAME              give a placed node another host name (its reservation "
           "follows)\n"
           "  exec ping|identify|reboot|shutdown TARGET\n"
           "                                    TARGET: a MAC or name, stack:N, or all (ping: does its\n"
           "                                    agent answer?)\n"
           "  exec COMMAND TARGET [ARGS...]             a command named in the nodes' agent.conf\n"
           "                                            (also: exec run COMMAND TARGET [ARGS...])\n"
           "  install start [STACK...|all] [--stack-timeout S]\n"
           "                                    the staged install: every stack off, then one by one on\n"
           "                                    to learn its Pis' MACs; fixed addresses; power on; verify\n"
           "  install status [--follow]         where the install is, its anomalies and its report\n"
           "  install retry|skip|accept         answer a stack that waits for a decision\n"
           "  install add-mac MAC               add a Pi the DHCP server did not report (then accept)\n"
           "  install confirm | install decline [REASON]\n"
           "                                    manual relays: the stack was (or cannot be) plugged in/out\n"
           "  install abort                     stop; before the reservations are written, every\n"
           "                                    stack of the install is switched off\n"
           "  install replace STACK SLOT        a Pi was replaced: give the new MAC the slot's name and\n"
           "                                    address (the stack is power-cycled)\n"
           "  inventory [--format F]            the placed nodes for other tools; F is ansible,\n"
           "                                    ansible-yaml, hosts, mpi or json\n"
           "  dhcp-event add|old|del MAC IP [HOST]      tell rackd a Pi asked for an address (what\n"
           "                                            dnsmasq's --dhcp-script=pirack-dhcp-script does;\n"
           "                                            local socket --dhcp-socket, no token)\n"
           "Install commands that start something follow it until it is done or waits for someone\n"
           "(--no-wait: return at once).\n"
           "The token comes from --token-file or the PIRACK_TOKEN environment variable.\n"_s;
}

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
        const std::optional<bool> answer = m_prompt ? m_prompt(question) : std::nullopt;
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

int Rackctl::exitCodeFor(const QString &errorCode) const
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
    const QCommandLineOption help({u"h"_s, u"help"_s}, u"help"_s);
    parser.addOptions({host, port, tokenFile, trust, knownRacks, json, role, last, ttl, uses, replace,
        gracefulTimeout, forceAfter, dhcpSocket, stackTimeout, noWait, follow, format, help});
    const auto usage = [this](const QString &message) {
        m_err << "rackctl: " << message << '\n' << usageText();
        finish(Usage);
    };
    if (!parser.parse(QStringList {u"rackctl"_s} + arguments)) // the parser expects the program name first
        return usage(parser.errorText());
    if (parser.isSet(help)) {
        m_out << usageText();
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
    const QString sub0 = m_command.value(1);
    static const QStringList followedInstallCommands {
        u"start"_s, u"retry"_s, u"skip"_s, u"accept"_s, u"confirm"_s, u"decline"_s, u"replace"_s};
    m_follow = !m_json
        && (parser.isSet(follow) || (followedInstallCommands.contains(sub0) && !parser.isSet(noWait)));
    const uint portNumber = parser.value(port).toUInt(&ok);
    if (!ok || portNumber == 0 || portNumber > 65535)
        return usage(u"--port takes a number from 1 to 65535"_s);

    const QString verb = m_command.value(0);
    const QString sub = m_command.value(1);
    if (verb == u"dhcp-event") {
        if (m_command.size() < 2)
            return usage(u"dhcp-event takes add|old|del MAC IP [HOSTNAME]"_s);
        return sendDhcpEvent(m_command.mid(1), parser.value(dhcpSocket));
    }
    const bool known = (verb == u"status" && m_command.size() == 1)
        || (verb == u"fingerprint" && m_command.size() == 1) || (verb == u"audit" && m_command.size() == 1)
        || (verb == u"power" && m_command.size() >= 3
            && QStringList {u"on"_s, u"off"_s, u"cycle"_s, u"graceful-off"_s}.contains(sub))
        || (verb == u"token" && sub == u"create" && m_command.size() == 3 && !m_tokenRole.isEmpty())
        || (verb == u"token" && sub == u"list" && m_command.size() == 2)
        || (verb == u"token" && sub == u"revoke" && m_command.size() == 3)
        || (verb == u"nodes" && m_command.size() == 1) || (verb == u"install" && sub == u"start")
        || (verb == u"install"
            && QStringList {u"status"_s, u"retry"_s, u"skip"_s, u"accept"_s, u"abort"_s, u"confirm"_s}
                   .contains(sub)
            && m_command.size() == 2)
        || (verb == u"install" && sub == u"decline" && m_command.size() <= 3)
        || (verb == u"install" && sub == u"add-mac" && m_command.size() == 3)
        || (verb == u"install" && sub == u"replace" && m_command.size() == 4)
        || (verb == u"inventory" && m_command.size() == 1)
        || (verb == u"join" && sub == u"create" && m_command.size() == 2)
        || (verb == u"node" && sub == u"assign" && m_command.size() == 5)
        || (verb == u"node" && sub == u"rename" && m_command.size() == 4)
        || (verb == u"exec"
            && QStringList {u"ping"_s, u"identify"_s, u"reboot"_s, u"shutdown"_s}.contains(sub)
            && m_command.size() == 3)
        || (verb == u"exec" && sub == u"run" && m_command.size() >= 4)
        || (verb == u"exec"
            && !QStringList {u"ping"_s, u"identify"_s, u"reboot"_s, u"shutdown"_s, u"run"_s}.contains(sub)
            && m_command.size() >= 3);
    if (!known)
        return usage(m_command.isEmpty() ? u"no command given"_s
                                         : u"cannot understand '%1'"_s.arg(m_command.join(u' ')));

    m_options.host = parser.value(host);
    m_options.port = quint16(portNumber);
    m_options.software = u"rackctl " PIRACK_VERSION_STRING ""_s;
    if (parser.isSet(tokenFile)) {
        QFile file(parser.value(tokenFile));
        if (!file.open(QIODevice::ReadOnly)) {
            m_err << "rackctl: cannot read the token file " << file.fileName() << ": " << file.errorString()
                  << '\n';
            return finish(Usage);
        }
        if (file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther))
            m_err << "rackctl: warning: " << file.fileName() << " is readable by others; chmod 600 it\n";
        m_options.token = QString::fromUtf8(file.readLine(4096)).trimmed();
    } else {
        m_options.token = qEnvironmentVariable("PIRACK_TOKEN");
    }
    if (m_options.token.isEmpty() && verb != u"fingerprint")
        return usage(u"no token: give --token-file FILE or set PIRACK_TOKEN"_s);
    if (m_options.token.isEmpty())
        m_options.token = u"-"_s; // fingerprint never gets as far as sending it

    m_pins = PinStore(parser.value(knownRacks));
    QString error;
    if (!m_pins.load(&error)) {
        m_err << "rackctl: " << error << '\n';
        return finish(Untrusted);
    }
    QString pin = m_pins.fingerprint(m_options.host, m_options.port);
    if (parser.isSet(trust)) {
        const std::optional<QString> given = normalizeFingerprint(parser.value(trust));
        if (!given)
            return usage(u"--trust-fingerprint takes SHA256: and 64 hex digits"_s);
        if (!pin.isEmpty() && pin != *given) {
            m_err << "rackctl: " << m_options.host << ':' << m_options.port << " is already trusted with "
                  << pin << ", not " << *given << "; refusing to replace a pin silently\n";
            return finish(Untrusted);
        }
        if (pin.isEmpty())
            m_pinAfterSuccess = true;
        pin = *given;
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
    const QString verb = m_command.value(0);
    const QString sub = m_command.value(1);
    QString method;
    QJsonObject params;
    if (verb == u"status") {
        method = u"status"_s;
    } else if (verb == u"power") {
        method = u"power"_s;
        params.insert(u"action"_s, sub);
        if (sub == u"graceful-off") {
            params.insert(u"timeout_s"_s, m_gracefulTimeout);
            params.insert(u"force"_s, m_force);
            m_err << "rackctl: shutting the Pis down, then cutting power (waiting up to " << m_gracefulTimeout
                  << " s)" << Qt::endl;
        }
        const QStringList targets = m_command.mid(2);
        if (targets == QStringList {u"all"_s}) {
            params.insert(u"stacks"_s, u"all"_s);
        } else {
            QJsonArray stacks;
            for (const QString &target : targets) {
                bool ok = false;
                const int id = target.toInt(&ok);
                if (!ok) {
                    m_err << "rackctl: '" << target << "' is not a stack id (or 'all')\n";
                    return finish(Usage);
                }
                stacks.append(id);
            }
            params.insert(u"stacks"_s, stacks);
        }
    } else if (verb == u"token") {
        method = u"token."_s + sub;
        if (sub == u"create")
            params = {{u"name"_s, m_command.value(2)}, {u"role"_s, m_tokenRole}};
        else if (sub == u"revoke")
            params = {{u"name"_s, m_command.value(2)}};
    } else if (verb == u"nodes") {
        method = u"nodes"_s;
    } else if (verb == u"join") {
        method = u"join.create"_s;
        params = {{u"ttl_s"_s, m_joinTtl}, {u"uses"_s, m_joinUses}};
        if (!m_joinReplace.isEmpty())
            params.insert(u"replace"_s, m_joinReplace);
    } else if (verb == u"node" && sub == u"rename") {
        method = u"node.rename"_s;
        params = {{u"mac"_s, m_command.value(2)}, {u"name"_s, m_command.value(3)}};
    } else if (verb == u"node") {
        method = u"node.assign"_s;
        bool stackOk = false;
        bool slotOk = false;
        const int stack = m_command.value(3).toInt(&stackOk);
        const int slot = m_command.value(4).toInt(&slotOk);
        if (!stackOk || !slotOk) {
            m_err << "rackctl: STACK and SLOT are numbers\n";
            return finish(Usage);
        }
        params = {{u"mac"_s, m_command.value(2)}, {u"stack"_s, stack}, {u"slot"_s, slot}};
    } else if (verb == u"exec") {
        method = u"exec"_s;
        // "exec run NAME TARGET" or the short "exec NAME TARGET" for a named command.
        const bool builtIn = QStringList {u"ping"_s, u"identify"_s, u"reboot"_s, u"shutdown"_s}.contains(sub);
        const bool explicitRun = sub == u"run";
        const bool run = !builtIn;
        const int targetIndex = explicitRun ? 3 : 2;
        const QString commandName = explicitRun ? m_command.value(2) : sub;
        const QString target = m_command.value(targetIndex);
        QJsonValue targets = target == u"all" ? QJsonValue(u"all"_s) : QJsonValue(QJsonArray {target});
        if (target.startsWith(u"stack:"_s)) {
            bool ok = false;
            const int stack = target.mid(6).toInt(&ok);
            if (!ok) {
                m_err << "rackctl: '" << target << "' is not stack:N\n";
                return finish(Usage);
            }
            targets = QJsonObject {{u"stack"_s, stack}};
        }
        params = {{u"action"_s, run ? u"run"_s : sub}, {u"targets"_s, targets}};
        if (run) {
            params.insert(u"command"_s, commandName);
            params.insert(u"args"_s, QJsonArray::fromStringList(m_command.mid(targetIndex + 1)));
        }
        if (!m_json) {
            // Each node's answer as it comes, so a slow node does not hide the others.
            connect(&m_client, &RackClient::eventReceived, this, [this](const Protocol::Event &event) {
                if (event.name != u"exec.result")
                    return;
                const QJsonObject result = event.data.value(u"result"_s).toObject();
                // What a node sends reaches the terminal escaped: no colours, titles or cursor moves.
                const QString name = Printable::oneLine(event.data.value(u"name"_s).toString());
                m_err << "  " << name << ": "
                      << Printable::oneLine(event.data.value(u"outcome"_s).toString());
                if (event.data.contains(u"error"_s))
                    m_err << " (" << Printable::oneLine(event.data.value(u"error"_s).toString(), 4096) << ')';
                m_err << Qt::endl;
                const QString output = Printable::forTerminal(result.value(u"stdout"_s).toString());
                if (!output.isEmpty())
                    m_out << name << ": " << output << (output.endsWith(u'\n') ? "" : "\n");
            });
        }
    } else if (verb == u"install") {
        if (!installRequest(&method, &params))
            return finish(Usage);
    } else if (verb == u"inventory") {
        method = u"inventory"_s;
        params.insert(u"format"_s, m_inventoryFormat);
    } else if (verb == u"audit") {
        method = u"audit"_s;
        params.insert(u"last"_s, m_auditLast);
    } else if (verb == u"fingerprint") {
        m_out << m_client.serverFingerprint() << '\n';
        return finish(Ok);
    }
    if (verb == u"power" && !m_json) {
        // A staggered power-on takes stagger_delay per stack: show each switch as it happens.
        connect(&m_client, &RackClient::eventReceived, this, [this](const Protocol::Event &event) {
            if (event.name == u"relay.changed")
                m_err << "  stack " << event.data.value(u"stack"_s).toInt() << " switched "
                      << event.data.value(u"relay"_s).toString() << Qt::endl;
        });
        m_client.request(
            u"subscribe"_s, {{u"events"_s, QJsonArray {u"relay"_s}}}, [](const Protocol::Reply &) {});
    }
    m_client.request(method, params, [this](const Protocol::Reply &reply) { printReply(reply); });
}

bool Rackctl::installRequest(QString *method, QJsonObject *params)
{
    const QString sub = m_command.value(1);
    if (sub == u"start") {
        *method = u"install.start"_s;
        const QStringList targets = m_command.mid(2);
        if (!targets.isEmpty() && targets != QStringList {u"all"_s}) {
            QJsonArray stacks;
            for (const QString &target : targets) {
                bool ok = false;
                stacks.append(target.toInt(&ok));
                if (!ok) {
                    m_err << "rackctl: '" << target << "' is not a stack id (or 'all')\n";
                    return false;
                }
            }
            params->insert(u"stacks"_s, stacks);
        }
        if (m_stackTimeout > 0)
            params->insert(u"stack_timeout_s"_s, m_stackTimeout);
    } else if (sub == u"status") {
        *method = u"install.status"_s;
    } else if (sub == u"retry" || sub == u"skip" || sub == u"accept") {
        *method = u"install.decide"_s;
        params->insert(u"decision"_s, sub);
    } else if (sub == u"add-mac") {
        *method = u"install.add_mac"_s;
        params->insert(u"mac"_s, m_command.value(2));
    } else if (sub == u"abort") {
        *method = u"install.abort"_s;
    } else if (sub == u"confirm" || sub == u"decline") {
        *method = u"relay.confirm"_s;
        params->insert(u"done"_s, sub == u"confirm");
        if (sub == u"decline" && m_command.size() == 3)
            params->insert(u"reason"_s, m_command.value(2));
    } else if (sub == u"replace") {
        *method = u"install.replace"_s;
        bool stackOk = false;
        bool slotOk = false;
        params->insert(u"stack"_s, m_command.value(2).toInt(&stackOk));
        params->insert(u"slot"_s, m_command.value(3).toInt(&slotOk));
        if (!stackOk || !slotOk) {
            m_err << "rackctl: STACK and SLOT are numbers\n";
            return false;
        }
    }
    if (m_follow) {
        // Every step as it happens; the follower stops once the install needs someone or is over.
        connect(&m_client, &RackClient::eventReceived, this, [this](const Protocol::Event &event) {
            if (event.name == u"install.step")
                m_err << "  " << event.data.value(u"message"_s).toString() << Qt::endl;
            else if (event.name == u"install.changed" && m_followReplied
                && InstallPrinter::isSettled(event.data))
                finishFollowing();
        });
        m_client.request(
            u"subscribe"_s, {{u"events"_s, QJsonArray {u"install"_s}}}, [](const Protocol::Reply &) {});
    }
    return true;
}

void Rackctl::finishFollowingIfSettled()
{
    m_client.request(u"install.status"_s, {}, [this](const Protocol::Reply &reply) {
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
    m_client.request(u"install.status"_s, {}, [this](const Protocol::Reply &reply) {
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
    if (m_json) {
        m_out << QJsonDocument(
            reply.isError() ? QJsonObject {{u"error"_s, reply.error->toJson()}} : reply.result)
                     .toJson(QJsonDocument::Indented);
    }
    if (m_command.value(1) == u"graceful-off" && !m_json) {
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
    if (m_json)
        return finish(Ok);

    const QString verb = m_command.value(0);
    const QJsonObject &result = reply.result;
    if (verb == u"status") {
        const QJsonObject rack = result.value(u"rack"_s).toObject();
        m_out << "rack: " << rack.value(u"rows"_s).toInt() << " x " << rack.value(u"cols"_s).toInt()
              << " grid, " << rack.value(u"relay_backend"_s).toString() << " relays\n";
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
                  << (stack.value(u"busy"_s).toBool() ? " (switching)" : "") << '\n';
        }
    } else if (verb == u"power" && m_command.value(1) == u"graceful-off") {
        // printed above, with the nodes
    } else if (verb == u"power") {
        for (const QJsonValue &value : result.value(u"stacks"_s).toArray()) {
            const QJsonObject stack = value.toObject();
            m_out << "stack " << stack.value(u"id"_s).toInt() << ": " << stack.value(u"relay"_s).toString()
                  << '\n';
        }
    } else if (verb == u"token" && m_command.value(1) == u"create") {
        m_out << result.value(u"token"_s).toString() << '\n';
        m_err << "rackctl: token \"" << result.value(u"name"_s).toString() << "\" ("
              << result.value(u"role"_s).toString() << ") created; it is shown only this once\n";
    } else if (verb == u"token" && m_command.value(1) == u"list") {
        m_out << column(u"NAME"_s, 24) << column(u"ROLE"_s, 10) << "CREATED\n";
        for (const QJsonValue &value : result.value(u"tokens"_s).toArray()) {
            const QJsonObject token = value.toObject();
            m_out << column(token.value(u"name"_s).toString(), 24)
                  << column(token.value(u"role"_s).toString(), 10) << token.value(u"created"_s).toString()
                  << '\n';
        }
    } else if (verb == u"token") {
        m_out << "revoked " << result.value(u"name"_s).toString() << '\n';
    } else if (verb == u"nodes") {
        m_out << column(u"MAC"_s, 19) << column(u"NAME"_s, 12) << column(u"STACK"_s, 7)
              << column(u"SLOT"_s, 6) << column(u"STATE"_s, 9) << column(u"CPU%"_s, 7) << column(u"TEMP"_s, 7)
              << "LAST SEEN\n";
        for (const QJsonValue &value : result.value(u"nodes"_s).toArray()) {
            const QJsonObject node = value.toObject();
            const QJsonObject metrics = node.value(u"metrics"_s).toObject();
            const auto number = [](const QJsonValue &v, int decimals) {
                return v.isDouble() ? QString::number(v.toDouble(), 'f', decimals) : u"-"_s;
            };
            m_out << column(node.value(u"mac"_s).toString(), 19)
                  << column(node.value(u"name"_s).toString().isEmpty() ? u"-"_s
                                                                       : node.value(u"name"_s).toString(),
                         12)
                  << column(
                         node.contains(u"stack"_s) ? QString::number(node.value(u"stack"_s).toInt()) : u"-"_s,
                         7)
                  << column(
                         node.contains(u"slot"_s) ? QString::number(node.value(u"slot"_s).toInt()) : u"-"_s,
                         6)
                  << column(node.value(u"state"_s).toString(), 9)
                  << column(number(metrics.value(u"cpu_percent"_s), 1), 7)
                  << column(number(metrics.value(u"temperature_c"_s), 1), 7)
                  << node.value(u"last_seen"_s).toString() << '\n';
        }
    } else if (verb == u"join") {
        m_out << result.value(u"join_string"_s).toString() << '\n';
        m_err << "rackctl: on the new Pi run: rack-agent join '<the line above>' (valid until "
              << result.value(u"expires"_s).toString() << ", " << result.value(u"uses"_s).toInt()
              << " use(s))\n";
    } else if (verb == u"exec") {
        const int failed = result.value(u"failed"_s).toInt();
        m_err << "rackctl: " << result.value(u"results"_s).toArray().size() - failed << " node(s) ok, "
              << failed << " failed\n";
        return finish(failed == 0 ? Ok : CommandFailed);
    } else if (verb == u"node") {
        m_out << result.value(u"mac"_s).toString() << " is " << result.value(u"name"_s).toString()
              << " (stack " << result.value(u"stack"_s).toInt() << ", slot "
              << result.value(u"slot"_s).toInt() << ", " << result.value(u"address"_s).toString() << ")\n";
        if (result.contains(u"warning"_s))
            m_err << "rackctl: " << result.value(u"warning"_s).toString() << '\n';
    } else if (verb == u"install" && m_command.value(1) == u"add-mac") {
        InstallPrinter::print(m_out, result);
    } else if (verb == u"install" && (m_command.value(1) == u"confirm" || m_command.value(1) == u"decline")) {
        m_err << "rackctl: stack " << result.value(u"stack"_s).toInt() << ": "
              << (result.value(u"confirmed"_s).toBool() ? "confirmed" : "declined") << Qt::endl;
        if (m_follow) {
            m_followReplied = true;
            return finishFollowingIfSettled();
        }
    } else if (verb == u"install") {
        if (m_follow && !InstallPrinter::isSettled(result)) {
            m_followReplied = true;
            m_err << "rackctl: " << InstallPrinter::nextStepHint(result) << " (following; Ctrl-C stops "
                  << "following, not the install)" << Qt::endl;
            return;
        }
        InstallPrinter::print(m_out, result);
        return finish(m_follow ? installExitCode(result) : Ok);
    } else if (verb == u"inventory") {
        m_out << result.value(u"content"_s).toString();
    } else if (verb == u"audit") {
        for (const QJsonValue &value : result.value(u"entries"_s).toArray()) {
            const QJsonObject entry = value.toObject();
            m_out << entry.value(u"time"_s).toString() << "  "
                  << column(entry.value(u"token"_s).toString(), 12)
                  << column(entry.value(u"source"_s).toString(), 22)
                  << column(entry.value(u"request"_s).toString(), 14)
                  << QJsonDocument(entry.value(u"params"_s).toObject()).toJson(QJsonDocument::Compact)
                  << "  -> " << entry.value(u"result"_s).toString() << '\n';
        }
    }
    finish(Ok);
}
