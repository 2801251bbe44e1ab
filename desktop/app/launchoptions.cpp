// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/launchoptions.h"

#include "client/clientcredentials.h"
#include "client/connectlink.h"
#include "client/pinstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

std::optional<LaunchOptions> LaunchOptions::parse(
    const QStringList &arguments, const QList<SavedRack> &savedRacks, QString *error, int *exitCode)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"PiRack: the rack, its stacks and its Pis, live. Without options it asks "
        u"which saved rack to connect to."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption rackName(u"rack"_s, u"connect to this saved rack"_s, u"name"_s);
    const QCommandLineOption host(u"host"_s, u"rackd's host (saves the rack under --name)"_s, u"host"_s);
    const QCommandLineOption port(u"port"_s, u"rackd's port"_s, u"port"_s, u"7420"_s);
    const QCommandLineOption name(
        u"name"_s, u"the name to save --host under (default HOST:PORT)"_s, u"name"_s);
    const QCommandLineOption tokenFile(
        u"token-file"_s, u"read the token from this file (it is not stored elsewhere)"_s, u"file"_s);
    const QCommandLineOption knownRacks(
        u"known-racks"_s, u"file of trusted racks"_s, u"file"_s, PinStore::defaultPath());
    const QCommandLineOption trust(u"trust-fingerprint"_s,
        u"pin this fingerprint for the rack if none is pinned (as shown by rackd --fingerprint)"_s,
        u"fingerprint"_s);
    const QCommandLineOption design(
        u"design"_s, u"open the rack designer on FILE (or a new rack), without any connection"_s);
    const QCommandLineOption screenshot(u"screenshot"_s,
        u"once connected and loaded, save a picture of the window to FILE and quit (for a machine without "
        u"display)"_s,
        u"file"_s);
    parser.addOptions({rackName, host, port, name, tokenFile, knownRacks, trust, design, screenshot});
    parser.addPositionalArgument(u"link"_s,
        u"a connect link (pirack://HOST:PORT/?fingerprint=…&token=…) to confirm and connect with"_s,
        u"[pirack://…]"_s);
    const auto fail = [error, exitCode](const QString &message, int code = Usage) {
        *error = message;
        *exitCode = code;
        return std::nullopt;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(u"help"_s))
        return fail(parser.helpText(), 0);
    if (parser.isSet(u"version"_s))
        return fail(u"pirack " PIRACK_VERSION_STRING ""_s, 0);

    LaunchOptions options;
    options.knownRacks = parser.value(knownRacks);
    options.screenshotFile = parser.value(screenshot);
    options.trustFingerprint = parser.value(trust).trimmed();
    if (parser.isSet(design)) {
        options.designFile = parser.positionalArguments().value(0);
        return options;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return fail(QCoreApplication::translate("LaunchOptions", "Give at most one connect link."));
    if (!positional.isEmpty()) {
        QString problem;
        if (!ConnectLink::parse(positional.constFirst(), &problem))
            return fail(
                QCoreApplication::translate("LaunchOptions", "The link cannot be used: %1.").arg(problem));
        if (parser.isSet(host) || parser.isSet(rackName) || parser.isSet(trust) || parser.isSet(tokenFile))
            return fail(QCoreApplication::translate("LaunchOptions",
                "A connect link carries the rack, its fingerprint and its token: give no other option."));
        options.link = positional.constFirst().trimmed();
        return options;
    }
    if (parser.isSet(host)) {
        bool portOk = false;
        const uint portNumber = parser.value(port).toUInt(&portOk);
        if (!portOk || portNumber == 0 || portNumber > 65535)
            return fail(QCoreApplication::translate("LaunchOptions", "--port must be from 1 to 65535."));
        SavedRack rack {parser.value(name), parser.value(host), quint16(portNumber)};
        if (rack.name.isEmpty())
            rack.name = rack.key();
        options.rack = rack;
        options.rackIsNew = true;
    } else if (parser.isSet(rackName)) {
        for (const SavedRack &saved : savedRacks) {
            if (saved.name == parser.value(rackName))
                options.rack = saved;
        }
        if (!options.rack)
            return fail(QCoreApplication::translate("LaunchOptions", "There is no saved rack called \"%1\".")
                            .arg(parser.value(rackName)));
    }
    options.token = qEnvironmentVariable("PIRACK_TOKEN");
    if (parser.isSet(tokenFile)) {
        QString problem;
        const std::optional<QString> token
            = ClientCredentials::readTokenFile(parser.value(tokenFile), &options.tokenFileWarning, &problem);
        if (!token)
            return fail(problem);
        options.token = *token;
    }
    if (!options.trustFingerprint.isEmpty() && !options.rack)
        return fail(
            QCoreApplication::translate("LaunchOptions", "--trust-fingerprint needs --host or --rack."));
    return options;
}
