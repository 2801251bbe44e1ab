// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "client/savedracks.h"
#include "keyring/tokenkeyring.h"
#include "session/racksession.h"

#include <functional>
#include <optional>

/**
 * Connecting the app to one of the saved racks, all the way: the token (typed now, or from the
 * keyring; where no secret service runs, the operator decides about the file), trust on first
 * contact (the fingerprint to compare with `rackd --fingerprint`, then pinned), and a clear stop
 * when a pinned rack presents another certificate. Switching racks is connecting to another one.
 */
class RackConnector : public QObject
{
    Q_OBJECT

public:
    /// The questions only the operator can answer; the app shows dialogs, tests answer directly.
    struct Prompts
    {
        /// First contact: true to trust (and pin) this fingerprint.
        std::function<bool(const SavedRack &rack, const QString &fingerprint)> trust;
        /// A pinned rack presents another certificate.
        std::function<void(const SavedRack &rack, const QString &pinned, const QString &presented)> mismatch;
        /// No secret service: true to keep the token in `file`, readable only by this user.
        std::function<bool(const SavedRack &rack, const QString &file, const QString &why)> storeInFile;
        /// No token is stored for the rack: the token, or nothing to give up.
        std::function<std::optional<QString>(const SavedRack &rack, const QString &why)> askToken;
    };

    RackConnector(RackSession *session, RackState *state, TokenKeyring *keyring, QString pinFile,
        Prompts prompts, QObject *parent = nullptr);

    /// Closes any current connection and connects to `rack`; `typedToken` (if any) is stored first.
    /// `keepToken` false: a token handed over for this run only (from a file the operator keeps).
    void connectTo(const SavedRack &rack, const QString &typedToken = {}, bool keepToken = true);
    /**
     * Connects with what a connect link carries: the rack must present `fingerprint` and accept
     * `token`. Only then is anything kept (the token, the pin, the saved rack, as the current one);
     * a fingerprint that differs, a refused token or no answer stops with the reason, nothing stored.
     */
    void connectWithLink(const SavedRack &rack, const QString &fingerprint, const QString &token);
    std::optional<SavedRack> current() const { return m_rack; }

Q_SIGNALS:
    /// Connecting to this rack has begun (the window shows its name).
    void rackChanged(const SavedRack &rack);
    /// It cannot go on without the operator: the reason, for the banner.
    void stopped(const QString &reason);

private:
    void storeToken(const SavedRack &rack, const QString &token, std::function<void()> then);
    void open(const SavedRack &rack, const QString &token);
    void keepVerifiedLink();

    RackSession *m_session;
    RackState *m_state;
    TokenKeyring *m_keyring;
    QString m_pinFile;
    Prompts m_prompts;
    std::optional<SavedRack> m_rack;
    QString m_token;
    QString m_linkFingerprint; ///< Set while a link is being checked: nothing is kept before it proved right.
    quint64 m_attempt = 0; ///< A keyring answer for an earlier connectTo() is dropped.
};
