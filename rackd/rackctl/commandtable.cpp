// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// rackctl's commands as one table: what run() matches, what --help lists, and how each becomes a
// request and shows its answer. Power and node actions come from the protocol's vocabulary.
#include "command.h"
#include "installprinter.h"
#include "savedrackcommands.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace {

// "STACK..." or "all" into a power or install request's "stacks"; false (and why) for a word that is
// not a stack id.
bool stackList(const QStringList &targets, QJsonObject *params, QTextStream &err)
{
    if (targets.isEmpty())
        return true;
    if (targets == QStringList {u"all"_s}) {
        params->insert(u"stacks"_s, u"all"_s);
        return true;
    }
    QJsonArray stacks;
    for (const QString &target : targets) {
        bool ok = false;
        const int id = target.toInt(&ok);
        if (!ok) {
            err << "rackctl: '" << target << "' is not a stack id (or 'all')\n";
            return false;
        }
        stacks.append(id);
    }
    params->insert(u"stacks"_s, stacks);
    return true;
}

// "a MAC or name", "stack:N" or "all" into exec's "targets".
bool execTargets(const QString &target, QJsonObject *params, QTextStream &err)
{
    QJsonValue targets = target == u"all" ? QJsonValue(u"all"_s) : QJsonValue(QJsonArray {target});
    if (target.startsWith(u"stack:"_s)) {
        bool ok = false;
        const int stack = target.mid(6).toInt(&ok);
        if (!ok) {
            err << "rackctl: '" << target << "' is not stack:N\n";
            return false;
        }
        targets = QJsonObject {{u"stack"_s, stack}};
    }
    params->insert(u"targets"_s, targets);
    return true;
}

bool stackAndSlot(const QString &stack, const QString &slot, QJsonObject *params, QTextStream &err)
{
    bool stackOk = false;
    bool slotOk = false;
    params->insert(u"stack"_s, stack.toInt(&stackOk));
    params->insert(u"slot"_s, slot.toInt(&slotOk));
    if (!stackOk || !slotOk)
        err << "rackctl: STACK and SLOT are numbers\n";
    return stackOk && slotOk;
}

QString powerHelp(Protocol::PowerAction action)
{
    switch (action) {
    case Protocol::PowerAction::On:
        return u"switch stacks on (several: staggered)"_s;
    case Protocol::PowerAction::Off:
        return u"cut the stacks' power"_s;
    case Protocol::PowerAction::Cycle:
        return u"off, then on again"_s;
    case Protocol::PowerAction::GracefulOff:
        return u"shut the Pis down, then cut; --force-after cuts even if some hang"_s;
    }
    return {};
}

QString execHelp(Protocol::NodeAction action)
{
    switch (action) {
    case Protocol::NodeAction::Ping:
        return u"does the agent answer? TARGET: a MAC or name, stack:N, or all"_s;
    case Protocol::NodeAction::Identify:
        return u"blink the Pis' LEDs"_s;
    case Protocol::NodeAction::Reboot:
        return u"reboot the Pis"_s;
    case Protocol::NodeAction::Shutdown:
        return u"shut the Pis down (their stack stays on)"_s;
    case Protocol::NodeAction::Run:
    case Protocol::NodeAction::SetHostname:
        break;
    }
    return {};
}

} // namespace

const QList<Rackctl::Command> &Rackctl::commands()
{
    using Protocol::Method;
    using Protocol::NodeAction;
    using Protocol::PowerAction;
    static const QList<Command> list = [] {
        QList<Command> all;
        const auto printInstall
            = [](Rackctl *self, const QJsonObject &result) { return self->showInstall(result); };

        all.append({{u"status"_s}, {}, u"the rack, its stacks and their relays"_s, 0, 0, Method::Status, {},
            [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                self->printStatus(result);
                return Ok;
            }});
        // One command per power action of the protocol.
        for (PowerAction action : Protocol::all<PowerAction>()) {
            const bool graceful = action == PowerAction::GracefulOff;
            all.append({{u"power"_s, Protocol::name(action)},
                graceful ? u"STACK...|all [--timeout S] [--force-after S]"_s : u"STACK...|all"_s,
                powerHelp(action), 1, -1, Method::Power,
                [action, graceful](Rackctl *self, const QStringList &arguments, QJsonObject *params) {
                    params->insert(u"action"_s, Protocol::name(action));
                    if (graceful) {
                        params->insert(u"timeout_s"_s, self->m_gracefulTimeout);
                        params->insert(u"force"_s, self->m_force);
                    }
                    return stackList(arguments, params, self->m_err);
                },
                [graceful](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                    if (!graceful) // graceful-off's stacks and nodes are shown with any answer
                        self->printPowerResult(result);
                    return Ok;
                }});
        }
        all.append({{u"token"_s, u"create"_s}, u"NAME --role R [--link [--link-host H]]"_s,
            u"R is viewer, operator or admin; prints the token once (--link: as a connect link for the app "
            u"or 'rackctl rack add', naming this rack as H or as rackctl reached it)"_s,
            1, 1, Method::TokenCreate,
            [](Rackctl *self, const QStringList &arguments, QJsonObject *params) {
                *params = {{u"name"_s, arguments.value(0)}, {u"role"_s, self->m_tokenRole}};
                return true;
            },
            [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                const QString token = result.value(u"token"_s).toString();
                self->m_out << (self->m_link ? self->connectLink(token) : token) << '\n';
                self->m_err << "rackctl: token \"" << result.value(u"name"_s).toString() << "\" ("
                            << result.value(u"role"_s).toString() << ") created; "
                            << (self->m_link ? "the link carries it: give it to its user only"
                                             : "it is shown only this once")
                            << '\n';
                return Ok;
            },
            true});
        all.append({{u"token"_s, u"list"_s}, {}, u"the tokens and their roles"_s, 0, 0, Method::TokenList, {},
            [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                self->printTokens(result);
                return Ok;
            }});
        all.append({{u"token"_s, u"revoke"_s}, u"NAME"_s, u"the token stops working at once"_s, 1, 1,
            Method::TokenRevoke,
            [](Rackctl *, const QStringList &arguments, QJsonObject *params) {
                *params = {{u"name"_s, arguments.value(0)}};
                return true;
            },
            [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                self->m_out << "revoked " << result.value(u"name"_s).toString() << '\n';
                return Ok;
            }});
        all.append({{u"audit"_s}, u"[--last N]"_s, u"who did what, newest last"_s, 0, 0, Method::Audit,
            [](Rackctl *self, const QStringList &, QJsonObject *params) {
                params->insert(u"last"_s, self->m_auditLast);
                return true;
            },
            [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                self->printAudit(result);
                return Ok;
            }});
        all.append({{u"fingerprint"_s}, {}, u"the fingerprint the rack presents"_s, 0, 0, std::nullopt});
        all.append({{u"nodes"_s}, {}, u"the nodes with their state and last metrics"_s, 0, 0, Method::Nodes,
            {}, [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                self->printNodes(result);
                return Ok;
            }});
        all.append({{u"join"_s, u"create"_s}, u"[--ttl T] [--uses N] [--replace MAC]"_s,
            u"a join string for new nodes (--replace: for one node that joined before, keeping its "
            u"place); T like 90s, 30m, 1h, 7d (default 1h, 1 use)"_s,
            0, 0, Method::JoinCreate,
            [](Rackctl *self, const QStringList &, QJsonObject *params) {
                *params = {{u"ttl_s"_s, self->m_joinTtl}, {u"uses"_s, self->m_joinUses}};
                if (!self->m_joinReplace.isEmpty())
                    params->insert(u"replace"_s, self->m_joinReplace);
                return true;
            },
            [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                self->m_out << result.value(u"join_string"_s).toString() << '\n';
                self->m_err << "rackctl: on the new Pi run: rack-agent join '<the line above>' (valid until "
                            << result.value(u"expires"_s).toString() << ", "
                            << result.value(u"uses"_s).toInt() << " use(s))\n";
                return Ok;
            }});
        const auto printNode = [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
            self->m_out << result.value(u"mac"_s).toString() << " is " << result.value(u"name"_s).toString()
                        << " (stack " << result.value(u"stack"_s).toInt() << ", slot "
                        << result.value(u"slot"_s).toInt() << ", " << result.value(u"address"_s).toString()
                        << ")\n";
            if (result.contains(u"warning"_s))
                self->m_err << "rackctl: " << result.value(u"warning"_s).toString() << '\n';
            return Ok;
        };
        all.append({{u"node"_s, u"assign"_s}, u"MAC STACK SLOT"_s, u"place a joined node in the rack"_s, 3, 3,
            Method::NodeAssign,
            [](Rackctl *self, const QStringList &arguments, QJsonObject *params) {
                params->insert(u"mac"_s, arguments.value(0));
                return stackAndSlot(arguments.value(1), arguments.value(2), params, self->m_err);
            },
            printNode});
        all.append({{u"node"_s, u"rename"_s}, u"MAC NAME"_s,
            u"give a placed node another host name (its reservation follows)"_s, 2, 2, Method::NodeRename,
            [](Rackctl *, const QStringList &arguments, QJsonObject *params) {
                *params = {{u"mac"_s, arguments.value(0)}, {u"name"_s, arguments.value(1)}};
                return true;
            },
            printNode});
        const auto printExec = [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
            const int failed = result.value(u"failed"_s).toInt();
            self->m_err << "rackctl: " << result.value(u"results"_s).toArray().size() - failed
                        << " node(s) ok, " << failed << " failed\n";
            return failed == 0 ? Ok : CommandFailed;
        };
        // One command per node action a person may ask for; run has a form of its own below.
        for (NodeAction action : Protocol::all<NodeAction>()) {
            if (!Protocol::isExecAction(action) || action == NodeAction::Run)
                continue;
            all.append(
                {{u"exec"_s, Protocol::name(action)}, u"TARGET"_s, execHelp(action), 1, 1, Method::Exec,
                    [action](Rackctl *self, const QStringList &arguments, QJsonObject *params) {
                        params->insert(u"action"_s, Protocol::name(action));
                        return execTargets(arguments.value(0), params, self->m_err);
                    },
                    printExec});
        }
        const auto buildRun = [](Rackctl *self, const QStringList &arguments, QJsonObject *params) {
            *params = {{u"action"_s, Protocol::name(NodeAction::Run)}, {u"command"_s, arguments.value(0)},
                {u"args"_s, QJsonArray::fromStringList(arguments.mid(2))}};
            return execTargets(arguments.value(1), params, self->m_err);
        };
        all.append({{u"exec"_s, Protocol::name(NodeAction::Run)}, u"COMMAND TARGET [ARGS...]"_s,
            u"a command named in the nodes' agent.conf"_s, 2, -1, Method::Exec, buildRun, printExec});
        all.append({{u"exec"_s}, u"COMMAND TARGET [ARGS...]"_s, u"the same, without \"run\""_s, 2, -1,
            Method::Exec, buildRun, printExec});

        for (const bool on : {true, false}) {
            all.append({{u"maintenance"_s, on ? u"on"_s : u"off"_s},
                on ? u"TARGET [--reason TEXT]"_s : u"TARGET"_s,
                on ? u"TARGET (a stack number, or a node's name or MAC) is worked on: no recovery, no alerts"_s
                   : u"TARGET is back in normal service"_s,
                1, 1, Method::Maintenance,
                [on](Rackctl *self, const QStringList &arguments, QJsonObject *params) {
                    const QString target = arguments.value(0);
                    bool number = false;
                    const int stack = target.toInt(&number);
                    if (number)
                        params->insert(u"stack"_s, stack);
                    else
                        params->insert(u"node"_s, target);
                    params->insert(u"on"_s, on);
                    if (on && !self->m_maintenanceReason.isEmpty())
                        params->insert(u"reason"_s, self->m_maintenanceReason);
                    return true;
                },
                [on](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                    self->m_out << (on ? "maintenance on" : "maintenance off") << recoveryNote(result)
                                << '\n';
                    return Ok;
                }});
        }
        all.append({{u"recovery"_s, u"stop"_s}, u"STACK"_s,
            u"stop the recovery under way on STACK; the stack stays in maintenance until "
            u"\"maintenance off STACK\""_s,
            1, 1, Method::RecoveryStop,
            [](Rackctl *self, const QStringList &arguments, QJsonObject *params) {
                bool number = false;
                const int stack = arguments.value(0).toInt(&number);
                if (!number || stack < 1) {
                    self->m_err << "rackctl: \"" << arguments.value(0) << "\" is not a stack number\n";
                    return false;
                }
                params->insert(u"stack"_s, stack);
                return true;
            },
            [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                self->m_out << "recovery stopped;" << recoveryNote(result) << '\n';
                return Ok;
            }});
        all.append({{u"install"_s, u"start"_s}, u"[STACK...|all] [--stack-timeout S]"_s,
            u"the staged install: every stack off, then one by one on to learn its Pis' MACs; fixed "
            u"addresses; power on; verify"_s,
            0, -1, Method::InstallStart,
            [](Rackctl *self, const QStringList &arguments, QJsonObject *params) {
                if (self->m_stackTimeout > 0)
                    params->insert(u"stack_timeout_s"_s, self->m_stackTimeout);
                return stackList(arguments, params, self->m_err);
            },
            printInstall, false, true});
        all.append({{u"install"_s, u"status"_s}, u"[--follow]"_s,
            u"where the install is, its anomalies and its report"_s, 0, 0, Method::InstallStatus, {},
            printInstall});
        for (const QString &decision : {u"retry"_s, u"skip"_s, u"accept"_s}) {
            all.append({{u"install"_s, decision}, {},
                decision == u"retry"      ? u"a stack that waits for a decision: discover it again"_s
                    : decision == u"skip" ? u"leave it as it was"_s
                                          : u"take the Pis found"_s,
                0, 0, Method::InstallDecide,
                [decision](Rackctl *, const QStringList &, QJsonObject *params) {
                    params->insert(u"decision"_s, decision);
                    return true;
                },
                printInstall, false, true});
        }
        all.append({{u"install"_s, u"add-mac"_s}, u"MAC"_s,
            u"add a Pi the DHCP server did not report (then accept)"_s, 1, 1, Method::InstallAddMac,
            [](Rackctl *, const QStringList &arguments, QJsonObject *params) {
                params->insert(u"mac"_s, arguments.value(0));
                return true;
            },
            [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                InstallPrinter::print(self->m_out, result);
                return Ok;
            }});
        const auto printConfirmed = [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
            self->m_err << "rackctl: stack " << result.value(u"stack"_s).toInt() << ": "
                        << (result.value(u"confirmed"_s).toBool() ? "confirmed" : "declined") << Qt::endl;
            if (!self->m_follow)
                return Ok;
            self->m_followReplied = true;
            self->finishFollowingIfSettled();
            return std::nullopt;
        };
        all.append({{u"install"_s, u"confirm"_s}, {},
            u"manual relays: the stack was plugged in or out as asked"_s, 0, 0, Method::RelayConfirm,
            [](Rackctl *, const QStringList &, QJsonObject *params) {
                params->insert(u"done"_s, true);
                return true;
            },
            printConfirmed, false, true});
        all.append({{u"install"_s, u"decline"_s}, u"[REASON]"_s, u"manual relays: it cannot be done"_s, 0, 1,
            Method::RelayConfirm,
            [](Rackctl *, const QStringList &arguments, QJsonObject *params) {
                params->insert(u"done"_s, false);
                if (!arguments.isEmpty())
                    params->insert(u"reason"_s, arguments.constFirst());
                return true;
            },
            printConfirmed, false, true});
        all.append({{u"install"_s, u"abort"_s}, {},
            u"stop; before the reservations are written, every stack of the install is switched off"_s, 0, 0,
            Method::InstallAbort, {}, printInstall});
        all.append({{u"install"_s, u"replace"_s}, u"STACK SLOT"_s,
            u"a Pi was replaced: give the new MAC the slot's name and address (the stack is "
            u"power-cycled)"_s,
            2, 2, Method::InstallReplace,
            [](Rackctl *self, const QStringList &arguments, QJsonObject *params) {
                return stackAndSlot(arguments.value(0), arguments.value(1), params, self->m_err);
            },
            printInstall, false, true});
        all.append({{u"events"_s}, u"[FAMILY...] [--follow] [--count N]"_s,
            u"print rackd's events as they happen, one line each (--json: one JSON object each), until "
            u"Ctrl-C or N of them; FAMILY is "_s
                + Protocol::eventFamilies().join(u", "_s) + u" (default: all)"_s,
            0, -1, Method::Subscribe,
            [](Rackctl *self, const QStringList &arguments, QJsonObject *params) {
                const QStringList families = arguments.isEmpty() ? Protocol::eventFamilies() : arguments;
                for (const QString &family : families) {
                    if (!Protocol::eventFamilies().contains(family)) {
                        self->m_err << "rackctl: '" << family << "' is not an event family ("
                                    << Protocol::eventFamilies().join(u", "_s) << ")\n";
                        return false;
                    }
                }
                params->insert(u"events"_s, QJsonArray::fromStringList(families));
                return true;
            },
            [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                self->m_err << "rackctl: following "
                            << result.value(u"events"_s).toVariant().toStringList().join(u", "_s)
                            << " events (Ctrl-C ends)" << Qt::endl;
                return std::nullopt;
            },
            false, false, true});
        all.append({{u"inventory"_s}, u"[--format F]"_s,
            u"the placed nodes for other tools; F is ansible, ansible-yaml, hosts, mpi or json"_s, 0, 0,
            Method::Inventory,
            [](Rackctl *self, const QStringList &, QJsonObject *params) {
                params->insert(u"format"_s, self->m_inventoryFormat);
                return true;
            },
            [](Rackctl *self, const QJsonObject &result) -> std::optional<int> {
                self->m_out << result.value(u"content"_s).toString();
                return Ok;
            }});
        return all;
    }();
    return list;
}

QString Rackctl::usageText()
{
    QString text = u"Usage: rackctl [--rack NAME | --host H [--port P]] [--token-file F] "
                   u"[--trust-fingerprint SHA256:...] "
                   u"[--json] COMMAND\n       rackctl --help | --version\nCommands:\n"_s;
    const auto wrapped = [](const QString &help, int indent) {
        // Help text in lines of at most 100 characters, continued under the first.
        QStringList lines;
        QString line;
        for (const QString &word : help.split(u' ', Qt::SkipEmptyParts)) {
            if (!line.isEmpty() && indent + line.size() + 1 + word.size() > 100) {
                lines.append(line);
                line.clear();
            }
            line += (line.isEmpty() ? QString() : u" "_s) + word;
        }
        if (!line.isEmpty())
            lines.append(line);
        return lines;
    };
    constexpr int HelpColumn = 38;
    for (const Command &command : commands()) {
        const QString usage = u"  "_s + command.usage();
        const QStringList help = wrapped(command.help, HelpColumn);
        if (help.isEmpty()) {
            text += usage + u'\n';
            continue;
        }
        if (usage.size() < HelpColumn)
            text += usage.leftJustified(HelpColumn) + help.constFirst() + u'\n';
        else
            text += usage + u'\n' + QString(HelpColumn, u' ') + help.constFirst() + u'\n';
        for (const QString &more : help.mid(1))
            text += QString(HelpColumn, u' ') + more + u'\n';
    }
    text += SavedRackCommands::usageText(HelpColumn);
    text += u"  dhcp-event add|old|del MAC IP [HOST]\n"_s + QString(HelpColumn, u' ')
        + u"tell rackd a Pi asked for an address (what dnsmasq's\n"_s + QString(HelpColumn, u' ')
        + u"--dhcp-script=pirack-dhcp-script does; local socket --dhcp-socket)\n"_s
        + u"Install commands that start something follow it until it is done or waits for someone\n"
          u"(--no-wait: return at once).\n"
          u"Without --host or --rack, rackctl talks to the current saved rack (rackctl rack use), or to "
          u"this\n"
          u"machine's rackd when none is saved. The token comes from --token-file, the PIRACK_TOKEN "
          u"environment\n"
          u"variable, or where 'rackctl rack add' or the app stored it for the saved rack.\n"_s;
    return text;
}

const Rackctl::Command *Rackctl::match(const QStringList &command)
{
    // The command with the most words that are all given first; among those, the first listed.
    const Command *best = nullptr;
    for (const Command &candidate : commands()) {
        if (command.size() < candidate.words.size()
            || command.mid(0, candidate.words.size()) != candidate.words)
            continue;
        if (!best || candidate.words.size() > best->words.size())
            best = &candidate;
    }
    return best;
}
