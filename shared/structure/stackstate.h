// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <optional>

/// A stack as the original PiRack coloured it: all its Pis up, some, none, or its relay off.
enum class StackState { Ok, Warning, Ko, Off };
QString stackStateName(StackState state);
std::optional<StackState> stackStateFromName(const QString &name);
/// The one rule, for rackd and its clients alike.
StackState stackState(std::optional<bool> relayOn, int expectedPis, int upPis);
