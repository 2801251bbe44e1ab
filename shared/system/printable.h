// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

/**
 * Text that came from elsewhere (a node, a DHCP client, a file) made safe to show: control and
 * format characters never reach a log, a terminal or a label as themselves, so nobody can forge
 * a log line, move a terminal's cursor or retitle its window. Counted by code point, so format
 * characters above U+FFFF (language tags) and lone surrogates count too.
 */
namespace Printable {

bool isControl(char32_t codePoint);
bool hasControl(const QString &text);

/// One line: every control character (newlines too) as \xNN, \uNNNN or \UNNNNNNNN, cut at
/// `maximumLength` characters (an escape is never cut; "…" marks the cut).
QString oneLine(const QString &text, qsizetype maximumLength = 200);

/// For a terminal: newlines and tabs stay, every other control character is escaped as above.
QString forTerminal(const QString &text);

/// A log message: control characters escaped, and every line after the first indented, so no line
/// of a message can pass for a log line of its own (nor, under systemd, carry a "<N>" priority).
QString forLog(const QString &message);

} // namespace Printable
