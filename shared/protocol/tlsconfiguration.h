// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tlsidentity.h"

#include <QSslConfiguration>
#include <QSslError>

class QSslSocket;

/// The one place that decides how PiRack speaks TLS: version 1.2 or newer, always.
namespace PiRackTls {

/// For rackd's listening side. Clients authenticate with tokens, not certificates.
QSslConfiguration serverConfiguration(const TlsIdentity &identity);

/// For a client: verifies the peer, which succeeds only through pinFingerprint() below.
QSslConfiguration clientConfiguration();

/**
 * Decides the TLS errors of a connection to a self-signed peer. They are ignored, one by one,
 * only when the peer's certificate has the pinned fingerprint and every error is one a
 * self-signed certificate causes; anything else keeps the connection failing.
 * Connect it to QSslSocket::sslErrors. Returns whether the errors were accepted.
 */
bool acceptPinnedPeer(QSslSocket *socket, const QList<QSslError> &errors, const QString &pinnedFingerprint);

} // namespace PiRackTls
