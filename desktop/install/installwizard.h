// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "install/installjson.h"

#include "session/racksession.h"

#include <QPointer>
#include <QWizard>
#include <functional>

class InstallWizard;

/// A page of the install wizard: it redraws itself from the install record whenever rackd announces it.
class InstallPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit InstallPage(InstallWizard *wizard);

    InstallWizard *installWizard() const { return m_wizard; }
    /// The record changed (or the rack did): show it.
    virtual void refresh() = 0;

private:
    InstallWizard *m_wizard;
};

/**
 * The guided staged install, as a QWizard over rackd's install: pre-checks, the confirmation that
 * every stack will be switched off, one page per stack as it is discovered (with the operator's
 * decisions), the review of what was found, the power-on and verification, and the summary with the
 * inventory export. The install lives in rackd: the wizard only shows its record and sends the
 * operator's answers, so closing it (or the app) loses nothing, and a wizard opened while an install
 * runs starts at that install's current step.
 */
class InstallWizard : public QWizard
{
    Q_OBJECT

public:
    enum PageId {
        PrecheckPageId = 0,
        ConfirmPageId = 1,
        FirstStackPageId = 10, ///< Then one page per stack, in the install's order.
        ReviewPageId = 10000,
        ApplyPageId = 10001,
        SummaryPageId = 10002,
    };

    InstallWizard(RackSession *session, RackState *state, QWidget *parent = nullptr);
    ~InstallWizard() override;

    RackSession *session() const { return m_session; }
    RackState *state() const { return m_state; }
    /// The install as rackd last announced it.
    /// The install rackd announced, read; empty when none has run (or it could not be read).
    const std::optional<InstallRecord> &record() const { return m_record; }
    /// The stacks the wizard has a page for, in the install's order.
    QList<int> stacks() const { return m_stacks; }
    int stackPageId(int stack) const;
    /// The page that shows where `record` is; -1 when there is no install to follow.
    int pageFor(const std::optional<InstallRecord> &record) const;

    /// Sends a request; `handler` runs only if `context` still exists when the reply comes.
    void send(Protocol::Method method, const QJsonObject &params, QObject *context,
        std::function<void(const Protocol::Reply &)> handler);

    int nextId() const override;

Q_SIGNALS:
    /// Shown to the operator as rackd's answer to something they asked for.
    void requestFailed(const QString &message);

private:
    void onInstallChanged(const QJsonObject &record);
    void goTo(int pageId);
    void updateAbortButton();

    RackSession *m_session;
    RackState *m_state;
    QList<int> m_stacks;
    QList<int> m_order; ///< Every page id, in order.
    /// The install being followed: one this wizard started, or the one running when it opened.
    std::optional<InstallRecord> m_record; ///< The session's install, read when it was announced.
    QString m_followedId;
    /// An install that was already over when the wizard opened: shown nowhere, never followed.
    QString m_ignoredId;
};
