// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QTableWidgetItem>

/// A status shown as its word on a matching background: never colour alone.
namespace StatusWord {

inline QColor color(const QString &word)
{
    if (word == QLatin1String("ok") || word == QLatin1String("found") || word == QLatin1String("done"))
        return QColor(0xb7, 0xe4, 0xc0);
    if (word == QLatin1String("warning") || word == QLatin1String("accepted")
        || word == QLatin1String("needs-decision"))
        return QColor(0xfb, 0xe3, 0xb0);
    if (word == QLatin1String("error") || word == QLatin1String("ko") || word == QLatin1String("failed")
        || word == QLatin1String("aborted") || word == QLatin1String("skipped"))
        return QColor(0xf4, 0xc0, 0xb8);
    return QColor(0xe4, 0xe4, 0xe4); // and "empty": nothing was placed, nothing to judge
}

/// The word, with `note` after it when there is one (the colour follows the word).
inline QTableWidgetItem *item(const QString &word, const QString &note = {})
{
    const QString shown = word.isEmpty() ? QStringLiteral("—") : word;
    auto *cell = new QTableWidgetItem(note.isEmpty() ? shown : shown + QStringLiteral(" (") + note + u')');
    cell->setToolTip(note);
    cell->setBackground(color(word));
    cell->setForeground(Qt::black);
    cell->setTextAlignment(Qt::AlignCenter);
    return cell;
}

} // namespace StatusWord
