// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackdcommandline.h"

#include "structurecheck.h"

#include <QCommandLineParser>

using namespace Qt::Literals::StringLiterals;

int RackdCommandLine::run(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"rackd: the PiRack master daemon. It switches the power relays of each stack of Raspberry Pis."_s);
    const QCommandLineOption helpOption({u"h"_s, u"help"_s}, u"Show this help and exit."_s);
    const QCommandLineOption versionOption({u"v"_s, u"version"_s}, u"Show the version and exit."_s);
    const QCommandLineOption checkOption(u"check"_s,
        u"Check a structure file and print the rack it describes, or every error. "
        "Exit status: 0 valid, 1 invalid, 2 unreadable."_s,
        u"file"_s);
    const QCommandLineOption jsonOption(u"json"_s, u"With --check: print the result as JSON."_s);
    parser.addOptions({helpOption, versionOption, checkOption, jsonOption});

    if (!parser.parse(arguments)) {
        err << "rackd: " << parser.errorText() << "\nTry 'rackd --help'.\n";
        return UsageError;
    }
    if (parser.isSet(helpOption)) {
        out << parser.helpText();
        return 0;
    }
    if (parser.isSet(versionOption)) {
        out << "rackd " << PIRACK_VERSION_STRING << '\n';
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << "rackd: unexpected argument '" << parser.positionalArguments().constFirst()
            << "'\nTry 'rackd --help'.\n";
        return UsageError;
    }
    if (parser.isSet(jsonOption) && !parser.isSet(checkOption)) {
        err << "rackd: --json goes with --check FILE\n";
        return UsageError;
    }
    if (parser.isSet(checkOption))
        return StructureCheck::run(parser.value(checkOption), parser.isSet(jsonOption), out, err);

    err << "rackd: this version has only the check mode (rackd --check FILE); "
           "the daemon itself is not built yet.\n";
    return UsageError;
}
