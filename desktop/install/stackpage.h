// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "install/installwizard.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class RackMiniature;

/**
 * Step 3, one page per stack: the stack highlighted on a small drawing of the rack, its relay, the
 * MACs as they arrive with found / expected, its anomalies, and the operator's decision when it
 * waits for one (Retry, Skip, Accept, Add MAC). With manual relays it says what to plug in; Next
 * (or Done) tells rackd it is done.
 */
class StackPage : public InstallPage
{
    Q_OBJECT

public:
    enum class Button { Retry, Skip, Accept, AddMac, OperatorDone };

    StackPage(InstallWizard *wizard, int stack);

    int stack() const { return m_stack; }
    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;
    void refresh() override;
    void appendStep(const QString &message);

    QPushButton *button(Button which) const;
    QLineEdit *macInput() const { return m_macInput; }
    QTableWidget *macTable() const { return m_macs; }
    QLabel *foundLabel() const { return m_found; }
    QProgressBar *progress() const { return m_progress; }
    QLabel *statusLabel() const { return m_status; }
    QLabel *instructionLabel() const { return m_instruction; }
    QLabel *errorLabel() const { return m_error; }
    QLabel *problemLabel() const { return m_problem; }

Q_SIGNALS:
    /// rackd answered one of the operator's buttons (its refusal is also shown on the page).
    void answered(bool ok, const QString &message);

private:
    void decide(const QString &decision);
    void addMac();
    void confirmOperator();
    void showAnswer(const Protocol::Reply &reply, const QString &refusal);
    QString statusText(const InstallStack &stack, const InstallRecord &record) const;

    int m_stack;
    RackMiniature *m_drawing;
    QLabel *m_relay;
    QLabel *m_status;
    QLabel *m_found;
    QProgressBar *m_progress;
    QTableWidget *m_macs;
    QListWidget *m_anomalies;
    QLabel *m_problem;
    QWidget *m_decisionBox;
    QPushButton *m_retry;
    QPushButton *m_skip;
    QPushButton *m_accept;
    QLineEdit *m_macInput;
    QPushButton *m_addMac;
    QLabel *m_instruction;
    QPushButton *m_operatorDone;
    QPlainTextEdit *m_log;
    QLabel *m_error;
};
