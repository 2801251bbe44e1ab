// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/structureeditor.h"

#include "editor/structuregridview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

StructureEditor::StructureEditor(QWidget *parent)
    : QMainWindow(parent)
    , m_grid(new StructureGridView)
    , m_issueList(new QListWidget)
    , m_summary(new QLabel)
    , m_rows(new QSpinBox)
    , m_columns(new QSpinBox)
    , m_pisPerStack(new QSpinBox)
    , m_backend(new QComboBox)
    , m_stackTitle(new QLabel)
    , m_stackId(new QSpinBox)
    , m_channelSet(new QCheckBox(tr("Own relay channel")))
    , m_channel(new QSpinBox)
    , m_pisSet(new QCheckBox(tr("Own number of Pis")))
    , m_pis(new QSpinBox)
    , m_remove(new QPushButton(tr("Remove this stack")))
{
    setObjectName(u"structureEditor"_s);
    setAttribute(Qt::WA_DeleteOnClose, false);
    resize(1100, 720);
    setCentralWidget(m_grid);
    buildPanels();

    QToolBar *bar = addToolBar(tr("File"));
    bar->setObjectName(u"designerToolBar"_s);
    bar->addAction(tr("New"), this, &StructureEditor::newRack)->setShortcut(QKeySequence::New);
    bar->addAction(tr("Open…"), this,
           [this] {
               const QString path = QFileDialog::getOpenFileName(this, tr("Open a structure file"),
                   QFileInfo(m_path).absolutePath(), tr("Structure files (*.ini);;All files (*)"));
               QString error;
               if (!path.isEmpty() && !openFile(path, &error))
                   QMessageBox::warning(this, tr("Cannot open"), error);
           })
        ->setShortcut(QKeySequence::Open);
    m_saveAction = bar->addAction(tr("Save"), this, [this] {
        QString error;
        if (m_path.isEmpty()) {
            const QString path
                = QFileDialog::getSaveFileName(this, tr("Save the structure"), u"structure_rack.ini"_s);
            if (!path.isEmpty() && !saveAs(path, &error))
                QMessageBox::warning(this, tr("Not saved"), error);
        } else if (!save(&error)) {
            QMessageBox::warning(this, tr("Not saved"), error);
        }
    });
    m_saveAction->setShortcut(QKeySequence::Save);
    bar->addAction(tr("Save as…"), this, [this] {
        QString error;
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the structure"), m_path);
        if (!path.isEmpty() && !saveAs(path, &error))
            QMessageBox::warning(this, tr("Not saved"), error);
    });

    connect(m_grid, &StructureGridView::stackSelected, this, &StructureEditor::showSelectedStack);
    connect(m_grid, &StructureGridView::moveRequested, this, &StructureEditor::moveStack);
    connect(m_grid, &StructureGridView::addRequested, this, [this](int row, int column) {
        StructureDraft changed = m_draft;
        const int id = changed.addStack(row, column);
        setDraft(changed);
        m_grid->setSelectedStack(id);
    });
    newRack();
}

void StructureEditor::buildPanels()
{
    m_rows->setRange(1, 64);
    m_columns->setRange(1, 64);
    m_pisPerStack->setRange(1, 64);
    m_backend->addItems({u"gpio"_s, u"serial"_s, u"simulated"_s, u"manual"_s});
    m_stackId->setRange(1, 9999);
    m_channel->setRange(0, 9999);
    m_pis->setRange(1, 64);
    auto *rackPanel = new QWidget;
    auto *rackForm = new QFormLayout(rackPanel);
    rackForm->addRow(tr("Rows:"), m_rows);
    rackForm->addRow(tr("Columns:"), m_columns);
    rackForm->addRow(tr("Pis per stack:"), m_pisPerStack);
    rackForm->addRow(tr("Relays:"), m_backend);
    auto *hint = new QLabel(
        tr("Drag a stack to move it; double-click an empty cell to add one. Ctrl+arrow keys move "
           "the selected stack."));
    hint->setWordWrap(true);
    rackForm->addRow(hint);
    rackForm->addRow(m_stackTitle);
    rackForm->addRow(tr("Id:"), m_stackId);
    rackForm->addRow(m_channelSet, m_channel);
    rackForm->addRow(m_pisSet, m_pis);
    rackForm->addRow(m_remove);
    auto *rackDock = new QDockWidget(tr("Rack and stack"));
    rackDock->setObjectName(u"designerRackDock"_s);
    rackDock->setWidget(rackPanel);
    addDockWidget(Qt::LeftDockWidgetArea, rackDock);

    auto *issuesPanel = new QWidget;
    auto *issuesLayout = new QVBoxLayout(issuesPanel);
    m_summary->setWordWrap(true);
    m_summary->setMinimumHeight(m_summary->fontMetrics().height() * 3);
    issuesLayout->addWidget(m_summary);
    issuesLayout->addWidget(m_issueList);
    m_issueList->setAccessibleName(tr("Findings"));
    m_issueList->setWordWrap(true);
    auto *issuesDock = new QDockWidget(tr("Findings"));
    issuesDock->setObjectName(u"designerIssuesDock"_s);
    issuesDock->setWidget(issuesPanel);
    addDockWidget(Qt::RightDockWidgetArea, issuesDock);

    const auto rackEdit = [this](const QString &key, const QString &value) {
        if (m_updating)
            return;
        StructureDraft changed = m_draft;
        changed.setValue(key, value);
        setDraft(changed);
    };
    connect(m_rows, &QSpinBox::valueChanged, this,
        [rackEdit](int value) { rackEdit(u"rows"_s, QString::number(value)); });
    connect(m_columns, &QSpinBox::valueChanged, this,
        [rackEdit](int value) { rackEdit(u"cols"_s, QString::number(value)); });
    connect(m_pisPerStack, &QSpinBox::valueChanged, this,
        [rackEdit](int value) { rackEdit(u"pi_stack"_s, QString::number(value)); });
    connect(m_backend, &QComboBox::currentTextChanged, this,
        [rackEdit](const QString &value) { rackEdit(u"relay_backend"_s, value); });
    connect(m_stackId, &QSpinBox::valueChanged, this, [this](int value) {
        editSelected([value](DraftStack &stack) { stack.id = value; });
        m_grid->setSelectedStack(value);
    });
    connect(m_channelSet, &QCheckBox::toggled, this, [this](bool set) {
        editSelected([this, set](DraftStack &stack) {
            stack.relayChannel = set ? std::optional<int>(m_channel->value()) : std::nullopt;
        });
    });
    connect(m_channel, &QSpinBox::valueChanged, this,
        [this](int value) { editSelected([value](DraftStack &stack) { stack.relayChannel = value; }); });
    connect(m_pisSet, &QCheckBox::toggled, this, [this](bool set) {
        editSelected([this, set](DraftStack &stack) {
            stack.pis = set ? std::optional<int>(m_pis->value()) : std::nullopt;
        });
    });
    connect(m_pis, &QSpinBox::valueChanged, this,
        [this](int value) { editSelected([value](DraftStack &stack) { stack.pis = value; }); });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        StructureDraft changed = m_draft;
        changed.removeStack(m_grid->selectedStack());
        m_grid->setSelectedStack(0);
        setDraft(changed);
    });
}

void StructureEditor::editSelected(const std::function<void(DraftStack &)> &change)
{
    if (m_updating)
        return;
    StructureDraft changed = m_draft;
    DraftStack *stack = changed.stack(m_grid->selectedStack());
    if (!stack)
        return;
    change(*stack);
    setDraft(changed);
}

void StructureEditor::newRack()
{
    m_path.clear();
    setWindowTitle(tr("Rack designer — new rack"));
    m_draft = StructureDraft::blank();
    m_issuesFromFile = false;
    validate();
}

bool StructureEditor::openFile(const QString &path, QString *error)
{
    const StructureLoadResult result = StructureReader::readFile(path);
    if (result.status == StructureLoadResult::Status::Unreadable) {
        *error = result.issues.isEmpty() ? tr("cannot read %1").arg(path) : result.issues.first().toString();
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    m_path = path;
    setWindowTitle(tr("Rack designer — %1").arg(QFileInfo(path).fileName()));
    m_draft = StructureDraft::fromIni(file.read(StructureReader::MaximumFileSize));
    // What rackd says of the file as it is, with its line numbers, until the first edit.
    m_issues = result.issues;
    m_issuesFromFile = true;
    showIssues();
    return true;
}

void StructureEditor::setDraft(const StructureDraft &draft)
{
    m_draft = draft;
    m_issuesFromFile = false;
    validate();
}

void StructureEditor::moveStack(int id, int row, int column)
{
    StructureDraft changed = m_draft;
    DraftStack *moving = changed.stack(id);
    if (!moving)
        return;
    // The stack in the target cell, if any, swaps with the one moved.
    for (DraftStack &other : changed.stacks) {
        if (other.id != id && other.row == row && other.column == column) {
            other.row = moving->row;
            other.column = moving->column;
        }
    }
    moving->row = row;
    moving->column = column;
    setDraft(changed);
}

void StructureEditor::validate()
{
    m_issues = m_draft.validate(m_path.isEmpty() ? u"new rack"_s : QFileInfo(m_path).fileName()).issues;
    showIssues();
}

bool StructureEditor::canSave() const
{
    return m_draft.validate(m_path).status == StructureLoadResult::Status::Valid;
}

void StructureEditor::showIssues()
{
    m_updating = true;
    m_issueList->clear();
    QSet<int> stacksWithErrors;
    int errors = 0;
    for (const StructureIssue &issue : std::as_const(m_issues)) {
        const QString where
            = m_issuesFromFile && issue.line > 0 ? tr("line %1: ").arg(issue.line) : QString();
        const QString section = issue.section.isEmpty() ? QString() : u"[%1] "_s.arg(issue.section);
        auto *item = new QListWidgetItem(u"%1: %2%3%4%5"_s.arg(issue.isError() ? tr("error") : tr("warning"),
            where, section, issue.key.isEmpty() ? QString() : issue.key + u": "_s, issue.message));
        item->setBackground(issue.isError() ? QColor(0xf4, 0xc0, 0xb8) : QColor(0xfb, 0xe3, 0xb0));
        item->setForeground(Qt::black);
        m_issueList->addItem(item);
        if (issue.isError()) {
            ++errors;
            bool numbered = false;
            const int id = issue.section.toInt(&numbered);
            if (numbered)
                stacksWithErrors.insert(id);
        }
    }
    m_summary->setText(errors > 0
            ? tr("%n error(s): rackd would refuse this rack, so it cannot be saved yet.", nullptr, errors)
            : tr("Valid: rackd accepts this rack (%n stack(s)).", nullptr, int(m_draft.stacks.size())));
    m_grid->setDraft(m_draft, stacksWithErrors);
    m_rows->setValue(std::max(1, m_draft.intValue(u"rows"_s)));
    m_columns->setValue(std::max(1, m_draft.intValue(u"cols"_s)));
    m_pisPerStack->setValue(std::max(1, m_draft.intValue(u"pi_stack"_s)));
    const QString backend = m_draft.value(u"relay_backend"_s);
    m_backend->setCurrentText(backend.isEmpty() ? u"gpio"_s : backend);
    if (m_saveAction)
        m_saveAction->setEnabled(canSave());
    statusBar()->showMessage(m_path.isEmpty() ? tr("Not saved yet") : m_path);
    m_updating = false;
    showSelectedStack();
}

void StructureEditor::showSelectedStack()
{
    const DraftStack *stack = m_draft.stack(m_grid->selectedStack());
    m_updating = true;
    for (QWidget *widget :
        std::initializer_list<QWidget *> {m_stackId, m_channelSet, m_channel, m_pisSet, m_pis, m_remove})
        widget->setEnabled(stack != nullptr);
    if (stack) {
        m_stackTitle->setText(
            tr("<b>Stack %1</b> (row %2, column %3)").arg(stack->id).arg(stack->row).arg(stack->column));
        m_stackId->setValue(stack->id);
        m_channelSet->setChecked(stack->relayChannel.has_value());
        m_channel->setValue(stack->relayChannel.value_or(0));
        m_channel->setEnabled(stack->relayChannel.has_value());
        m_pisSet->setChecked(stack->pis.has_value());
        m_pis->setValue(stack->pis.value_or(std::max(1, m_draft.intValue(u"pi_stack"_s))));
        m_pis->setEnabled(stack->pis.has_value());
    } else {
        m_stackTitle->setText(tr("<i>Select a stack to edit it.</i>"));
    }
    m_updating = false;
}

bool StructureEditor::save(QString *error)
{
    if (m_path.isEmpty()) {
        *error = tr("choose where to save the rack first (Save as)");
        return false;
    }
    return saveAs(m_path, error);
}

bool StructureEditor::saveAs(const QString &path, QString *error)
{
    const StructureLoadResult result = m_draft.validate(QFileInfo(path).fileName());
    if (result.status != StructureLoadResult::Status::Valid) {
        QStringList problems;
        for (const StructureIssue &issue : result.issues) {
            if (issue.isError())
                problems.append(issue.toString());
        }
        *error = tr("rackd would refuse this rack, so it is not saved:\n%1").arg(problems.join(u'\n'));
        return false;
    }
    // The file as it was stays beside it: the designer does not keep its comments.
    if (QFile::exists(path)) {
        const QString backup = path + u".bak"_s;
        QFile::remove(backup);
        if (!QFile::copy(path, backup)) {
            *error = tr("cannot keep a copy of %1 as %2, so it is not overwritten").arg(path, backup);
            return false;
        }
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_draft.toIni()) < 0 || !file.commit()) {
        *error = tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    m_path = path;
    setWindowTitle(tr("Rack designer — %1").arg(QFileInfo(path).fileName()));
    validate();
    statusBar()->showMessage(tr("Saved to %1").arg(path), 10000);
    return true;
}
