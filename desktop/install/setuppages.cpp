// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/setuppages.h"

#include "install/installjson.h"
#include "install/statusword.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

PrecheckPage::PrecheckPage(InstallWizard *wizard)
    : InstallPage(wizard)
    , m_table(new QTableWidget(0, 3))
    , m_summary(new QLabel)
    , m_again(new QPushButton(tr("Check again")))
{
    setTitle(tr("Before the install"));
    setSubTitle(tr("rackd checks what the install needs: its relays, the DHCP server's events, dnsmasq's "
                   "reservations file and dnsmasq itself."));
    m_table->setHorizontalHeaderLabels({tr("Status"), tr("Check"), tr("What rackd sees, and how to fix it")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(true);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Pre-checks"));
    m_summary->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_summary);
    layout->addWidget(m_again, 0, Qt::AlignLeft);
    connect(m_again, &QPushButton::clicked, this, &PrecheckPage::runChecks);
}

void PrecheckPage::initializePage() { runChecks(); }

void PrecheckPage::runChecks()
{
    m_summary->setText(tr("Checking…"));
    m_again->setEnabled(false);
    installWizard()->send(Protocol::Method::InstallPrecheck, {}, this, [this](const Protocol::Reply &reply) {
        m_again->setEnabled(true);
        m_loaded = true;
        m_table->setRowCount(0);
        if (reply.isError()) {
            m_ready = false;
            m_summary->setText(tr("rackd could not run the checks: %1").arg(reply.error->message));
            Q_EMIT completeChanged();
            Q_EMIT checked();
            return;
        }
        int errors = 0;
        for (const QJsonValue &value : reply.result.value(u"checks"_s).toArray()) {
            const QJsonObject check = value.toObject();
            const QString status = check.value(u"status"_s).toString();
            errors += status == u"error" ? 1 : 0;
            const int row = m_table->rowCount();
            m_table->insertRow(row);
            m_table->setItem(row, 0, StatusWord::item(status));
            m_table->setItem(row, 1, new QTableWidgetItem(check.value(u"title"_s).toString()));
            QString text = check.value(u"detail"_s).toString();
            if (const QString fix = check.value(u"fix"_s).toString(); !fix.isEmpty())
                text += u"\n"_s + tr("Fix: %1").arg(fix);
            m_table->setItem(row, 2, new QTableWidgetItem(text));
        }
        m_table->resizeRowsToContents();
        m_ready = reply.result.value(u"ready"_s).toBool() && errors == 0;
        m_summary->setText(m_ready
                ? tr("Ready. Warnings do not stop the install, but say what you will do by hand.")
                : tr("%n problem(s) must be fixed on the master first; then check again.", nullptr, errors));
        Q_EMIT completeChanged();
        Q_EMIT checked();
    });
}

bool PrecheckPage::isComplete() const
{
    // An install already running needs no check: the wizard is only following it.
    return m_ready || InstallJson::isActive(installWizard()->record());
}

ConfirmPage::ConfirmPage(InstallWizard *wizard)
    : InstallPage(wizard)
    , m_text(new QLabel)
    , m_upWarning(new QLabel)
    , m_timeout(new QSpinBox)
    , m_confirm(new QCheckBox(tr("I understand that every stack will be switched off now")))
    , m_error(new QLabel)
{
    setTitle(tr("What will happen"));
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("Start the install"));
    m_text->setWordWrap(true);
    m_upWarning->setWordWrap(true);
    m_upWarning->setStyleSheet(u"color: #8a1f11; font-weight: bold;"_s);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #8a1f11;"_s);
    m_timeout->setRange(10, 3600);
    m_timeout->setValue(90);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setAccessibleName(tr("Seconds to wait for the Pis of each stack"));
    auto *form = new QFormLayout;
    form->addRow(tr("Wait for each stack's Pis at most"), m_timeout);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_text);
    layout->addWidget(m_upWarning);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(m_confirm);
    layout->addWidget(m_error);
    registerField(u"confirmSwitchOff*"_s, m_confirm);
}

void ConfirmPage::initializePage()
{
    const RackState *state = installWizard()->state();
    int pis = 0;
    QStringList up;
    for (const StackView &stack : state->stacks()) {
        pis += stack.pis;
        for (const NodeView &node : state->nodesOfStack(stack.id)) {
            if (node.isUp())
                up.append(node.label());
        }
    }
    m_text->setText(
        tr("<p>The install first switches <b>every stack off</b> (%1 stacks, %2 Pis).</p>"
           "<p>Then it powers the stacks on <b>one at a time</b>, in order, and listens for the Pis "
           "that ask the DHCP server for an address: those are the stack's Pis. Each gets the name "
           "and fixed address of its place. A stack that shows too few or too many Pis waits for "
           "you to retry, skip or accept it.</p>"
           "<p>At the end rackd writes dnsmasq's reservations, powers the whole rack on, "
           "staggered, and checks that every Pi it placed came back on its fixed address.</p>")
            .arg(state->stacks().size())
            .arg(pis));
    m_upWarning->setText(up.isEmpty()
            ? QString()
            : tr("These Pis are up and will lose power without shutting down: %1")
                  .arg(up.mid(0, 24).join(u", "_s) + (up.size() > 24 ? u" …"_s : QString())));
    m_upWarning->setVisible(!up.isEmpty());
    m_error->clear();
}

bool ConfirmPage::validatePage()
{
    if (m_started || InstallJson::isActive(installWizard()->record()))
        return true;
    if (m_starting)
        return false;
    m_starting = true;
    m_error->setText(tr("Starting…"));
    installWizard()->send(Protocol::Method::InstallStart,
        {{u"stacks"_s, u"all"_s}, {u"stack_timeout_s"_s, m_timeout->value()}}, this,
        [this](const Protocol::Reply &reply) {
            m_starting = false;
            if (reply.isError()) {
                m_error->setText(tr("rackd did not start the install: %1").arg(reply.error->message));
                return;
            }
            m_error->clear();
            m_started = true;
            if (installWizard()->currentId() == InstallWizard::ConfirmPageId)
                installWizard()->next();
        });
    return false;
}
