// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSslCertificate>
#include <QSslKey>
#include <optional>

/**
 * A TLS identity: an EC P-256 key and a self-signed certificate for it. Qt cannot make keys,
 * so they are generated with OpenSSL's libcrypto. Peers trust it by its fingerprint, the way
 * KDE Connect and k3s join tokens do, not through a certificate authority.
 */
struct TlsIdentity
{
    QSslCertificate certificate;
    QSslKey key;

    bool isNull() const { return certificate.isNull() || key.isNull(); }
    QString fingerprint() const;

    static std::optional<TlsIdentity> generate(const QString &commonName, QString *error);

    /**
     * Loads `<directory>/<name>.crt` and `<name>.key`, or creates both when neither exists
     * (the key mode 0600, written atomically). A damaged or half-present pair is an error and
     * is left untouched: a silently new identity would break every peer's pin.
     */
    static std::optional<TlsIdentity> loadOrCreate(
        const QString &directory, const QString &name, const QString &commonName, QString *error);
};

/// `SHA256:` and the 64 lower-case hex digits of the certificate's SHA-256 digest.
QString certificateFingerprint(const QSslCertificate &certificate);

/**
 * Accepts what a person pastes: with or without the `SHA256:` prefix, any case, with colons or
 * spaces between the bytes. Returns the canonical form, or nothing when it is not a fingerprint.
 */
std::optional<QString> normalizeFingerprint(const QString &text);
