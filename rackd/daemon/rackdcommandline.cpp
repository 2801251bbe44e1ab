// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "rackdcommandline.h"

#include "daemon.h"
#include "structurecheck.h"

#include <QCommandLineParser>

using namespace Qt::Literals::StringLiterals;

RackdCommandLine::Outcome RackdCommandLine::run(
    const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"rackd: the PiRack master daemon. It switches the power relays of each stack of Raspberry Pis "
        "and serves the control API over TLS."_s);
    const QCommandLineOption helpOption({u"h"_s, u"help"_s}, u"Show this help and exit."_s);
    const QCommandLineOption versionOption({u"v"_s, u"version"_s}, u"Show the version and exit."_s);
    const QCommandLineOption configOption(u"config"_s,
        u"The configuration file (default %1)."_s.arg(QLatin1String(DefaultConfig)), u"file"_s,
        QLatin1String(DefaultConfig));
    const QCommandLineOption checkOption(u"check"_s,
        u"Check a structure file and print the rack it describes, or every error. "
        "Exit status: 0 valid, 1 invalid, 2 unreadable."_s,
        u"file"_s);
    const QCommandLineOption jsonOption(u"json"_s, u"With --check: print the result as JSON."_s);
    const QCommandLineOption fingerprintOption(u"fingerprint"_s,
        u"Print the SHA-256 fingerprint of rackd's certificate (made if there is none yet)."_s);
    parser.addOptions({helpOption, versionOption, configOption, checkOption, jsonOption, fingerprintOption});

    const auto usage = [&](const QString &message) {
        err << "rackd: " << message << "\nTry 'rackd --help'.\n";
        err.flush();
        return Outcome {UsageError, std::nullopt};
    };
    if (!parser.parse(arguments))
        return usage(parser.errorText());
    if (parser.isSet(helpOption)) {
        out << parser.helpText();
        return {0, std::nullopt};
    }
    if (parser.isSet(versionOption)) {
        out << "rackd " << PIRACK_VERSION_STRING << '\n';
        return {0, std::nullopt};
    }
    if (!parser.positionalArguments().isEmpty())
        return usage(u"unexpected argument '%1'"_s.arg(parser.positionalArguments().constFirst()));
    if (parser.isSet(jsonOption) && !parser.isSet(checkOption))
        return usage(u"--json goes with --check FILE"_s);
    if (parser.isSet(checkOption))
        return {
            StructureCheck::run(parser.value(checkOption), parser.isSet(jsonOption), out, err), std::nullopt};

    QStringList errors;
    const std::optional<RackdConfig> config = RackdConfig::readFile(parser.value(configOption), &errors);
    if (!config) {
        for (const QString &error : std::as_const(errors))
            err << error << '\n';
        err.flush();
        return {ConfigError, std::nullopt};
    }
    if (parser.isSet(fingerprintOption)) {
        QString error;
        const std::optional<TlsIdentity> identity = Daemon::identity(*config, &error);
        if (!identity) {
            err << "rackd: " << error << '\n';
            return {ConfigError, std::nullopt};
        }
        out << identity->fingerprint() << '\n';
        return {0, std::nullopt};
    }
    return {std::nullopt, config};
}
