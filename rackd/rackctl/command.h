// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "rackctl.h"

#include <QJsonObject>
#include <QStringList>
#include <functional>

/// One command: the words that name it, what follows them, its help, and how it becomes a request
/// and how its answer is shown. run() matches, --help is made from the same list.
struct Rackctl::Command
{
    QStringList words;
    QString arguments; ///< What follows the words, for the help: "STACK...|all".
    QString help; ///< Lines of help; the first continues the usage line.
    int minimumArguments = 0;
    int maximumArguments = 0; ///< -1: any number.
    std::optional<Protocol::Method> method; ///< Empty: answered without a request (fingerprint).
    /// The request's parameters from the arguments; false when they are wrong (already said why).
    std::function<bool(Rackctl *, const QStringList &, QJsonObject *)> build = {};
    /// Shows a successful result; the exit code, or nothing when the command goes on (following).
    std::function<std::optional<int>(Rackctl *, const QJsonObject &)> print = {};
    bool needsRole = false; ///< --role must be given.
    bool followsInstall = false; ///< Follows the install it started or answered, unless --no-wait.
    bool followsEvents = false; ///< Prints every event after its answer, until --count of them or Ctrl-C.

    QString usage() const
    {
        return words.join(u' ') + (arguments.isEmpty() ? QString() : QStringLiteral(" ") + arguments);
    }
    bool accepts(int count) const
    {
        return count >= minimumArguments && (maximumArguments < 0 || count <= maximumArguments);
    }
};
