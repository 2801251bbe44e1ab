// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "install/installjson.h"
#include "install/installwizard.h"

class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

/// Step 4: every Pi found, with the stack, slot, name and fixed address it gets.
class ReviewPage : public InstallPage
{
    Q_OBJECT

public:
    explicit ReviewPage(InstallWizard *wizard);

    void initializePage() override;
    bool isComplete() const override;
    void refresh() override;
    QTableWidget *table() const { return m_table; }
    QLabel *text() const { return m_text; }
    /// What the page says under the table: what rackd is doing now, with `found` Pis.
    static QString stepText(const std::optional<InstallRecord> &record, int found);

Q_SIGNALS:
    /// The table was filled from rackd's node list.
    void loaded();
    /// rackd answered a name typed in the table.
    void renamed(bool ok, const QString &message);

private:
    void load();
    void rename(int row);

    QLabel *m_text;
    QTableWidget *m_table;
    std::optional<InstallJson::Step> m_loadedStep; ///< The install step the table was last loaded at.
    bool m_filling = false; ///< The table is being filled: its changes are not the operator's.
};

/**
 * Step 5: the rack powers on; each stack's placed Pis come up and its verdict (ok, warning, ko, or
 * empty when no Pi was placed) is shown, with a note when it is judged on fewer Pis than slots.
 */
class ApplyPage : public InstallPage
{
    Q_OBJECT

public:
    explicit ApplyPage(InstallWizard *wizard);

    void initializePage() override { refresh(); }
    bool isComplete() const override;
    void refresh() override;
    QTableWidget *table() const { return m_table; }
    QLabel *stepLabel() const { return m_step; }
    QProgressBar *progress() const { return m_progress; }

private:
    QLabel *m_step;
    QProgressBar *m_progress;
    QTableWidget *m_table;
};

/// Step 6: how it ended, stack by stack, what was odd, and the inventory export.
class SummaryPage : public InstallPage
{
    Q_OBJECT

public:
    explicit SummaryPage(InstallWizard *wizard);

    void initializePage() override { refresh(); }
    void refresh() override;
    QLabel *outcomeLabel() const { return m_outcome; }
    QTableWidget *table() const { return m_table; }
    QComboBox *formatBox() const { return m_format; }
    /// Fetches the inventory in `format` and saves it to `path` (atomically); exported() tells how it went.
    void exportInventory(const QString &format, const QString &path);

Q_SIGNALS:
    void exported(bool ok, const QString &message);

private:
    QLabel *m_outcome;
    QTableWidget *m_table;
    QListWidget *m_notes;
    QComboBox *m_format;
    QPushButton *m_export;
    QLabel *m_exportStatus;
};
