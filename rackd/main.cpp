// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackdcommandline.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("rackd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PIRACK_VERSION_STRING));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return RackdCommandLine::run(QCoreApplication::arguments(), out, err);
}
