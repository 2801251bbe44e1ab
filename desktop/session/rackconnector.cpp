// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/rackconnector.h"

#include "client/pinstore.h"
#include "desktoplogging.h"

using namespace Qt::Literals::StringLiterals;

RackConnector::RackConnector(RackSession *session, RackState *state, TokenKeyring *keyring, QString pinFile,
    Prompts prompts, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_state(state)
    , m_keyring(keyring)
    , m_pinFile(std::move(pinFile))
    , m_prompts(std::move(prompts))
{
    connect(m_session, &RackSession::statusChanged, this,
        [this](RackSession::Status status, const QString &message) {
            if (m_linkFingerprint.isEmpty() || !m_rack)
                return;
            if (status == RackSession::Status::Connected)
                keepVerifiedLink();
            else if (status == RackSession::Status::Disconnected) {
                m_linkFingerprint.clear();
                Q_EMIT stopped(tr("Not connected to %1 with the link (%2): nothing stored. If its token was "
                                  "revoked, ask for a new link.")
                                   .arg(m_rack->key(), message));
            }
        });
    connect(m_session, &RackSession::untrustedServer, this, [this](const QString &fingerprint) {
        if (!m_rack)
            return;
        const SavedRack rack = *m_rack;
        if (!m_prompts.trust(rack, fingerprint)) {
            Q_EMIT stopped(tr("%1 is not trusted: nothing was sent to it.").arg(rack.name));
            return;
        }
        PinStore pins(m_pinFile);
        QString error;
        if (!pins.load(&error) || !pins.pin(rack.host, rack.port, fingerprint, &error)) {
            Q_EMIT stopped(tr("The fingerprint of %1 cannot be saved: %2").arg(rack.name, error));
            return;
        }
        open(rack, m_token);
    });
    connect(m_session, &RackSession::fingerprintMismatch, this,
        [this](const QString &pinned, const QString &presented) {
            if (!m_rack)
                return;
            if (!m_linkFingerprint.isEmpty()) {
                m_linkFingerprint.clear();
                Q_EMIT stopped(tr("%1 (%2) presents the certificate %3, not the one in the link (%4): not "
                                  "connected, nothing stored. Someone may be in between, or the link is for "
                                  "another rack.")
                                   .arg(m_rack->name, m_rack->key(), presented, pinned));
                return;
            }
            m_prompts.mismatch(*m_rack, pinned, presented);
            Q_EMIT stopped(
                tr("%1 presents another certificate than the one trusted: not connected.").arg(m_rack->name));
        });
}

void RackConnector::connectWithLink(const SavedRack &rack, const QString &fingerprint, const QString &token)
{
    ++m_attempt;
    m_linkFingerprint.clear();
    m_session->close();
    m_state->clear();
    PinStore pins(m_pinFile);
    QString error;
    if (!pins.load(&error)) {
        Q_EMIT stopped(error);
        return;
    }
    const QString pinned = pins.fingerprint(rack.host, rack.port);
    if (!pinned.isEmpty() && pinned != fingerprint) {
        Q_EMIT stopped(
            tr("%1 is already trusted with another certificate (%2) than the link's (%3): not "
               "connected, nothing stored. If the rack's identity changed on purpose, remove its line "
               "from %4 and open the link again.")
                .arg(rack.key(), pinned, fingerprint, m_pinFile));
        return;
    }
    m_rack = rack;
    m_token = token;
    m_linkFingerprint = fingerprint;
    Q_EMIT rackChanged(rack);
    m_session->open({rack.host, rack.port, token, fingerprint, u"pirack " PIRACK_VERSION_STRING ""_s});
}

void RackConnector::keepVerifiedLink()
{
    const SavedRack rack = *m_rack;
    const QString fingerprint = std::exchange(m_linkFingerprint, QString());
    storeToken(rack, m_token, [this, rack, fingerprint, attempt = m_attempt] {
        if (attempt != m_attempt)
            return;
        PinStore pins(m_pinFile);
        SavedRacks saved;
        QString error;
        if (!pins.load(&error)
            || (pins.fingerprint(rack.host, rack.port).isEmpty()
                && !pins.pin(rack.host, rack.port, fingerprint, &error))
            || !saved.put(rack, &error) || !saved.setCurrent(rack.name, &error))
            Q_EMIT stopped(tr("Connected to %1, but it could not be saved: %2").arg(rack.name, error));
    });
}

void RackConnector::connectTo(const SavedRack &rack, const QString &typedToken, bool keepToken)
{
    const quint64 attempt = ++m_attempt;
    m_linkFingerprint.clear();
    m_session->close();
    m_state->clear();
    m_rack = rack;
    m_token.clear();
    QString error;
    if (!SavedRacks().setCurrent(rack.name, &error)) // a rack given for this run only is not saved
        qCDebug(lcDesktop).noquote() << "not the current rack:" << error;
    Q_EMIT rackChanged(rack);
    if (!typedToken.isEmpty() && !keepToken) {
        open(rack, typedToken);
        return;
    }
    if (!typedToken.isEmpty()) {
        storeToken(rack, typedToken, [this, attempt, rack, typedToken] {
            if (attempt == m_attempt)
                open(rack, typedToken);
        });
        return;
    }
    m_keyring->read(rack.key(), [this, attempt, rack](const TokenKeyring::ReadResult &result) {
        if (attempt != m_attempt)
            return;
        if (result.token) {
            open(rack, *result.token);
            return;
        }
        const QString why = result.error.isEmpty()
            ? tr("No token is stored for %1.").arg(rack.name)
            : tr("No token for %1 could be read (%2).").arg(rack.name, result.error);
        const std::optional<QString> token = m_prompts.askToken(rack, why);
        if (!token || token->trimmed().isEmpty()) {
            Q_EMIT stopped(tr("Not connected: %1 needs a token.").arg(rack.name));
            return;
        }
        storeToken(rack, token->trimmed(), [this, attempt, rack, typed = token->trimmed()] {
            if (attempt == m_attempt)
                open(rack, typed);
        });
    });
}

void RackConnector::storeToken(const SavedRack &rack, const QString &token, std::function<void()> then)
{
    m_keyring->write(rack.key(), token,
        [this, rack, token, then = std::move(then)](const TokenKeyring::WriteResult &result) {
            if (!result.ok && result.keychainUnavailable
                && m_prompts.storeInFile(rack, m_keyring->fallbackFile(), result.error)) {
                QString error;
                if (!m_keyring->writeToFile(rack.key(), token, &error))
                    qCWarning(lcDesktop).noquote() << error;
            }
            // Not stored at all is the operator's choice: the token is asked for again next time.
            then();
        });
}

void RackConnector::open(const SavedRack &rack, const QString &token)
{
    m_token = token;
    PinStore pins(m_pinFile);
    QString error;
    if (!pins.load(&error)) {
        Q_EMIT stopped(error);
        return;
    }
    m_session->open({rack.host, rack.port, token, pins.fingerprint(rack.host, rack.port),
        u"pirack " PIRACK_VERSION_STRING ""_s});
}
