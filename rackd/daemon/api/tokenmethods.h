// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/caller.h"
#include "api/requestaudit.h"
#include "tokenstore.h"

/// token.create, token.list, token.revoke and audit: who may use the rack, and what they did.
class TokenMethods
{
public:
    TokenMethods(TokenStore *tokens, RequestAudit *audit);

    void create(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void list(const Protocol::Request &request, const ReplyHandler &reply);
    void revoke(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void auditTail(const Protocol::Request &request, const ReplyHandler &reply);

private:
    TokenStore *m_tokens;
    RequestAudit *m_audit;
};
