// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "structure/structuredraft.h"

#include <QSet>
#include <QWidget>

/**
 * The rack designer's drawing: the grid of a StructureDraft with each stack in its cell (id, relay
 * channel, Pis). Click selects, dragging a stack to another cell moves it, double-clicking an empty
 * cell adds one; with the keyboard, arrows select and Ctrl+arrows move. Stacks with an error are
 * drawn red, with "error" written on them.
 */
class StructureGridView : public QWidget
{
    Q_OBJECT

public:
    explicit StructureGridView(QWidget *parent = nullptr);

    void setDraft(const StructureDraft &draft, const QSet<int> &stacksWithErrors);
    void setSelectedStack(int id);
    int selectedStack() const { return m_selected; }
    /// The cell (row, column, 1-based) under a point; {0, 0} outside the grid.
    QPoint cellAt(const QPoint &point) const;
    QRect cellRect(int row, int column) const;
    QSize sizeHint() const override { return {640, 420}; }

Q_SIGNALS:
    void stackSelected(int id);
    void moveRequested(int id, int row, int column);
    void addRequested(int row, int column);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    int rows() const;
    int columns() const;

    StructureDraft m_draft;
    QSet<int> m_errors;
    int m_selected = 0;
    int m_dragging = 0;
};
