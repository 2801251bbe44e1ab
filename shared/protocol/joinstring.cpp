// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "joinstring.h"

#include "tlsidentity.h"

#include <QHostAddress>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace {
const QString Prefix = u"pirack-join:1/"_s;
}

QString JoinString::toString() const
{
    return Prefix + host + u'/' + QString::number(port) + u'/' + fingerprint.mid(7) + u'/' + secret;
}

std::optional<JoinString> JoinString::parse(const QString &text, QString *error)
{
    const QString trimmed = text.trimmed();
    if (!trimmed.startsWith(Prefix)) {
        *error = u"a join string starts with \"%1\" (get one with 'rackctl join create')"_s.arg(Prefix);
        return std::nullopt;
    }
    const QStringList parts = trimmed.mid(Prefix.size()).split(u'/');
    if (parts.size() != 4) {
        *error = u"a join string has four parts after the prefix: host/port/fingerprint/secret"_s;
        return std::nullopt;
    }
    JoinString join;
    join.host = parts.at(0);
    static const QRegularExpression hostName(
        QRegularExpression::anchoredPattern(u"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"_s));
    if (QHostAddress(join.host).isNull() && !hostName.match(join.host).hasMatch()) {
        *error = u"\"%1\" is not a host name or address"_s.arg(join.host);
        return std::nullopt;
    }
    bool ok = false;
    const uint port = parts.at(1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535) {
        *error = u"\"%1\" is not a port"_s.arg(parts.at(1));
        return std::nullopt;
    }
    join.port = quint16(port);
    const std::optional<QString> fingerprint = normalizeFingerprint(parts.at(2));
    if (!fingerprint) {
        *error = u"\"%1\" is not a SHA-256 fingerprint (64 hex digits)"_s.arg(parts.at(2));
        return std::nullopt;
    }
    join.fingerprint = *fingerprint;
    static const QRegularExpression secret(QRegularExpression::anchoredPattern(u"[A-Za-z0-9_-]{32,128}"_s));
    if (!secret.match(parts.at(3)).hasMatch()) {
        *error = u"the secret must be 32 to 128 letters, digits, '-' or '_'"_s;
        return std::nullopt;
    }
    join.secret = parts.at(3);
    return join;
}
