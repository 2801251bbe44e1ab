// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <optional>

class QDebug;

struct RelayCommand
{
    int channel = 0;
    bool on = false;
};

/// What happened to one channel of an operation.
struct RelayChannelResult
{
    enum class Outcome {
        Done, ///< Switched (or read) as asked.
        Failed, ///< The backend reported an error for this channel.
        NotAttempted, ///< An earlier channel of the operation failed, so this one was left alone.
    };

    int channel = 0;
    std::optional<bool> requested; ///< The wanted state; empty for a read-back.
    std::optional<bool> state; ///< The state the channel ended in, as far as it is known.
    Outcome outcome = Outcome::NotAttempted;
    QString error;
};

/// The result of one switch or read-back operation, for every channel it named.
struct RelayOperationResult
{
    enum class Kind { Switch, ReadBack };

    quint64 id = 0;
    Kind kind = Kind::Switch;
    QList<RelayChannelResult> channels;
    QString error; ///< Why the whole operation was refused before anything ran; empty otherwise.

    bool succeeded() const;
    const RelayChannelResult *channel(int number) const;
    /// For a person: which channel failed how, and where every other channel was left.
    QString describe() const;
};

QDebug operator<<(QDebug debug, const RelayOperationResult &result);
QString describeState(std::optional<bool> state);

Q_DECLARE_METATYPE(RelayOperationResult)
