// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/rackstate.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QSet>

/// One switch of a stack's relay, or a request to switch it, as the history shows it.
struct PowerSwitch
{
    QDateTime time;
    QString what; ///< "on", "off", or the request ("power cycle", "recovery.cycle")
    QString by; ///< The token's name, "recovery", "the staged install"; empty when rackd did not say
    int expected = 0; ///< For a switch on seen live: the stack's placed Pis
    int up = 0; ///< ... how many of them have come up since
    qint64 upAfterMs = -1; ///< ... and when the last of them did (-1: not all yet)
    bool live = false; ///< Seen as it happened (relay.changed); otherwise from rackd's audit log
    QString result; ///< From the audit: "ok", or why not
};

/**
 * Each stack's power history: every relay.changed seen while connected, with how long the stack's
 * Pis took to come up after a switch on (counted from node.up), and, for what happened before,
 * the power requests of rackd's audit log (who asked, when, with what result). Bounded per stack.
 */
class PowerHistory : public QObject
{
    Q_OBJECT

public:
    static constexpr int MaximumPerStack = 100;

    explicit PowerHistory(RackState *state, QObject *parent = nullptr);

    void applyEvent(const Protocol::Event &event, const QDateTime &time = QDateTime::currentDateTimeUtc());
    /// Newest first: what was seen live, then the audit's older entries for the stack.
    QList<PowerSwitch> forStack(int stack, const QJsonArray &audit = {}) const;
    /// Another rack: its stacks are other stacks.
    void clear();
    /// The audit entries about a stack's power (power, and recovery's cycles and drains).
    static QList<PowerSwitch> fromAudit(int stack, const QJsonArray &entries);

Q_SIGNALS:
    void changed(int stack);

private:
    RackState *m_state;
    QHash<int, QList<PowerSwitch>> m_live; ///< Oldest first.
    QHash<int, QSet<QString>> m_cameUp; ///< The Pis up since each stack's last switch on (a Pi counts once).
};
