// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/caller.h"
#include "auththrottle.h"
#include "nodemanager.h"
#include "tokenstore.h"

/**
 * Who a hello is from: a person's or script's token, a node's own credential, or a node joining
 * with a join secret. Failures count against their source in the throttle, which the session asks
 * before it lets a source try again.
 */
class Authenticator
{
public:
    Authenticator(TokenStore *tokens, NodeManager *nodes);

    AuthThrottle &throttle() { return m_throttle; }
    /// Checks a hello; on success fills `caller`, on failure `error`.
    bool authenticate(const Protocol::Hello &hello, const QHostAddress &source, const QString &sourceText,
        Caller *caller, Protocol::Error *error);

private:
    TokenStore *m_tokens;
    NodeManager *m_nodes;
    AuthThrottle m_throttle;
};
