// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "install/stackpage.h"

#include "install/installjson.h"
#include "view/rackminiature.h"

#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QTime>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

StackPage::StackPage(InstallWizard *wizard, int stack)
    : InstallPage(wizard)
    , m_stack(stack)
    , m_drawing(new RackMiniature(wizard->state()))
    , m_relay(new QLabel)
    , m_status(new QLabel)
    , m_found(new QLabel)
    , m_progress(new QProgressBar)
    , m_macs(new QTableWidget(0, 3))
    , m_anomalies(new QListWidget)
    , m_problem(new QLabel)
    , m_decisionBox(new QGroupBox(tr("Your decision")))
    , m_retry(new QPushButton(tr("&Retry")))
    , m_skip(new QPushButton(tr("S&kip")))
    , m_accept(new QPushButton(tr("&Accept")))
    , m_macInput(new QLineEdit)
    , m_addMac(new QPushButton(tr("Add &MAC")))
    , m_instruction(new QLabel)
    , m_operatorDone(new QPushButton(tr("&Done")))
    , m_log(new QPlainTextEdit)
    , m_error(new QLabel)
{
    setObjectName(u"stackPage%1"_s.arg(stack));
    setTitle(tr("Stack %1").arg(stack));
    m_drawing->setHighlightedStack(stack);
    m_drawing->setMaximumHeight(140);

    QFont big = m_found->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    m_found->setFont(big);
    m_found->setAccessibleName(tr("Pis found"));
    m_status->setWordWrap(true);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(u"color: #8a1f11; font-weight: bold;"_s);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #8a1f11;"_s);
    m_instruction->setWordWrap(true);
    m_instruction->setStyleSheet(u"background: #fbe3b0; color: #4a3500; padding: 8px; font-weight: bold;"_s);

    m_macs->setHorizontalHeaderLabels({tr("MAC"), tr("Address it asked from"), tr("How")});
    m_macs->verticalHeader()->hide();
    m_macs->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_macs->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_macs->setAccessibleName(tr("MACs found in stack %1").arg(stack));
    m_anomalies->setAccessibleName(tr("Anomalies of stack %1").arg(stack));
    m_anomalies->setMaximumHeight(70);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(200);
    m_log->setMaximumHeight(80);
    m_macInput->setPlaceholderText(tr("MAC of a Pi DHCP did not report, e.g. dc:a6:32:12:34:56"));

    // However long the anomaly text, the buttons keep their height: the text scrolls in its own area.
    auto *problemArea = new QScrollArea;
    problemArea->setWidget(m_problem);
    problemArea->setWidgetResizable(true);
    problemArea->setFrameShape(QFrame::NoFrame);
    problemArea->setMinimumHeight(m_problem->fontMetrics().lineSpacing() * 2 + 8);
    problemArea->setMaximumHeight(m_problem->fontMetrics().lineSpacing() * 5 + 8);
    problemArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    for (QWidget *control :
        std::initializer_list<QWidget *> {m_retry, m_skip, m_accept, m_addMac, m_macInput})
        control->setMinimumHeight(control->sizeHint().height());
    m_decisionBox->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    auto *decisions = new QGridLayout(m_decisionBox);
    decisions->addWidget(problemArea, 0, 0, 1, 3);
    decisions->addWidget(m_retry, 1, 0);
    decisions->addWidget(m_skip, 1, 1);
    decisions->addWidget(m_accept, 1, 2);
    decisions->addWidget(m_macInput, 2, 0, 1, 2);
    decisions->addWidget(m_addMac, 2, 2);
    m_retry->setToolTip(tr("Discover this stack again: it is switched off and on"));
    m_skip->setToolTip(tr("Leave this stack as it was and go on"));
    m_accept->setToolTip(tr("Take the Pis found and go on"));

    auto *top = new QHBoxLayout;
    auto *facts = new QVBoxLayout;
    facts->addWidget(m_found);
    facts->addWidget(m_progress);
    facts->addWidget(m_relay);
    facts->addWidget(m_status);
    top->addWidget(m_drawing, 1);
    top->addLayout(facts, 1);
    auto *instructionRow = new QHBoxLayout;
    instructionRow->addWidget(m_instruction, 1);
    instructionRow->addWidget(m_operatorDone);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(instructionRow);
    layout->addWidget(m_macs, 1);
    layout->addWidget(m_anomalies);
    layout->addWidget(m_decisionBox);
    layout->addWidget(m_log);
    layout->addWidget(m_error);

    connect(m_retry, &QPushButton::clicked, this, [this] { decide(u"retry"_s); });
    connect(m_skip, &QPushButton::clicked, this, [this] { decide(u"skip"_s); });
    connect(m_accept, &QPushButton::clicked, this, [this] { decide(u"accept"_s); });
    connect(m_addMac, &QPushButton::clicked, this, &StackPage::addMac);
    connect(m_macInput, &QLineEdit::returnPressed, this, &StackPage::addMac);
    connect(m_operatorDone, &QPushButton::clicked, this, &StackPage::confirmOperator);
    connect(wizard->state(), &RackState::stackChanged, this, [this](int changed) {
        if (changed == m_stack)
            refresh();
    });
    refresh();
}

QPushButton *StackPage::button(Button which) const
{
    switch (which) {
    case Button::Retry:
        return m_retry;
    case Button::Skip:
        return m_skip;
    case Button::Accept:
        return m_accept;
    case Button::AddMac:
        return m_addMac;
    case Button::OperatorDone:
        return m_operatorDone;
    }
    return nullptr;
}

void StackPage::initializePage() { refresh(); }

QString StackPage::statusText(const InstallStack &stack, const InstallRecord &record) const
{
    using Status = InstallJson::Status;
    const QString again = stack.attempts > 1 ? tr(" (attempt %1)").arg(stack.attempts) : QString();
    if (record.step == InstallJson::Step::SwitchingOff)
        return tr("Switching every stack of the install off first…");
    switch (stack.status) {
    case Status::Pending:
        return tr("Waiting for the stacks before it.");
    case Status::SwitchingOn:
        return tr("Switching the stack on%1…").arg(again);
    case Status::Collecting:
        return tr("Listening for its Pis asking for an address%1…").arg(again);
    case Status::Settling:
        return tr("All expected Pis found; listening a moment longer for one too many…");
    case Status::SwitchingOff:
        return tr("Switching the stack off again…");
    case Status::NeedsDecision:
        return tr("Waiting for your decision.");
    case Status::Found:
        return tr("Done: every Pi found.");
    case Status::Accepted: {
        const qsizetype found = stack.macs.size();
        return found < stack.expected()
            ? tr("Done: accepted with %1 of %2 slots filled. Verification waits for the %3 placed "
                 "only; the empty slots stay empty.")
                  .arg(found)
                  .arg(stack.expected())
                  .arg(InstallJson::pis(found))
            : tr("Done: accepted as found.");
    }
    case Status::Skipped:
        return tr("Skipped: left as it was.");
    }
    return InstallStack::statusName(stack.status);
}

void StackPage::refresh()
{
    const std::optional<InstallRecord> record = installWizard()->record();
    const std::optional<InstallStack> stack = record ? InstallJson::stack(*record, m_stack) : std::nullopt;
    const StackView *view = installWizard()->state()->stack(m_stack);
    const int expected = !stack ? (view ? view->pis : 0) : stack->expected();
    const int found = stack ? int(stack->macs.size()) : 0;
    if (view)
        setSubTitle(tr("Row %1, column %2: %3 expected.")
                        .arg(view->row)
                        .arg(view->column)
                        .arg(InstallJson::pis(expected)));
    m_found->setText(tr("%1 / %2 found").arg(found).arg(expected));
    m_progress->setFormat(tr("%v of %1").arg(InstallJson::pis(expected)));
    m_progress->setRange(0, std::max(1, expected));
    m_progress->setValue(std::min(found, std::max(1, expected)));
    const QString relay = !view || !view->relay ? tr("unknown") : *view->relay ? tr("on") : tr("off");
    m_relay->setText(tr("Relay: %1").arg(relay));
    m_status->setText(!stack ? tr("Not started.") : statusText(*stack, *record));

    const QList<InstallMac> macs = stack ? stack->macs : QList<InstallMac>();
    m_macs->setRowCount(int(macs.size()));
    for (int row = 0; row < macs.size(); ++row) {
        const InstallMac &mac = macs.at(row);
        m_macs->setItem(row, 0, new QTableWidgetItem(mac.mac));
        m_macs->setItem(row, 1, new QTableWidgetItem(mac.address));
        m_macs->setItem(row, 2, new QTableWidgetItem(mac.manual ? tr("added by hand") : tr("DHCP")));
    }
    m_anomalies->clear();
    for (const InstallAnomaly &anomaly : record ? record->anomalies : QList<InstallAnomaly>()) {
        if (anomaly.stack != m_stack)
            continue;
        m_anomalies->addItem(
            tr("%1: %2 %3").arg(InstallAnomaly::kindName(anomaly.kind), anomaly.mac, anomaly.detail));
    }
    m_anomalies->setVisible(m_anomalies->count() > 0);

    const bool current = record && InstallJson::currentStack(*record) == m_stack;
    const bool deciding = current && record->outcome == InstallJson::Outcome::WaitingForDecision;
    m_decisionBox->setVisible(deciding);
    m_problem->setText(stack ? stack->problem : QString());
    for (QPushButton *choice : {m_retry, m_skip, m_accept, m_addMac})
        choice->setEnabled(deciding);
    const QString instruction = record ? record->operatorInstruction : QString();
    const bool instructed = current && !instruction.isEmpty();
    m_instruction->setText(instruction);
    m_instruction->setVisible(instructed);
    m_operatorDone->setVisible(instructed);
    Q_EMIT completeChanged();
}

void StackPage::appendStep(const QString &message)
{
    m_log->appendPlainText(QTime::currentTime().toString(u"HH:mm:ss"_s) + u"  "_s + message);
}

bool StackPage::isComplete() const
{
    const std::optional<InstallRecord> record = installWizard()->record();
    if (!record || !record->isActive())
        return true;
    if (!record->operatorInstruction.isEmpty() && InstallJson::currentStack(*record) == m_stack)
        return true; // Next means "done, it is plugged in"
    const std::optional<InstallStack> stack = InstallJson::stack(*record, m_stack);
    return stack && InstallJson::isSettled(*stack);
}

bool StackPage::validatePage()
{
    const std::optional<InstallRecord> record = installWizard()->record();
    if (record && !record->operatorInstruction.isEmpty() && InstallJson::currentStack(*record) == m_stack) {
        confirmOperator();
        return false;
    }
    return true;
}

void StackPage::decide(const QString &decision)
{
    m_error->clear();
    installWizard()->send(Protocol::Method::InstallDecide, {{u"decision"_s, decision}}, this,
        [this](const Protocol::Reply &reply) { showAnswer(reply, tr("rackd refused: %1")); });
}

void StackPage::addMac()
{
    m_error->clear();
    const QString mac = m_macInput->text().trimmed().toLower();
    if (mac.isEmpty()) {
        m_error->setText(tr("Type the MAC first, as six pairs of hex digits separated by colons."));
        return;
    }
    installWizard()->send(
        Protocol::Method::InstallAddMac, {{u"mac"_s, mac}}, this, [this](const Protocol::Reply &reply) {
            if (!reply.isError())
                m_macInput->clear();
            showAnswer(reply, tr("rackd refused the MAC: %1"));
        });
}

void StackPage::confirmOperator()
{
    m_error->clear();
    installWizard()->send(Protocol::Method::RelayConfirm, {{u"stack"_s, m_stack}, {u"done"_s, true}}, this,
        [this](const Protocol::Reply &reply) { showAnswer(reply, tr("rackd refused: %1")); });
}

void StackPage::showAnswer(const Protocol::Reply &reply, const QString &refusal)
{
    const QString message = reply.isError() ? refusal.arg(reply.error->message) : QString();
    m_error->setText(message);
    Q_EMIT answered(!reply.isError(), message);
}
