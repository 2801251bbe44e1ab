// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "install/installwizard.h"

class QCheckBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

/// Step 1: rackd's pre-checks, each with what is wrong and how to fix it; an error holds the wizard here.
class PrecheckPage : public InstallPage
{
    Q_OBJECT

public:
    explicit PrecheckPage(InstallWizard *wizard);

    void initializePage() override;
    bool isComplete() const override;
    void refresh() override { Q_EMIT completeChanged(); }

    QTableWidget *table() const { return m_table; }
    bool isLoaded() const { return m_loaded; }
    bool isReady() const { return m_ready; }
    void runChecks();

Q_SIGNALS:
    void checked();

private:
    QTableWidget *m_table;
    QLabel *m_summary;
    QPushButton *m_again;
    bool m_loaded = false;
    bool m_ready = false;
};

/// Step 2: what the install will do, which Pis lose power now, and the operator's go-ahead.
class ConfirmPage : public InstallPage
{
    Q_OBJECT

public:
    explicit ConfirmPage(InstallWizard *wizard);

    void initializePage() override;
    bool validatePage() override;
    void refresh() override { }

    QCheckBox *confirmBox() const { return m_confirm; }
    QSpinBox *stackTimeout() const { return m_timeout; }
    QLabel *errorLabel() const { return m_error; }

private:
    QLabel *m_text;
    QLabel *m_upWarning;
    QSpinBox *m_timeout;
    QCheckBox *m_confirm;
    QLabel *m_error;
    bool m_starting = false;
    bool m_started = false;
};
