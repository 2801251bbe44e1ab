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
            m_prompts.mismatch(*m_rack, pinned, presented);
            Q_EMIT stopped(
                tr("%1 presents another certificate than the one trusted: not connected.").arg(m_rack->name));
        });
}

void RackConnector::connectTo(const SavedRack &rack, const QString &typedToken, bool keepToken)
{
    const quint64 attempt = ++m_attempt;
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
