// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "view/rackview.h"

#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QPainter>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int Margin = 8;
constexpr int LegendHeight = 28;
constexpr int HeaderHeight = 36;
constexpr int BannerHeight = 22; ///< Under the header while a stack is recovered or in maintenance.

QString relayLabel(std::optional<bool> relay)
{
    return relay ? (*relay ? RackView::tr("relay on") : RackView::tr("relay off"))
                 : RackView::tr("relay unknown");
}

} // namespace

RackView::RackView(RackState *state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
{
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(320, 200);
    setAccessibleName(tr("Rack"));
    describe();
    // Every change only schedules a paint: Qt merges them into one per frame.
    connect(m_state, &RackState::reset, this, qOverload<>(&QWidget::update));
    connect(m_state, &RackState::stackChanged, this, qOverload<>(&QWidget::update));
    connect(m_state, &RackState::reset, this, &RackView::describe);
    connect(m_state, &RackState::stackChanged, this, [this](int stack) {
        if (stack == m_selectedStack)
            describe();
    });
    connect(m_state, &RackState::nodesChanged, this, qOverload<>(&QWidget::update));
}

QColor RackView::stateColor(StackState state)
{
    switch (state) {
    case StackState::Ok:
        return QColor(0x2e, 0x9d, 0x4f);
    case StackState::Warning:
        return QColor(0xe0, 0x9b, 0x12);
    case StackState::Ko:
        return QColor(0xc8, 0x32, 0x32);
    case StackState::Off:
        return QColor(0x66, 0x66, 0x66); // dark enough for white text (WCAG 4.5:1)
    }
    return Qt::black;
}

QColor RackView::nodeColor(const QString &nodeState)
{
    if (nodeState == u"up")
        return QColor(0xd7, 0xf0, 0xdc);
    if (nodeState == u"down")
        return QColor(0xf5, 0xd0, 0xd0);
    return QColor(0xe6, 0xe6, 0xe6);
}

QSize RackView::sizeHint() const
{
    return {qMax(1, m_state->columns()) * 220 + 2 * Margin,
        qMax(1, m_state->rows()) * 200 + LegendHeight + 2 * Margin};
}

double RackView::contrastRatio(const QColor &a, const QColor &b)
{
    // WCAG 2: (L1 + 0.05) / (L2 + 0.05) from the relative luminance of each colour.
    const auto luminance = [](const QColor &color) {
        const auto channel = [](double value) {
            return value <= 0.03928 ? value / 12.92 : std::pow((value + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF());
    };
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor RackView::textColorOn(const QColor &background)
{
    const QColor light(Qt::white);
    const QColor dark(0x1a, 0x1a, 0x1a);
    return contrastRatio(light, background) >= contrastRatio(dark, background) ? light : dark;
}

QColor RackView::temperatureColor(double celsius)
{
    // Light shades, so that the tile's dark text stays readable on every one of them.
    if (std::isnan(celsius))
        return QColor(0xe6, 0xe6, 0xe6);
    if (celsius < 50)
        return QColor(0xd6, 0xe8, 0xf5);
    if (celsius < 60)
        return QColor(0xd7, 0xf0, 0xdc);
    if (celsius < 70)
        return QColor(0xfb, 0xea, 0xa0);
    if (celsius < 80)
        return QColor(0xf7, 0xc5, 0x8b);
    return QColor(0xf2, 0x9a, 0x9a); // a Pi throttles from 80 to 85 °C
}

void RackView::setTemperatureView(bool on)
{
    m_temperatureView = on;
    describe();
    update();
}

void RackView::setSelectedStack(int stack)
{
    if (stack == m_selectedStack || (stack != 0 && !m_state->stack(stack)))
        return;
    m_selectedStack = stack;
    update();
    describe();
    Q_EMIT stackSelected(stack);
}

void RackView::describe()
{
    // What a screen reader says of a drawing: the selected stack in words, and how to move on.
    const QString how
        = tr("The arrow keys move between stacks; the menu key opens the selected stack's menu.");
    const StackView *stack = m_state->stack(m_selectedStack);
    if (!stack) {
        setAccessibleDescription(
            tr("%n stack(s), none selected. ", nullptr, int(m_state->stacks().size())) + how);
        return;
    }
    QString text = tr("Stack %1, row %2, column %3: %4, relay %5, %6 of %7 Pis up")
                       .arg(stack->id)
                       .arg(stack->row)
                       .arg(stack->column)
                       .arg(stackStateName(stack->state()))
                       .arg(stack->relay ? (*stack->relay ? tr("on") : tr("off")) : tr("unknown"))
                       .arg(stack->up)
                       .arg(stack->pis);
    const QString banner = bannerText(*stack);
    if (!banner.isEmpty())
        text += u"; "_s + banner;
    if (m_temperatureView)
        text += tr("; the Pis are coloured by temperature");
    setAccessibleDescription(text + u". "_s + how);
}

QRect RackView::gridArea() const { return rect().adjusted(Margin, Margin, -Margin, -Margin - LegendHeight); }

QRect RackView::cellRect(int row, int column) const
{
    const QRect area = gridArea();
    const int rows = qMax(1, m_state->rows());
    const int columns = qMax(1, m_state->columns());
    const int left = area.left() + area.width() * (column - 1) / columns;
    const int right = area.left() + area.width() * column / columns;
    const int top = area.top() + area.height() * (row - 1) / rows;
    const int bottom = area.top() + area.height() * row / rows;
    return QRect(QPoint(left, top), QPoint(right, bottom)).adjusted(3, 3, -3, -3);
}

QRect RackView::stackRect(int stack) const
{
    const StackView *view = m_state->stack(stack);
    return view ? cellRect(view->row, view->column) : QRect();
}

QString RackView::bannerText(const StackView &stack) const
{
    if (!stack.recoveryPhase.isEmpty()) {
        const QString phase = stack.recoveryPhase == u"draining" ? tr("shutting the others down")
            : stack.recoveryPhase == u"cycling"                  ? tr("power-cycling")
                                                                 : tr("waiting for the Pis");
        return tr("RECOVERING %1/%2: %3").arg(stack.recoveryAttempt).arg(stack.recoveryAttempts).arg(phase);
    }
    if (!stack.maintenance.isEmpty())
        return stack.maintenance == u"-" ? tr("MAINTENANCE") : tr("MAINTENANCE: %1").arg(stack.maintenance);
    if (!m_state->rackMaintenance().isEmpty())
        return tr("MAINTENANCE: %1").arg(m_state->rackMaintenance());
    return {};
}

QString RackView::conditionText(const NodeView &node)
{
    if (!node.maintenance.isEmpty())
        return tr("MAINT.");
    if (node.condition == u"lost")
        return tr("LOST");
    if (node.condition == u"unhealthy")
        return tr("UNHEALTHY");
    if (node.condition == u"agent-gone")
        return tr("NO AGENT");
    if (node.condition == u"given-up")
        return tr("GIVEN UP");
    return {};
}

QList<RackView::Tile> RackView::tiles(const StackView &stack, const QRect &cell) const
{
    QList<Tile> result;
    const int count = stack.pis;
    if (count <= 0)
        return result;
    const int top = HeaderHeight + (bannerText(stack).isEmpty() ? 0 : BannerHeight);
    const QRect body = cell.adjusted(6, top, -6, -6);
    // The arrangement that gives the largest tiles; among equals, the one with fewest empty places.
    int columns = 1;
    int best = -1;
    for (int candidate = 1; candidate <= count; ++candidate) {
        const int candidateRows = (count + candidate - 1) / candidate;
        const int side = qMin(body.width() / candidate, body.height() / candidateRows);
        if (side > best) {
            best = side;
            columns = candidate;
        }
    }
    const int rows = (count + columns - 1) / columns;
    const QList<NodeView> nodes = m_state->nodesOfStack(stack.id);
    QHash<int, QString> bySlot;
    for (const NodeView &node : nodes) {
        if (node.slot)
            bySlot.insert(*node.slot, node.mac);
    }
    for (int slot = 1; slot <= count; ++slot) {
        const int index = slot - 1;
        const int r = index / columns;
        const int c = index % columns;
        const QRect tile(
            QPoint(body.left() + body.width() * c / columns, body.top() + body.height() * r / rows),
            QPoint(body.left() + body.width() * (c + 1) / columns - 1,
                body.top() + body.height() * (r + 1) / rows - 1));
        result.append({tile.adjusted(2, 2, -2, -2), bySlot.value(slot)});
    }
    return result;
}

void RackView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), palette().window());
    m_elided.clear();
    if (m_state->rows() == 0) {
        painter.drawText(rect(), Qt::AlignCenter, tr("No rack loaded"));
        return;
    }
    for (int row = 1; row <= m_state->rows(); ++row) {
        for (int column = 1; column <= m_state->columns(); ++column) {
            const QRect cell = cellRect(row, column);
            if (const StackView *stack = m_state->stackAt(row, column)) {
                paintStack(painter, *stack, cell);
            } else {
                painter.setPen(QPen(palette().mid().color(), 1, Qt::DashLine));
                painter.setBrush(Qt::NoBrush);
                painter.drawRoundedRect(cell, 6, 6);
            }
        }
    }
    paintLegend(painter, QRect(Margin, height() - Margin - LegendHeight, width() - 2 * Margin, LegendHeight));
}

void RackView::paintStack(QPainter &painter, const StackView &stack, const QRect &cell) const
{
    const StackState state = stack.state();
    const QColor color = stateColor(state);
    painter.setPen(QPen(color, stack.id == m_selectedStack ? 5 : 3));
    painter.setBrush(palette().base());
    painter.drawRoundedRect(cell, 6, 6);

    // Header: the stack, its state in words on its colour, and its relay.
    const QRect header(cell.left() + 8, cell.top() + 4, cell.width() - 16, HeaderHeight - 8);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(palette().text().color());
    painter.drawText(header, Qt::AlignLeft | Qt::AlignVCenter, tr("Stack %1").arg(stack.id));
    const QString stateText = stackStateName(state).toUpper();
    const int badgeWidth = painter.fontMetrics().horizontalAdvance(stateText) + 12;
    const QRect badge(header.right() - badgeWidth, header.top() + 2, badgeWidth, header.height() - 4);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawRoundedRect(badge, 4, 4);
    painter.setPen(textColorOn(color));
    painter.drawText(badge, Qt::AlignCenter, stateText);
    painter.setFont(font());
    painter.setPen(palette().placeholderText().color());
    const QString relay = relayLabel(stack.relay) + (stack.busy ? tr(" (switching)") : QString())
        + u" · %1/%2 up"_s.arg(stack.up).arg(stack.pis);
    // What does not fit beside the title and the badge is cut, never drawn over them.
    const int titleWidth = QFontMetrics(bold).horizontalAdvance(tr("Stack %1").arg(stack.id)) + 8;
    const QRect relayArea = header.adjusted(titleWidth, 0, -badgeWidth - 8, 0);
    painter.drawText(relayArea, Qt::AlignRight | Qt::AlignVCenter,
        painter.fontMetrics().elidedText(relay, Qt::ElideLeft, relayArea.width()));

    // Recovery and maintenance in words, on a strip of their own: seen at a glance, never colour alone.
    if (const QString banner = bannerText(stack); !banner.isEmpty()) {
        const QRect strip(
            cell.left() + 6, cell.top() + HeaderHeight - 2, cell.width() - 12, BannerHeight - 2);
        painter.setPen(Qt::NoPen);
        painter.setBrush(stack.recoveryPhase.isEmpty() ? QColor(0x3a, 0x6e, 0xa5) : QColor(0xd9, 0x6c, 0x06));
        painter.drawRoundedRect(strip, 3, 3);
        painter.setPen(Qt::white);
        painter.drawText(strip.adjusted(6, 0, -6, 0), Qt::AlignLeft | Qt::AlignVCenter,
            painter.fontMetrics().elidedText(banner, Qt::ElideRight, strip.width() - 12));
    }

    for (const Tile &tile : tiles(stack, cell)) {
        const NodeView *node = tile.mac.isEmpty() ? nullptr : m_state->node(tile.mac);
        painter.setPen(QPen(palette().mid().color(), 1));
        const QJsonValue celsius = node ? node->metrics.value(u"temperature_c"_s) : QJsonValue();
        const QColor fill = !node ? palette().window().color()
            : m_temperatureView
            ? temperatureColor(celsius.isDouble() && node->isUp() ? celsius.toDouble() : qQNaN())
            : nodeColor(node->state);
        painter.setBrush(fill);
        painter.drawRoundedRect(tile.rect, 3, 3);
        painter.setPen(palette().text().color());
        if (!node) {
            painter.drawText(tile.rect, Qt::AlignCenter, tr("empty"));
            continue;
        }
        // The tiles are light in any palette: their text is dark in a dark palette too.
        const QColor tileText = textColorOn(fill);
        painter.setPen(tileText);
        const QString condition = conditionText(*node);
        if (!condition.isEmpty()) {
            // A Pi rackd worries about (or that someone works on) gets a frame in its own colour too.
            painter.setPen(
                QPen(node->maintenance.isEmpty() ? QColor(0xc8, 0x32, 0x32) : QColor(0x3a, 0x6e, 0xa5), 3));
            painter.setBrush(Qt::NoBrush);
            painter.drawRoundedRect(tile.rect.adjusted(1, 1, -1, -1), 3, 3);
            painter.setPen(tileText);
        }
        // The condition says more than the state (LOST is down, UNHEALTHY is up), so it takes its line.
        QStringList lines {node->label(), condition.isEmpty() ? node->state : condition};
        const QJsonValue temperature = node->metrics.value(u"temperature_c"_s);
        const QJsonValue cpu = node->metrics.value(u"cpu_percent"_s);
        // A Pi that is down has no temperature or load now: its last figures would mislead.
        if (node->isUp() && (temperature.isDouble() || cpu.isDouble())) {
            const QString degrees
                = (temperature.isDouble() ? QString::number(temperature.toDouble(), 'f', 0) : u"-"_s)
                + u" °C"_s;
            const QString load
                // The agent needs two samples for a CPU share: its first heartbeat has none yet.
                = cpu.isDouble() ? QString::number(cpu.toDouble(), 'f', 0) + u" %"_s
                : node->isUp()   ? tr("measuring…")
                                 : u"- %"_s;
            const QString both = degrees + u"  "_s + load;
            // A narrow tile (four Pis or more abreast) gets them on two lines rather than cut off.
            if (painter.fontMetrics().horizontalAdvance(both) <= tile.rect.width() - 4)
                lines.append(both);
            else
                lines.append({degrees, load});
        }
        // Only the lines that fit.
        const int lineHeight = painter.fontMetrics().height();
        while (lines.size() > 1 && lines.size() * lineHeight > tile.rect.height())
            m_elided.append(lines.takeLast());
        for (QString &line : lines) {
            const QString fitted
                = painter.fontMetrics().elidedText(line, Qt::ElideRight, tile.rect.width() - 4);
            if (fitted != line)
                m_elided.append(line);
            line = fitted;
        }
        painter.drawText(tile.rect, Qt::AlignCenter, lines.join(u'\n'));
    }
}

void RackView::paintLegend(QPainter &painter, const QRect &area) const
{
    int x = area.left();
    painter.setFont(font());
    if (m_temperatureView) {
        const QList<std::pair<double, QString>> bands {{45, tr("under 50 °C")}, {55, tr("50-60")},
            {65, tr("60-70")}, {75, tr("70-80")}, {85, tr("80 °C and over: throttling")},
            {qQNaN(), tr("no reading")}};
        for (const auto &[celsius, text] : bands) {
            painter.setPen(palette().mid().color());
            painter.setBrush(temperatureColor(celsius));
            painter.drawRoundedRect(QRect(x, area.center().y() - 7, 14, 14), 3, 3);
            painter.setPen(palette().text().color());
            const int width = painter.fontMetrics().horizontalAdvance(text);
            painter.drawText(QRect(x + 20, area.top(), width + 4, area.height()), Qt::AlignVCenter, text);
            x += 20 + width + 20;
        }
        return;
    }
    for (StackState state : {StackState::Ok, StackState::Warning, StackState::Ko, StackState::Off}) {
        const QString text = state == StackState::Ok ? tr("ok: all Pis up")
            : state == StackState::Warning           ? tr("warning: some up")
            : state == StackState::Ko                ? tr("ko: none up")
                                                     : tr("off: relay off");
        painter.setPen(Qt::NoPen);
        painter.setBrush(stateColor(state));
        painter.drawRoundedRect(QRect(x, area.center().y() - 7, 14, 14), 3, 3);
        painter.setPen(palette().text().color());
        const int width = painter.fontMetrics().horizontalAdvance(text);
        painter.drawText(QRect(x + 20, area.top(), width + 4, area.height()), Qt::AlignVCenter, text);
        x += 20 + width + 24;
    }
}

int RackView::stackAt(const QPoint &point) const
{
    for (const StackView &stack : m_state->stacks()) {
        if (cellRect(stack.row, stack.column).contains(point))
            return stack.id;
    }
    return 0;
}

QString RackView::nodeAt(const QPoint &point) const
{
    const int id = stackAt(point);
    const StackView *stack = m_state->stack(id);
    if (!stack)
        return {};
    for (const Tile &tile : tiles(*stack, cellRect(stack->row, stack->column))) {
        if (tile.rect.contains(point))
            return tile.mac;
    }
    return {};
}

void RackView::mousePressEvent(QMouseEvent *event)
{
    setSelectedStack(stackAt(event->position().toPoint()));
    QWidget::mousePressEvent(event);
}

void RackView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const QString mac = nodeAt(event->position().toPoint());
    if (!mac.isEmpty())
        Q_EMIT nodeActivated(mac);
}

void RackView::contextMenuEvent(QContextMenuEvent *event)
{
    // The menu key (or Shift+F10) opens the selected stack's menu, at the stack: not whatever lies
    // under the widget's centre, which is where Qt puts a keyboard context menu.
    if (event->reason() == QContextMenuEvent::Keyboard) {
        if (m_selectedStack != 0)
            Q_EMIT stackMenuRequested(m_selectedStack, mapToGlobal(stackRect(m_selectedStack).center()));
        return;
    }
    const QString mac = nodeAt(event->pos());
    if (!mac.isEmpty()) {
        Q_EMIT nodeMenuRequested(mac, event->globalPos());
        return;
    }
    const int stack = stackAt(event->pos());
    if (stack != 0)
        Q_EMIT stackMenuRequested(stack, event->globalPos());
}

void RackView::keyPressEvent(QKeyEvent *event)
{
    // The arrows move between stacks as they stand in the grid.
    const StackView *current = m_state->stack(m_selectedStack);
    int row = current ? current->row : 1;
    int column = current ? current->column : 0;
    int rowStep = 0;
    int columnStep = 0;
    switch (event->key()) {
    case Qt::Key_Left:
        columnStep = -1;
        break;
    case Qt::Key_Right:
        columnStep = 1;
        break;
    case Qt::Key_Up:
        rowStep = -1;
        break;
    case Qt::Key_Down:
        rowStep = 1;
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    for (int step = 0; step < qMax(m_state->rows(), m_state->columns()); ++step) {
        row += rowStep;
        column += columnStep;
        if (row < 1 || column < 1 || row > m_state->rows() || column > m_state->columns())
            return;
        if (const StackView *next = m_state->stackAt(row, column)) {
            setSelectedStack(next->id);
            return;
        }
    }
}
