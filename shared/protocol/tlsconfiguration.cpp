// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "tlsconfiguration.h"

#include "protocollogging.h"

#include <QSslSocket>

namespace PiRackTls {

QSslConfiguration serverConfiguration(const TlsIdentity &identity)
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setLocalCertificate(identity.certificate);
    configuration.setPrivateKey(identity.key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    return configuration;
}

QSslConfiguration clientConfiguration()
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    // No system CA may vouch for a rackd: only its pinned fingerprint does.
    configuration.setCaCertificates({});
    return configuration;
}

bool acceptPinnedPeer(QSslSocket *socket, const QList<QSslError> &errors, const QString &pinnedFingerprint)
{
    const QSslCertificate peer = socket->peerCertificate();
    const QString fingerprint = certificateFingerprint(peer);
    if (pinnedFingerprint.isEmpty() || fingerprint != pinnedFingerprint) {
        qCWarning(lcProtocol).noquote() << "refusing" << socket->peerName() << "- its certificate"
                                        << fingerprint << "is not the pinned" << pinnedFingerprint;
        return false;
    }
    // The errors an unsigned-by-anyone certificate causes; nothing about expiry, revocation or keys.
    static const QList<QSslError::SslError> selfSignedErrors {QSslError::SelfSignedCertificate,
        QSslError::SelfSignedCertificateInChain, QSslError::UnableToGetLocalIssuerCertificate,
        QSslError::UnableToVerifyFirstCertificate, QSslError::CertificateUntrusted,
        QSslError::HostNameMismatch};
    for (const QSslError &error : errors) {
        if (!selfSignedErrors.contains(error.error()) || error.certificate() != peer) {
            qCWarning(lcProtocol).noquote() << "refusing" << socket->peerName() << "-" << error.errorString();
            return false;
        }
    }
    socket->ignoreSslErrors(errors);
    return true;
}

} // namespace PiRackTls
