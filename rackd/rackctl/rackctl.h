// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "client/pinstore.h"
#include "client/rackclient.h"
#include "keyring/tokenkeyring.h"
#include "protocol/vocabulary.h"

#include <QObject>
#include <QTextStream>
#include <functional>

/**
 * rackctl: one command against one rackd, then exit. Tables for people, --json for scripts.
 * Exit codes: 0 done, 1 rackd refused or failed the command, 2 usage, 3 cannot connect,
 * 4 not authenticated or not allowed, 5 the rack's identity is not trusted.
 */
class SavedRackCommands;

class Rackctl : public QObject
{
    Q_OBJECT

public:
    enum ExitCode {
        Ok = 0,
        CommandFailed = 1,
        Usage = 2,
        ConnectionFailed = 3,
        NotAllowed = 4,
        Untrusted = 5
    };

    /// Asks the operator a yes/no question; empty when nobody can be asked (no terminal).
    using Prompt = std::function<std::optional<bool>(const QString &question)>;

    Rackctl(QTextStream &out, QTextStream &err, Prompt prompt, QObject *parent = nullptr);

    /// Parses the arguments (without the program name) and starts; finished(exitCode) follows.
    void run(const QStringList &arguments);
    /**
     * dnsmasq's --dhcp-script (rackctl installed as `pirack-dhcp-script`, or `rackctl dhcp-event`):
     * `add|old|del MAC IP [HOSTNAME]` goes to rackd's local DHCP socket; other actions are not for rackd.
     */
    void sendDhcpEvent(const QStringList &arguments, const QString &socketPath);

    static QString defaultDhcpSocket();
    /// The exit status for an error code rackd (or the connection) gave.
    static int exitCodeFor(const QString &errorCode);
    /// The help: every command, from the same list that run() matches against.
    static QString usageText();

Q_SIGNALS:
    void finished(int exitCode);

private:
    struct Command;
    static const QList<Command> &commands();
    /// The command the words name (the one with the most matching words); null when none does.
    static const Command *match(const QStringList &command);

    void usageError(const QString &message);
    /**
     * `__complete WORDS...`: the words that may follow, or nothing with `fromRack` naming what rackd
     * must be asked for ("stacks", "stacks-all", "targets", "macs", "racks").
     */
    static std::optional<QStringList> completionWords(const QStringList &typed, QString *fromRack);
    void completeFromRack();
    /// Pins, trust and the connection, once the rack and its token are known.
    void connectToTarget();
    void connectWithPin(const QString &pin);
    /// The connect link for a token just created (token create --link).
    QString connectLink(const QString &token) const;
    void execute();
    void printReply(const Protocol::Reply &reply);
    void finish(int exitCode);
    std::optional<int> showInstall(const QJsonObject &result);
    void printStatus(const QJsonObject &result);
    void printPowerResult(const QJsonObject &result);
    void printTokens(const QJsonObject &result);
    void printNodes(const QJsonObject &result);
    /// What status and nodes add after a stack or node: maintenance, a recovery, a condition.
    static QString recoveryNote(const QJsonObject &entry);
    void printAudit(const QJsonObject &result);
    void finishFollowing();
    void printEvent(const Protocol::Event &event);
    void finishFollowingIfSettled();
    static int installExitCode(const QJsonObject &install);

    QTextStream &m_out;
    QTextStream &m_err;
    Prompt m_prompt;
    RackClient m_client;
    TokenKeyring m_keyring {TokenKeyring::defaultFallbackFile()};
    SavedRackCommands *m_rackCommands = nullptr;
    QString m_rackName; ///< The saved rack talked to (--rack, or the current one); empty for --host.
    QString m_completion; ///< __complete: what to ask rackd for (completionWords).
    bool m_link = false; ///< token create --link
    QString m_linkHost;
    PinStore m_pins;
    RackClient::Options m_options;
    QStringList m_command;
    const Command *m_selected = nullptr;
    QJsonObject m_params; ///< The selected command's request, built before connecting.
    QString m_trustFingerprint;
    bool m_json = false;
    bool m_pinAfterSuccess = false;
    bool m_replacingConnection = false;
    int m_auditLast = 20;
    int m_joinTtl = 3600;
    int m_joinUses = 1;
    QString m_joinReplace; ///< join create --replace MAC

    double m_gracefulTimeout = 120;
    bool m_force = false;
    QString m_tokenRole;
    double m_stackTimeout = 0; ///< install start: 0 is rackd's default.
    QString m_maintenanceReason; ///< maintenance on --reason
    QString m_inventoryFormat;
    bool m_follow = false; ///< install: print each step until the install needs someone or is over.
    bool m_followReplied = false;
    bool m_followEnding = false; ///< The final status is asked for.
    bool m_finished = false;
    int m_eventCount = 0; ///< events: stop after this many (0: never).
    int m_eventsSeen = 0;
};
