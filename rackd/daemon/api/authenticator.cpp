// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/authenticator.h"

#include "daemonlogging.h"

using namespace Qt::Literals::StringLiterals;

Authenticator::Authenticator(TokenStore *tokens, NodeManager *nodes)
    : m_tokens(tokens)
    , m_nodes(nodes)
{ }

bool Authenticator::authenticate(const Protocol::Hello &hello, const QHostAddress &source,
    const QString &sourceText, Caller *caller, Protocol::Error *error)
{
    if (hello.protocol != Protocol::Version) {
        *error = {Protocol::ErrorCode::ProtocolVersion,
            u"this rackd speaks protocol %1, the client %2"_s.arg(Protocol::Version).arg(hello.protocol), {}};
        return false;
    }
    if (hello.isAgent()) {
        const std::optional<NodeManager::Login> login = m_nodes->authenticate(hello, error);
        if (!login) {
            const int failures = m_throttle.recordFailure(source);
            qCWarning(lcDaemon).noquote() << "agent authentication failed from" << sourceText << "("
                                          << failures << "in a row):" << error->message;
            return false;
        }
        m_throttle.recordSuccess(source);
        *caller
            = {TokenInfo {login->name, Role::Viewer, {}, {}}, sourceText, login->mac, login->newCredential};
        return true;
    }
    const std::optional<TokenInfo> token = m_tokens->authenticate(hello.token);
    if (!token) {
        const int failures = m_throttle.recordFailure(source);
        qCWarning(lcDaemon).noquote()
            << "authentication failed from" << sourceText << "(" << failures << "in a row)";
        *error = {Protocol::ErrorCode::Unauthenticated, u"the token is not valid (unknown or revoked)"_s, {}};
        return false;
    }
    m_throttle.recordSuccess(source);
    *caller = {*token, sourceText};
    qCInfo(lcDaemon).noquote() << "client" << sourceText << "authenticated as" << token->name
                               << u"(" + roleName(token->role) + u")";
    return true;
}
