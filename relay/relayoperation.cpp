// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "relayoperation.h"

#include <QDebug>
#include <QStringList>
#include <algorithm>

using namespace Qt::Literals::StringLiterals;

QString describeState(std::optional<bool> state)
{
    if (!state)
        return u"unknown"_s;
    return *state ? u"on"_s : u"off"_s;
}

bool RelayOperationResult::succeeded() const
{
    return error.isEmpty()
        && std::all_of(channels.cbegin(), channels.cend(), [](const RelayChannelResult &channel) {
               return channel.outcome == RelayChannelResult::Outcome::Done;
           });
}

const RelayChannelResult *RelayOperationResult::channel(int number) const
{
    for (const RelayChannelResult &result : channels) {
        if (result.channel == number)
            return &result;
    }
    return nullptr;
}

QString RelayOperationResult::describe() const
{
    QStringList parts;
    if (!error.isEmpty())
        parts.append(u"refused: "_s + error);
    for (const RelayChannelResult &result : channels) {
        QString part = u"channel %1 "_s.arg(result.channel);
        switch (result.outcome) {
        case RelayChannelResult::Outcome::Done:
            part += kind == Kind::Switch ? u"switched %1"_s.arg(describeState(result.state))
                                         : u"is %1"_s.arg(describeState(result.state));
            break;
        case RelayChannelResult::Outcome::Failed:
            part += u"failed (%1), now %2"_s.arg(result.error, describeState(result.state));
            break;
        case RelayChannelResult::Outcome::NotAttempted:
            part += u"not attempted, still %1"_s.arg(describeState(result.state));
            break;
        }
        parts.append(part);
    }
    return parts.join(u"; "_s);
}

QDebug operator<<(QDebug debug, const RelayOperationResult &result)
{
    QDebugStateSaver saver(debug);
    debug.nospace().noquote() << "RelayOperationResult(" << result.id << ", "
                              << (result.succeeded() ? "ok" : "failed") << ": " << result.describe() << ')';
    return debug;
}
