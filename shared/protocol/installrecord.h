// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

/// One MAC that asked for an address while its stack was being discovered (or that was added by hand).
struct InstallMac
{
    QString mac;
    QString address; ///< What the DHCP server gave it then; empty when added by hand.
    QDateTime seen;
    bool manual = false;
    int slot = 0; ///< The slot it gets once its stack is settled; 0 before, or when it is one too many.

    QJsonObject toJson() const;
};

/// Something the operator must know about: never silently corrected.
struct InstallAnomaly
{
    enum class Kind {
        AssignedElsewhere, ///< The MAC is placed in another stack: a cabling or swap mistake.
        SeenInOtherStack, ///< The same MAC twice: it was already found for another stack of this install.
        TooMany, ///< More MACs than the stack has Pis.
        WhileOff, ///< It asked for an address while no stack of the install was being discovered.
    };
    Kind kind = Kind::TooMany;
    int stack = 0; ///< The stack whose window it came in; 0 when none was open.
    int attempt = 0; ///< Which discovery of that stack.
    QString mac;
    QString detail;
    QDateTime when;

    static QString kindName(Kind kind);
    QJsonObject toJson() const;
};

/// One stack in an install: the slots to fill, what was found, and what became of it.
struct InstallStack
{
    enum class Status {
        Pending,
        SwitchingOn,
        Collecting,
        Settling, ///< The expected count is reached; still listening for one too many.
        SwitchingOff,
        NeedsDecision,
        Found, ///< Exactly the expected Pis, nothing odd.
        Accepted, ///< Not clean, and the operator took what was found.
        Skipped, ///< Left as it was.
    };
    int id = 0;
    QList<int> slots; ///< Every slot for an install; the replaced one for a replacement.
    QStringList ignoredMacs; ///< A replacement: the stack's other Pis, which are not new.
    Status status = Status::Pending;
    int attempts = 0;
    QList<InstallMac> macs; ///< In the order they were seen.
    QString problem; ///< Why a decision is needed.
    /// After verification, over the Pis placed in the stack: ok (all up), warning (some), ko (none),
    /// or empty (no Pi placed: skipped or accepted with none).
    QString verdict;

    int expected() const { return int(slots.size()); }
    /// While the stack's Pis are powered for discovery, a MAC that asks belongs to it.
    bool isListening() const;
    bool isSettled() const;
    static QString statusName(Status status);
    static std::optional<Status> statusFromName(const QString &name);
    QJsonObject toJson() const;
};

/// How one Pi came back after the install.
struct InstallPiCheck
{
    int stack = 0;
    int slot = 0;
    QString name;
    QString address; ///< Its fixed address.
    QString mac = {}; ///< Empty: no Pi is known for this slot; it is not waited for.
    bool up = false; ///< Its agent is connected.
    bool onFixedAddress = false; ///< Seen on its fixed address (DHCP lease or agent connection).
    QString seenAddress = {}; ///< The address it was last seen on, when known.

    bool isOk() const { return up && onFixedAddress; }
    QJsonObject toJson() const;
};

/**
 * A staged install (or the replacement of one Pi) as rackd persists it in install.json: enough to
 * show a client where it is, and to resume it after rackd restarts.
 */
struct InstallRecord
{
    enum class Kind { Install, Replace };
    enum class Step { SwitchingOff, Discovery, Writing, PoweringOn, Verifying, Finished };
    enum class Outcome { Running, WaitingForDecision, Done, Aborted, Failed };

    QString id;
    Kind kind = Kind::Install;
    Step step = Step::SwitchingOff;
    Outcome outcome = Outcome::Running;
    int current = 0; ///< Index in `stacks` of the stack being discovered.
    QString startedBy;
    QDateTime started;
    QDateTime finished;
    qint64 stackTimeoutMs = 90000;
    qint64 settleMs = 2000;
    qint64 verifyTimeoutMs = 300000;
    QList<InstallStack> stacks;
    QList<InstallAnomaly> anomalies;
    QList<InstallPiCheck> checks;
    QStringList warnings;
    QString error; ///< Why it failed.
    QString relays; ///< Where it left the relays, once it is over.
    QString operatorInstruction; ///< Manual relays: what the operator must do now.
    QList<QPair<QDateTime, QString>> log; ///< Every step, oldest first (the newest LogLimit).

    static constexpr int LogLimit = 500;

    bool isActive() const { return outcome == Outcome::Running || outcome == Outcome::WaitingForDecision; }
    InstallStack *stack(int stackId);
    const InstallStack *stack(int stackId) const;
    InstallStack *currentStack();

    static QString kindName(Kind kind);
    static QString stepName(Step step);
    static QString outcomeName(Outcome outcome);
    static std::optional<Step> stepFromName(const QString &name);
    static std::optional<Outcome> outcomeFromName(const QString &name);

    QJsonObject toJson() const;
    /// Reads what toJson() wrote; anything missing or of the wrong type is an error naming the field.
    static std::optional<InstallRecord> fromJson(const QJsonObject &object, QString *error);
};
