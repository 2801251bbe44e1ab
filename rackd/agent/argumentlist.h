// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <optional>

/**
 * Splits a configured command line into argv, the way a person expects from a config file but
 * without a shell: words split at white space, "double" or 'single' quotes group, a backslash
 * escapes the next character. Nothing else is special: no variables, globs, pipes or `;`.
 */
std::optional<QStringList> splitArguments(const QString &text, QString *error);
