// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "stackstate.h"

using namespace Qt::Literals::StringLiterals;

QString stackStateName(StackState state)
{
    switch (state) {
    case StackState::Ok:
        return u"ok"_s;
    case StackState::Warning:
        return u"warning"_s;
    case StackState::Ko:
        return u"ko"_s;
    case StackState::Off:
        return u"off"_s;
    }
    return {};
}

std::optional<StackState> stackStateFromName(const QString &name)
{
    for (StackState state : {StackState::Ok, StackState::Warning, StackState::Ko, StackState::Off}) {
        if (stackStateName(state) == name)
            return state;
    }
    return std::nullopt;
}

StackState stackState(std::optional<bool> relayOn, int expectedPis, int upPis)
{
    if (relayOn == false)
        return StackState::Off;
    if (upPis <= 0)
        return StackState::Ko;
    return upPis >= expectedPis ? StackState::Ok : StackState::Warning;
}
