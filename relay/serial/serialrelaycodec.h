// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "structure/rackstructure.h"

#include <QByteArray>
#include <QString>
#include <memory>
#include <optional>

/// What a relay board's reply, as received so far, amounts to.
struct SerialReply
{
    enum class Status { Incomplete, Complete, Garbage };

    Status status = Status::Incomplete;
    std::optional<bool> state; ///< For a complete status reply.
    QString error; ///< For garbage: what was wrong with it.

    static SerialReply incomplete() { return {}; }
    static SerialReply complete(std::optional<bool> state = std::nullopt)
    {
        return {Status::Complete, state, {}};
    }
    static SerialReply garbage(const QString &error) { return {Status::Garbage, std::nullopt, error}; }
};

/// The bytes of one relay board protocol: what to send, and how to read what comes back.
class SerialRelayCodec
{
public:
    virtual ~SerialRelayCodec();

    virtual QString name() const = 0;
    virtual QByteArray switchCommand(int channel, bool on) const = 0;
    /// Whether the board answers a switch command (Numato echoes it; LCUS boards say nothing).
    virtual bool switchIsAnswered() const = 0;
    virtual SerialReply parseSwitchReply(const QByteArray &received, int channel, bool on) const = 0;
    virtual QByteArray statusCommand(int channel) const = 0;
    virtual SerialReply parseStatusReply(const QByteArray &received, int channel) const = 0;
    /// Some boards answer their first status query with a stale state; ask twice after opening.
    virtual bool firstStatusMayBeStale() const = 0;

    static std::unique_ptr<SerialRelayCodec> create(SerialRelayProtocol protocol);
};

/// LCUS-1/2/4/8 (CH340) boards: `A0 ch op sum` to switch, `FF` for an ASCII status listing.
class LcusCodec : public SerialRelayCodec
{
public:
    QString name() const override;
    QByteArray switchCommand(int channel, bool on) const override;
    bool switchIsAnswered() const override { return false; }
    SerialReply parseSwitchReply(const QByteArray &received, int channel, bool on) const override;
    QByteArray statusCommand(int channel) const override;
    SerialReply parseStatusReply(const QByteArray &received, int channel) const override;
    bool firstStatusMayBeStale() const override { return true; }
};

/// Numato Lab USB relay modules: `relay on N\r` text commands, echoed, then a `>` prompt.
class NumatoCodec : public SerialRelayCodec
{
public:
    QString name() const override;
    QByteArray switchCommand(int channel, bool on) const override;
    bool switchIsAnswered() const override { return true; }
    SerialReply parseSwitchReply(const QByteArray &received, int channel, bool on) const override;
    QByteArray statusCommand(int channel) const override;
    SerialReply parseStatusReply(const QByteArray &received, int channel) const override;
    bool firstStatusMayBeStale() const override { return false; }

    /// Numato names relays 0-9, then A, B, ... for 10 and up.
    static QByteArray channelName(int channel);
};
