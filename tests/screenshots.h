// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDir>
#include <QWidget>

/**
 * The GUI tests double as the screenshot renderer: with PIRACK_SCREENSHOT_DIR set (scripts/
 * screenshots.sh sets it to docs/screenshots), each saves what it shows there under `name`.png.
 * Without it, nothing is written.
 */
inline void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString folder = qEnvironmentVariable("PIRACK_SCREENSHOT_DIR");
    if (folder.isEmpty())
        return;
    QDir().mkpath(folder);
    widget->grab().save(QDir(folder).filePath(name + QStringLiteral(".png")));
}
