// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "savedrackcommands.h"

#include "client/connectlink.h"
#include "client/pinstore.h"
#include "rackctl.h"
#include "system/printable.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

SavedRackCommands::SavedRackCommands(
    QTextStream &out, QTextStream &err, QString racksFile, TokenKeyring *keyring, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
    , m_racks(std::move(racksFile))
    , m_keyring(keyring)
{ }

QString SavedRackCommands::usageText(int helpColumn)
{
    const QList<std::pair<QString, QString>> lines {
        {u"rack add NAME LINK|-"_s,
            u"save a rack from its connect link (-: read it from standard input), once the rack proved it"_s},
        {QString(), u"(the token goes to the keychain; --token-in-file: ~/.config/pirack/tokens.json)"_s},
        {u"rack list"_s, u"the saved racks (shared with the app); * marks the current one"_s},
        {u"rack use NAME"_s, u"the rack rackctl talks to when given no --host or --rack"_s},
        {u"rack remove NAME"_s, u"forget a saved rack and its token"_s},
    };
    QString text;
    for (const auto &[usage, help] : lines)
        text += QString(u"  "_s + usage).leftJustified(helpColumn) + help + u'\n';
    return text;
}

void SavedRackCommands::fail(int exitCode, const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    m_client.disconnect(this);
    m_client.disconnectFromRack();
    m_err << "rackctl: " << message << '\n';
    m_err.flush();
    Q_EMIT finished(exitCode);
}

void SavedRackCommands::run(const QStringList &command, const Settings &settings)
{
    m_settings = settings;
    const QString verb = command.value(1);
    const QStringList arguments = command.mid(2);
    const auto wants = [&](qsizetype count, const QString &usage) {
        if (arguments.size() == count)
            return true;
        Q_EMIT usageError(u"rack %1 takes %2"_s.arg(verb, usage));
        return false;
    };
    if (verb == u"add") {
        if (wants(2, u"NAME LINK, or NAME - to read the link from standard input"_s))
            add(arguments.at(0), arguments.at(1));
    } else if (verb == u"list") {
        if (wants(0, u"nothing more"_s))
            list();
    } else if (verb == u"use") {
        if (wants(1, u"the NAME of a saved rack"_s))
            use(arguments.at(0));
    } else if (verb == u"remove") {
        if (wants(1, u"the NAME of a saved rack"_s))
            remove(arguments.at(0));
    } else {
        Q_EMIT usageError(verb.isEmpty()
                ? u"rack needs add, list, use or remove"_s
                : u"cannot understand 'rack %1': rack takes add, list, use or remove"_s.arg(
                    Printable::oneLine(verb, 40)));
    }
}

void SavedRackCommands::add(const QString &name, const QString &linkText)
{
    if (!SavedRacks::isRackName(name)) {
        Q_EMIT usageError(u"a rack's name is 1 to 100 characters, without control characters"_s);
        return;
    }
    QString error;
    QString text = linkText;
    if (text == u"-") {
        // From standard input: a link on the command line is in the process list while rackctl runs.
        QFile input;
        if (!input.open(stdin, QIODevice::ReadOnly)) {
            Q_EMIT usageError(u"cannot read the connect link from standard input"_s);
            return;
        }
        text = QString::fromUtf8(input.readLine(4096)).trimmed();
    }
    const std::optional<ConnectLink> link = ConnectLink::parse(text, &error);
    if (!link) {
        Q_EMIT usageError(error + u"; nothing stored"_s);
        return;
    }
    if (!m_racks.load(&error))
        return fail(Rackctl::CommandFailed, error);
    PinStore pins(m_settings.knownRacks);
    if (!pins.load(&error))
        return fail(Rackctl::Untrusted, error);
    const QString pinned = pins.fingerprint(link->host, link->port);
    const SavedRack rack {name, link->host, link->port};
    if (!pinned.isEmpty() && pinned != link->fingerprint)
        return fail(Rackctl::Untrusted,
            u"%1 is trusted with the fingerprint %2, but the link says %3: nothing stored. If the rack's "
            u"identity changed on purpose, remove its entry from %4 and add the link again"_s.arg(
                rack.key(), pinned, link->fingerprint, m_settings.knownRacks));

    // The link proves itself before anything is kept: the rack must present the link's fingerprint
    // and accept its token.
    connect(&m_client, &RackClient::ready, this, [this, rack, link] {
        m_client.disconnect(this);
        m_client.disconnectFromRack();
        saveVerified(rack, link->fingerprint, link->token);
    });
    connect(&m_client, &RackClient::fingerprintMismatch, this,
        [this, rack](const QString &expected, const QString &presented) {
            fail(Rackctl::Untrusted,
                u"the rack at %1 presents the fingerprint %2, not the link's %3: nothing stored. Someone may "
                u"be in between, or the link is for another rack"_s.arg(rack.key(), presented, expected));
        });
    connect(
        &m_client, &RackClient::disconnected, this, [this, rack](const QString &code, const QString &reason) {
            const int exitCode = Rackctl::exitCodeFor(code);
            if (exitCode == Rackctl::NotAllowed)
                return fail(exitCode,
                    u"the rack at %1 refused the link's token (%2): nothing stored. It may have been "
                    u"revoked; ask "
                    u"for a new link"_s.arg(rack.key(), reason));
            fail(exitCode == Rackctl::CommandFailed ? Rackctl::ConnectionFailed : exitCode,
                u"cannot check the link against %1: %2; nothing stored"_s.arg(rack.key(), reason));
        });
    m_err << "rackctl: checking the link against " << rack.key() << " ...\n";
    m_err.flush();
    m_client.connectToRack({link->host, link->port, link->token, link->fingerprint, m_settings.software});
}

void SavedRackCommands::saveVerified(const SavedRack &rack, const QString &fingerprint, const QString &token)
{
    const auto keepTheRest = [this, rack, fingerprint](const QString &where) {
        QString error;
        PinStore pins(m_settings.knownRacks);
        if (!pins.load(&error)
            || (pins.fingerprint(rack.host, rack.port).isEmpty()
                && !pins.pin(rack.host, rack.port, fingerprint, &error))
            || !m_racks.put(rack, &error)) {
            return fail(Rackctl::CommandFailed, error);
        }
        // The rack just added is the one the operator wants to talk to next.
        if (!m_racks.setCurrent(rack.name, &error))
            return fail(Rackctl::CommandFailed, error);
        m_out << "rack \"" << rack.name << "\" (" << rack.key() << ") saved, its token in " << where
              << "; it is the current rack\n";
        m_done = true;
        Q_EMIT finished(Rackctl::Ok);
    };
    if (m_settings.tokenInFile) {
        QString error;
        if (!m_keyring->writeToFile(rack.key(), token, &error))
            return fail(Rackctl::CommandFailed, error + u"; nothing stored"_s);
        return keepTheRest(m_keyring->fallbackFile());
    }
    m_keyring->write(rack.key(), token, [this, keepTheRest](const TokenKeyring::WriteResult &result) {
        if (result.ok)
            return keepTheRest(u"the keychain"_s);
        if (result.keychainUnavailable)
            return fail(Rackctl::CommandFailed,
                u"no keychain can keep the token here (%1): nothing stored. Add --token-in-file to keep it "
                u"in %2, "
                u"readable by you only"_s.arg(result.error, m_keyring->fallbackFile()));
        fail(Rackctl::CommandFailed,
            u"the keychain refused the token (%1): nothing stored"_s.arg(result.error));
    });
}

void SavedRackCommands::list()
{
    QString error;
    if (!m_racks.load(&error))
        return fail(Rackctl::CommandFailed, error);
    if (m_settings.json) {
        QJsonArray racks;
        for (const SavedRack &rack : m_racks.racks())
            racks.append(QJsonObject {{u"name"_s, rack.name}, {u"host"_s, rack.host}, {u"port"_s, rack.port},
                {u"current"_s, rack.name == m_racks.current()}});
        m_out << QJsonDocument(racks).toJson(QJsonDocument::Indented);
    } else if (m_racks.racks().isEmpty()) {
        m_err << "rackctl: no saved racks yet: add one with 'rackctl rack add NAME LINK'\n";
    } else {
        for (const SavedRack &rack : m_racks.racks())
            m_out << (rack.name == m_racks.current() ? "* " : "  ")
                  << Printable::oneLine(rack.name).leftJustified(20) << ' ' << rack.key() << '\n';
    }
    m_done = true;
    Q_EMIT finished(Rackctl::Ok);
}

void SavedRackCommands::use(const QString &name)
{
    QString error;
    if (!m_racks.setCurrent(name, &error))
        return fail(Rackctl::CommandFailed, error);
    m_out << "rack \"" << name << "\" (" << m_racks.find(name)->key() << ") is the current rack\n";
    m_done = true;
    Q_EMIT finished(Rackctl::Ok);
}

void SavedRackCommands::remove(const QString &name)
{
    QString error;
    if (!m_racks.load(&error))
        return fail(Rackctl::CommandFailed, error);
    const std::optional<SavedRack> rack = m_racks.find(name);
    if (!rack)
        return fail(Rackctl::CommandFailed,
            u"there is no saved rack called \"%1\" in %2"_s.arg(name, m_racks.path()));
    if (!m_racks.remove(name, &error))
        return fail(Rackctl::CommandFailed, error);
    const QList<SavedRack> others = m_racks.racks();
    const bool shared = std::any_of(others.cbegin(), others.cend(),
        [&rack](const SavedRack &other) { return other.key() == rack->key(); });
    const auto done = [this, name, shared] {
        m_out << "rack \"" << name << "\" removed"
              << (shared ? " (its token stays: another saved rack uses it)\n" : ", and its token\n");
        m_done = true;
        Q_EMIT finished(Rackctl::Ok);
    };
    if (shared)
        return done();
    m_keyring->remove(rack->key(), done);
}
