// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "structure/structuredraft.h"

#include <QMainWindow>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;
class StructureGridView;

/**
 * The rack designer: a structure file opened without any rack, drawn with every finding of
 * rackd's own reader listed beside it, and edited (grid size, stacks placed and moved, Pis per
 * stack, relay channels). It saves only what the reader accepts, atomically, keeping the previous
 * file as FILE.bak.
 */
class StructureEditor : public QMainWindow
{
    Q_OBJECT

public:
    explicit StructureEditor(QWidget *parent = nullptr);

    bool openFile(const QString &path, QString *error);
    void newRack();
    /// Saves to the file it came from (or `path`); false, with the reason, when invalid or unwritable.
    bool save(QString *error);
    bool saveAs(const QString &path, QString *error);

    const StructureDraft &draft() const { return m_draft; }
    /// Replaces the draft (an edit), then validates and redraws.
    void setDraft(const StructureDraft &draft);
    /// Moves a stack to a cell; a stack already there takes its place.
    void moveStack(int id, int row, int column);
    QList<StructureIssue> issues() const { return m_issues; }
    bool canSave() const;
    QString filePath() const { return m_path; }
    StructureGridView *gridView() const { return m_grid; }
    QListWidget *issueList() const { return m_issueList; }

private:
    void validate();
    void showIssues();
    void showSelectedStack();
    void buildPanels();
    void editSelected(const std::function<void(DraftStack &)> &change);

    StructureDraft m_draft;
    QString m_path;
    QList<StructureIssue> m_issues;
    bool m_issuesFromFile = false; ///< The issues are the opened file's, with its line numbers.
    bool m_updating = false; ///< Filling the widgets: their change signals are not edits.
    StructureGridView *m_grid;
    QListWidget *m_issueList;
    QLabel *m_summary;
    QSpinBox *m_rows;
    QSpinBox *m_columns;
    QSpinBox *m_pisPerStack;
    QComboBox *m_backend;
    QLabel *m_stackTitle;
    QSpinBox *m_stackId;
    QCheckBox *m_channelSet;
    QSpinBox *m_channel;
    QCheckBox *m_pisSet;
    QSpinBox *m_pis;
    QPushButton *m_remove;
    QAction *m_saveAction = nullptr;
};
