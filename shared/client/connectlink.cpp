// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "connectlink.h"

#include "protocol/tlsidentity.h"

#include <QHostAddress>
#include <QSet>
#include <QSysInfo>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace {

constexpr qsizetype TokenPrefixLength = 4; // "prt_"
constexpr qsizetype TokenSecretLength = 43; // 256 bits in base64url without padding
constexpr qsizetype MaximumLinkLength = 2048;
constexpr qsizetype MaximumNameLength = 100;

bool isBase64Url(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'-'
        || c == u'_';
}

} // namespace

bool ConnectLink::looksLikeToken(const QString &token)
{
    return token.size() == TokenPrefixLength + TokenSecretLength && token.startsWith(u"prt_"_s)
        && std::all_of(token.cbegin() + TokenPrefixLength, token.cend(), isBase64Url);
}

QString ConnectLink::hostForLink(const QString &host)
{
    const QHostAddress address(host);
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0 || address.isLoopback())
        return QSysInfo::machineHostName();
    return host;
}

bool ConnectLink::isHost(const QString &host)
{
    if (!QHostAddress(host).isNull())
        return true;
    return !host.isEmpty() && host.size() <= 253 && !host.startsWith(u'-') && !host.startsWith(u'.')
        && std::all_of(host.cbegin(), host.cend(), [](QChar c) {
               return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
                   || c == u'-' || c == u'.';
           });
}

QString ConnectLink::rackName() const
{
    if (!name.isEmpty())
        return name;
    const bool ipv6 = host.contains(u':');
    return (ipv6 ? u'[' + host + u']' : host) + u':' + QString::number(port);
}

QString ConnectLink::toString() const
{
    QUrl url;
    url.setScheme(QString::fromLatin1(Scheme));
    url.setHost(host);
    url.setPort(port);
    url.setPath(u"/"_s);
    QUrlQuery query;
    if (!name.isEmpty())
        query.addQueryItem(u"name"_s, QString::fromLatin1(QUrl::toPercentEncoding(name)));
    query.addQueryItem(u"fingerprint"_s, fingerprint);
    query.addQueryItem(u"token"_s, token); // last: a link cut short loses part of it, and is refused
    url.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return url.toString(QUrl::FullyEncoded);
}

std::optional<ConnectLink> ConnectLink::parse(const QString &text, QString *error)
{
    const auto fail = [error](const QString &why) {
        *error = why;
        return std::nullopt;
    };
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return fail(u"the connect link is empty"_s);
    if (trimmed.size() > MaximumLinkLength)
        return fail(u"this is not a connect link: it is longer than %1 characters"_s.arg(MaximumLinkLength));
    if (!trimmed.startsWith(u"pirack://"_s, Qt::CaseInsensitive))
        return fail(u"this is not a connect link: it must start with pirack://"_s);
    for (const QChar c : trimmed) {
        if (c.isSpace() || c.unicode() < 0x20 || c.unicode() == 0x7f)
            return fail(u"the connect link has a space or a control character in it: copy it again, whole"_s);
    }
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid())
        return fail(u"the connect link is damaged: its host or port cannot be read"_s); // Qt's message quotes
                                                                                        // the whole link
    if (!url.userInfo().isEmpty())
        return fail(u"the connect link must not carry a user name or password before the host"_s);
    if (!url.fragment().isNull())
        return fail(u"the connect link has a '#' part, which no PiRack link has"_s);

    ConnectLink link;
    link.host = url.host(QUrl::FullyDecoded);
    if (link.host.isEmpty())
        return fail(u"the connect link names no host"_s);
    if (!isHost(link.host))
        return fail(u"the connect link's host \"%1\" is neither a host name nor an address"_s.arg(
            link.host.left(80)));
    const int port = url.port(-1);
    if (port == -1)
        return fail(u"the connect link has no port after the host (such as :7420)"_s);
    if (port < 1 || port > 65535)
        return fail(u"the connect link's port %1 is not from 1 to 65535"_s.arg(port));
    link.port = quint16(port);
    if (!url.path().isEmpty() && url.path() != u"/"_s)
        return fail(u"the connect link has a path (%1) where none belongs"_s.arg(url.path()));

    const QUrlQuery query(url);
    QSet<QString> seen;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (seen.contains(key))
            return fail(u"the connect link gives '%1' twice"_s.arg(key));
        seen.insert(key);
        if (key == u"name"_s) {
            link.name = value.trimmed();
            if (link.name.size() > MaximumNameLength
                || std::any_of(link.name.cbegin(), link.name.cend(),
                    [](QChar c) { return c.category() == QChar::Other_Control; }))
                return fail(u"the connect link's rack name is longer than %1 characters or holds control "
                            u"characters"_s.arg(MaximumNameLength));
        } else if (key == u"fingerprint"_s) {
            const std::optional<QString> fingerprint = normalizeFingerprint(value);
            if (!fingerprint)
                return fail(u"the connect link's fingerprint is not a SHA256 fingerprint of 64 hex digits: "
                            u"was the link cut short?"_s);
            link.fingerprint = *fingerprint;
        } else if (key == u"token"_s) {
            link.token = value;
        } else {
            return fail(u"the connect link has a part '%1' that PiRack does not know: was it made by a "
                        u"newer version?"_s.arg(key.left(40)));
        }
    }
    if (link.fingerprint.isEmpty())
        return fail(u"the connect link has no fingerprint: copy it again, whole"_s);
    if (link.token.isEmpty())
        return fail(u"the connect link has no token: copy it again, whole (the token comes last)"_s);
    if (!looksLikeToken(link.token))
        return fail(u"the connect link's token is not whole (a token is \"prt_\" and 43 more characters): "
                    u"copy the link again, to its end"_s);
    return link;
}
