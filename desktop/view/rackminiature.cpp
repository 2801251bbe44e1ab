// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "view/rackminiature.h"

#include "view/rackview.h"

#include <QPainter>

using namespace Qt::Literals::StringLiterals;

RackMiniature::RackMiniature(RackState *state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
{
    setMinimumSize(160, 90);
    setAccessibleName(tr("Rack drawing"));
    setAccessibleDescription(tr("The rack as it stands, with no stack highlighted"));
    connect(m_state, &RackState::reset, this, qOverload<>(&QWidget::update));
    connect(m_state, &RackState::stackChanged, this, qOverload<>(&QWidget::update));
}

void RackMiniature::setHighlightedStack(int stack)
{
    m_highlighted = stack;
    setAccessibleDescription(tr("Stack %1 highlighted").arg(stack));
    update();
}

QSize RackMiniature::sizeHint() const
{
    return {std::max(1, m_state->columns()) * 64 + 8, std::max(1, m_state->rows()) * 44 + 8};
}

void RackMiniature::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), palette().window());
    const int rows = std::max(1, m_state->rows());
    const int columns = std::max(1, m_state->columns());
    const QRectF area = QRectF(rect()).adjusted(4, 4, -4, -4);
    const qreal width = area.width() / columns;
    const qreal height = area.height() / rows;
    for (int row = 1; row <= rows; ++row) {
        for (int column = 1; column <= columns; ++column) {
            const QRectF cell(area.left() + (column - 1) * width + 2, area.top() + (row - 1) * height + 2,
                width - 4, height - 4);
            const StackView *stack = m_state->stackAt(row, column);
            if (!stack) {
                painter.setPen(QPen(palette().mid().color(), 1, Qt::DashLine));
                painter.setBrush(Qt::NoBrush);
                painter.drawRoundedRect(cell, 4, 4);
                continue;
            }
            const bool highlighted = stack->id == m_highlighted;
            QColor fill = RackView::stateColor(stack->state());
            fill.setAlpha(highlighted ? 255 : 90);
            painter.setBrush(fill);
            painter.setPen(QPen(
                highlighted ? palette().highlight().color() : palette().mid().color(), highlighted ? 4 : 1));
            painter.drawRoundedRect(cell, 4, 4);
            painter.setPen(palette().text().color());
            QFont font = painter.font();
            font.setBold(highlighted);
            painter.setFont(font);
            const QString relay = !stack->relay ? tr("?") : *stack->relay ? tr("on") : tr("off");
            painter.drawText(cell, Qt::AlignCenter, tr("%1\n%2").arg(stack->id).arg(relay));
        }
    }
}
