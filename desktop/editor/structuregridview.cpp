// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/structuregridview.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int Margin = 12;
constexpr int MaximumDrawnSide = 64;
} // namespace

StructureGridView::StructureGridView(QWidget *parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Rack grid"));
    setAccessibleDescription(tr("The rack's grid of stacks; the arrow keys move between cells"));
    setMinimumSize(240, 160);
}

void StructureGridView::setDraft(const StructureDraft &draft, const QSet<int> &stacksWithErrors)
{
    m_draft = draft;
    m_errors = stacksWithErrors;
    update();
}

void StructureGridView::setSelectedStack(int id)
{
    if (m_selected == id)
        return;
    m_selected = id;
    update();
    Q_EMIT stackSelected(id);
}

int StructureGridView::rows() const
{
    // Draw at least as far as the stacks reach, so a stack outside the grid is still seen (and fixed).
    int rows = std::clamp(m_draft.intValue(u"rows"_s), 1, MaximumDrawnSide);
    for (const DraftStack &stack : m_draft.stacks)
        rows = std::max(rows, std::min(stack.row, MaximumDrawnSide));
    return rows;
}

int StructureGridView::columns() const
{
    int columns = std::clamp(m_draft.intValue(u"cols"_s), 1, MaximumDrawnSide);
    for (const DraftStack &stack : m_draft.stacks)
        columns = std::max(columns, std::min(stack.column, MaximumDrawnSide));
    return columns;
}

QRect StructureGridView::cellRect(int row, int column) const
{
    const double width = double(this->width() - 2 * Margin) / columns();
    const double height = double(this->height() - 2 * Margin) / rows();
    return QRectF(Margin + (column - 1) * width + 3, Margin + (row - 1) * height + 3, width - 6, height - 6)
        .toRect();
}

QPoint StructureGridView::cellAt(const QPoint &point) const
{
    for (int row = 1; row <= rows(); ++row) {
        for (int column = 1; column <= columns(); ++column) {
            if (cellRect(row, column).contains(point))
                return {column, row};
        }
    }
    return {0, 0};
}

void StructureGridView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), palette().window());
    const int gridRows = std::clamp(m_draft.intValue(u"rows"_s), 0, MaximumDrawnSide);
    const int gridColumns = std::clamp(m_draft.intValue(u"cols"_s), 0, MaximumDrawnSide);
    for (int row = 1; row <= rows(); ++row) {
        for (int column = 1; column <= columns(); ++column) {
            const QRect cell = cellRect(row, column);
            const bool outside = row > gridRows || column > gridColumns;
            const DraftStack *stack = m_draft.stackAt(row, column);
            if (!stack) {
                painter.setPen(
                    QPen(outside ? QColor(0xc0, 0x30, 0x20) : palette().mid().color(), 1, Qt::DashLine));
                painter.setBrush(Qt::NoBrush);
                painter.drawRoundedRect(cell, 6, 6);
                painter.setPen(palette().placeholderText().color());
                painter.drawText(cell, Qt::AlignCenter,
                    outside ? tr("outside the grid")
                            : tr("row %1, column %2\n(double-click to add)").arg(row).arg(column));
                continue;
            }
            QStringList sharing;
            for (const DraftStack &other : m_draft.stacks) {
                if (other.row == row && other.column == column)
                    sharing.append(QString::number(other.id));
            }
            const bool error = m_errors.contains(stack->id) || outside || sharing.size() > 1;
            const bool selected = stack->id == m_selected;
            painter.setBrush(error ? QColor(0xf4, 0xc0, 0xb8) : QColor(0xd8, 0xe8, 0xf6));
            painter.setPen(
                QPen(selected ? palette().highlight().color() : palette().dark().color(), selected ? 4 : 1));
            painter.drawRoundedRect(cell, 6, 6);
            painter.setPen(Qt::black);
            QFont font = painter.font();
            font.setBold(true);
            painter.setFont(font);
            const QRect inner = cell.adjusted(8, 6, -8, -6);
            painter.drawText(inner, Qt::AlignTop | Qt::AlignLeft,
                sharing.size() > 1 ? tr("Stacks %1 in one cell").arg(sharing.join(u", "_s))
                                   : tr("Stack %1").arg(stack->id));
            font.setBold(false);
            painter.setFont(font);
            const QString channel = stack->relayChannel ? tr("relay channel %1").arg(*stack->relayChannel)
                                                        : tr("relay channel: default");
            const QString pis = stack->pis
                ? tr("%n Pi(s)", nullptr, *stack->pis)
                : tr("%n Pi(s) (rack default)", nullptr, m_draft.intValue(u"pi_stack"_s));
            painter.drawText(inner, Qt::AlignVCenter | Qt::AlignLeft, channel + u'\n' + pis);
            if (error)
                painter.drawText(inner, Qt::AlignBottom | Qt::AlignRight, tr("error: see the list"));
        }
    }
}

void StructureGridView::mousePressEvent(QMouseEvent *event)
{
    const QPoint cell = cellAt(event->position().toPoint());
    const DraftStack *stack = m_draft.stackAt(cell.y(), cell.x());
    setSelectedStack(stack ? stack->id : 0);
    m_dragging = stack ? stack->id : 0;
    setFocus();
}

void StructureGridView::mouseReleaseEvent(QMouseEvent *event)
{
    const int dragged = m_dragging;
    m_dragging = 0;
    const QPoint cell = cellAt(event->position().toPoint());
    const DraftStack *stack = m_draft.stack(dragged);
    if (stack && cell.x() > 0 && (cell.y() != stack->row || cell.x() != stack->column))
        Q_EMIT moveRequested(dragged, cell.y(), cell.x());
}

void StructureGridView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const QPoint cell = cellAt(event->position().toPoint());
    if (cell.x() > 0 && !m_draft.stackAt(cell.y(), cell.x()))
        Q_EMIT addRequested(cell.y(), cell.x());
}

void StructureGridView::keyPressEvent(QKeyEvent *event)
{
    QPoint step;
    switch (event->key()) {
    case Qt::Key_Left:
        step = {-1, 0};
        break;
    case Qt::Key_Right:
        step = {1, 0};
        break;
    case Qt::Key_Up:
        step = {0, -1};
        break;
    case Qt::Key_Down:
        step = {0, 1};
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    const DraftStack *current = m_draft.stack(m_selected);
    if (!current) {
        if (!m_draft.stacks.isEmpty())
            setSelectedStack(m_draft.stacks.first().id);
        return;
    }
    const int row = current->row + step.y();
    const int column = current->column + step.x();
    if (row < 1 || column < 1 || row > rows() || column > columns())
        return;
    if (event->modifiers() & Qt::ControlModifier) {
        Q_EMIT moveRequested(m_selected, row, column);
        return;
    }
    if (const DraftStack *next = m_draft.stackAt(row, column))
        setSelectedStack(next->id);
}
