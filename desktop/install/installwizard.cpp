// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/installwizard.h"

#include "install/installjson.h"
#include "install/resultpages.h"
#include "install/setuppages.h"
#include "install/stackpage.h"

#include <QAbstractButton>
#include <QMessageBox>

using namespace Qt::Literals::StringLiterals;

InstallPage::InstallPage(InstallWizard *wizard)
    : m_wizard(wizard)
{ }

InstallWizard::InstallWizard(RackSession *session, RackState *state, QWidget *parent)
    : QWizard(parent)
    , m_session(session)
    , m_state(state)
{
    setObjectName(u"installWizard"_s);
    setWindowTitle(tr("Install the rack"));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setOption(QWizard::HaveCustomButton1);
    setButtonText(QWizard::CustomButton1, tr("Abort install…"));
    setMinimumSize(720, 560);

    m_record = InstallJson::read(m_session->install());
    const std::optional<InstallRecord> &current = m_record;
    if (InstallJson::isActive(current)) {
        m_followedId = current->id;
        for (const InstallStack &stack : current->stacks)
            m_stacks.append(stack.id);
    } else {
        // An install that is over is not followed: the wizard is here to run a new one.
        m_followedId.clear();
        for (const StackView &stack : m_state->stacks())
            m_stacks.append(stack.id);
    }
    m_ignoredId = InstallJson::isActive(current) ? QString() : InstallJson::id(current);

    setPage(PrecheckPageId, new PrecheckPage(this));
    setPage(ConfirmPageId, new ConfirmPage(this));
    m_order = {PrecheckPageId, ConfirmPageId};
    for (qsizetype i = 0; i < m_stacks.size(); ++i) {
        setPage(FirstStackPageId + int(i), new StackPage(this, m_stacks.at(i)));
        m_order.append(FirstStackPageId + int(i));
    }
    setPage(ReviewPageId, new ReviewPage(this));
    setPage(ApplyPageId, new ApplyPage(this));
    setPage(SummaryPageId, new SummaryPage(this));
    // Each page tells a screen reader what it is: its title and its subtitle, as shown.
    const auto describe = [this](int id) {
        if (QWizardPage *shown = page(id)) {
            shown->setAccessibleName(shown->title().isEmpty() ? tr("Install step") : shown->title());
            shown->setAccessibleDescription(
                shown->subTitle().isEmpty() ? tr("A step of the staged install") : shown->subTitle());
        }
    };
    for (int id : pageIds())
        describe(id);
    connect(this, &QWizard::currentIdChanged, this, describe);
    m_order.append({ReviewPageId, ApplyPageId, SummaryPageId});

    connect(m_session, &RackSession::installChanged, this, &InstallWizard::onInstallChanged);
    connect(m_session, &RackSession::eventReceived, this, [this](const Protocol::Event &event) {
        if (event.name != Protocol::name(Protocol::EventName::InstallStep))
            return;
        if (auto *stackPage
            = qobject_cast<StackPage *>(page(stackPageId(event.data.value(u"stack"_s).toInt()))))
            stackPage->appendStep(event.data.value(u"message"_s).toString());
    });
    connect(this, &QWizard::customButtonClicked, this, [this](int which) {
        if (which != QWizard::CustomButton1)
            return;
        const auto answer = QMessageBox::question(this, tr("Abort the install?"),
            tr("Before the reservations are written, every stack of the install is switched off and nothing "
               "else changes. After that the relays stay as they are. Abort?"));
        if (answer != QMessageBox::Yes)
            return;
        send(Protocol::Method::InstallAbort, {}, this, [this](const Protocol::Reply &reply) {
            if (reply.isError())
                Q_EMIT requestFailed(reply.error->message);
        });
    });
    connect(this, &QWizard::currentIdChanged, this, &InstallWizard::updateAbortButton);

    // Opened while an install runs: start where it is.
    const int where = pageFor(current);
    if (where != -1)
        setStartId(where);
    updateAbortButton();
}

InstallWizard::~InstallWizard() = default;

int InstallWizard::stackPageId(int stack) const
{
    const qsizetype index = m_stacks.indexOf(stack);
    return index < 0 ? -1 : FirstStackPageId + int(index);
}

int InstallWizard::pageFor(const std::optional<InstallRecord> &record) const
{
    if (!record || record->id == m_ignoredId) // no install has run ("none"), or not one we read
        return -1;
    if (record->outcome == InstallJson::Outcome::Aborted || record->outcome == InstallJson::Outcome::Failed)
        return SummaryPageId;
    if (record->step == InstallJson::Step::SwitchingOff)
        return m_stacks.isEmpty() ? ReviewPageId : FirstStackPageId;
    if (record->step == InstallJson::Step::Discovery) {
        const int page = stackPageId(InstallJson::currentStack(*record));
        return page == -1 ? FirstStackPageId : page;
    }
    if (record->step == InstallJson::Step::Writing)
        return ReviewPageId;
    return ApplyPageId; // powering on, verifying, or finished
}

int InstallWizard::nextId() const
{
    const qsizetype index = m_order.indexOf(currentId());
    return index < 0 || index + 1 >= m_order.size() ? -1 : m_order.at(index + 1);
}

void InstallWizard::send(Protocol::Method method, const QJsonObject &params, QObject *context,
    std::function<void(const Protocol::Reply &)> handler)
{
    QPointer<QObject> guard(context);
    m_session->client()->request(
        method, params, [guard, handler = std::move(handler)](const Protocol::Reply &reply) {
            if (guard)
                handler(reply);
        });
}

void InstallWizard::onInstallChanged(const QJsonObject &install)
{
    // Read once per announcement: every page asks for it on each refresh.
    m_record = InstallJson::read(install);
    const std::optional<InstallRecord> &record = m_record;
    if (InstallJson::isActive(record) && record->id != m_ignoredId)
        m_followedId = record->id;
    for (int id : std::as_const(m_order)) {
        if (auto *installPage = qobject_cast<InstallPage *>(page(id)))
            installPage->refresh();
    }
    updateAbortButton();
    if (m_followedId.isEmpty() || InstallJson::id(record) != m_followedId)
        return;
    int target = pageFor(record);
    // Live, the wizard stops at the review after discovery; the operator goes on to the power-on.
    if (target == ApplyPageId && currentId() <= ReviewPageId)
        target = ReviewPageId;
    goTo(target);
}

void InstallWizard::goTo(int pageId)
{
    const qsizetype target = m_order.indexOf(pageId);
    // Forward only: an operator who went back to look at a page is not dragged away by a retry.
    for (int guard = 0; guard < m_order.size() && m_order.indexOf(currentId()) < target; ++guard) {
        const int before = currentId();
        next();
        if (currentId() == before)
            break; // the page would not let go (it is asking something)
    }
}

void InstallWizard::updateAbortButton()
{
    const std::optional<InstallRecord> install = record();
    const bool abortable = InstallJson::isActive(install) && install->id == m_followedId;
    if (QAbstractButton *abort = button(QWizard::CustomButton1))
        abort->setVisible(abortable);
}
