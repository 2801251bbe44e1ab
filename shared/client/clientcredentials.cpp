// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "client/clientcredentials.h"

#include "protocol/tlsidentity.h"

#include <QFile>

using namespace Qt::Literals::StringLiterals;

namespace ClientCredentials {

std::optional<QString> readTokenFile(const QString &path, QString *warning, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read the token file %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    const QString token = QString::fromUtf8(file.readLine(4096)).trimmed();
    if (token.isEmpty()) {
        *error = u"the token file %1 holds no token on its first line"_s.arg(path);
        return std::nullopt;
    }
    if (file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther))
        *warning = u"%1 is readable by others; chmod 600 it"_s.arg(path);
    return token;
}

std::optional<GivenFingerprint> checkGivenFingerprint(
    const PinStore &pins, const QString &host, quint16 port, const QString &given, QString *error)
{
    const std::optional<QString> fingerprint = normalizeFingerprint(given);
    if (!fingerprint) {
        *error = u"--trust-fingerprint takes SHA256: and 64 hex digits"_s;
        return std::nullopt;
    }
    const QString pinned = pins.fingerprint(host, port);
    if (!pinned.isEmpty() && pinned != *fingerprint) {
        *error = u"%1:%2 is already trusted with %3, not %4; refusing to replace a pin silently"_s.arg(host)
                     .arg(port)
                     .arg(pinned, *fingerprint);
        return std::nullopt;
    }
    return GivenFingerprint {*fingerprint, pinned.isEmpty()};
}

} // namespace ClientCredentials
