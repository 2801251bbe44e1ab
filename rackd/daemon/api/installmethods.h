// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/caller.h"
#include "api/requestaudit.h"
#include "install/stagedinstall.h"

#include <QJsonArray>

/// install.*: the guided staged install (the state machine itself is StagedInstall).
class InstallMethods
{
public:
    InstallMethods(StagedInstall *install, RequestAudit *audit);

    /// What install.precheck answers; set by the daemon, which knows the configuration.
    void setPrecheck(std::function<QJsonArray()> precheck) { m_precheck = std::move(precheck); }

    void status(const Protocol::Request &request, const ReplyHandler &reply);
    void precheck(const Protocol::Request &request, const ReplyHandler &reply);
    void start(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void replace(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void decide(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void addMac(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);
    void abort(const Caller &caller, const Protocol::Request &request, const ReplyHandler &reply);

private:
    QJsonObject record() const;
    /// Audits the request, then answers with the install as it is now, or with the failure.
    void answer(const Caller &caller, const Protocol::Request &request, const QJsonArray &targets,
        const std::optional<Protocol::Error> &failure, const ReplyHandler &reply);

    StagedInstall *m_install;
    RequestAudit *m_audit;
    std::function<QJsonArray()> m_precheck;
};
