// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/pirackapplication.h"
#include "app/settingsmigration.h"

#include <QApplication>
#include <QIcon>
#include <cstring>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("pirack"));
    QApplication::setOrganizationName(QStringLiteral("PiRack"));
    QApplication::setApplicationVersion(QStringLiteral(PIRACK_VERSION_STRING));
    // As installed: the launcher and icon of resources/desktop (a null icon from a build tree).
    QApplication::setDesktopFileName(QStringLiteral("org.pirack.pirack"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("org.pirack.pirack")));

    QString message;
    int exitCode = 0;
    SettingsMigration::moveToSharedFiles();
    SavedRacks saved;
    QString loadError;
    saved.load(&loadError); // a damaged file is shown in the connect dialog, and never overwritten
    const std::optional<LaunchOptions> options
        = LaunchOptions::parse(QApplication::arguments(), saved.racks(), &message, &exitCode);
    // A connect link carries a token: once read, it leaves the process list (/proc/PID/cmdline).
    for (int i = 1; i < argc; ++i) {
        if (qstrnicmp(argv[i], "pirack://", 9) == 0)
            std::memset(argv[i] + 9, 'x', std::strlen(argv[i] + 9));
    }
    if (!options)
        return PiRackApplication::endAtOnce(message, exitCode);
    if (options->designFile)
        return PiRackApplication::runDesigner(*options->designFile);
    PiRackApplication pirack(*options);
    if (!pirack.start(&message, &exitCode))
        return PiRackApplication::endAtOnce(message, exitCode);
    return QApplication::exec();
}
