// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "view/sparkchart.h"

#include <QPainter>
#include <QPainterPath>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

SparkChart::SparkChart(QString title, QString unit, QColor color, QWidget *parent)
    : QWidget(parent)
    , m_title(std::move(title))
    , m_unit(std::move(unit))
    , m_color(std::move(color))
{
    setAccessibleName(m_title);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void SparkChart::setValues(const QList<double> &values, double fixedMaximum)
{
    m_values = values;
    m_fixedMaximum = fixedMaximum;
    const auto last
        = std::find_if(m_values.crbegin(), m_values.crend(), [](double v) { return !std::isnan(v); });
    setAccessibleDescription(
        last == m_values.crend() ? tr("no data") : u"%1 %2"_s.arg(*last, 0, 'f', 1).arg(m_unit));
    update();
}

void SparkChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), palette().base());
    painter.setPen(palette().mid().color());
    painter.drawRect(rect().adjusted(0, 0, -1, -1));

    double low = qInf();
    double high = -qInf();
    double latest = qQNaN();
    for (double value : std::as_const(m_values)) {
        if (std::isnan(value))
            continue;
        low = std::min(low, value);
        high = std::max(high, value);
        latest = value;
    }
    const QFontMetrics metrics(font());
    const QRect titleRect(6, 4, width() - 12, metrics.height());
    painter.setPen(palette().text().color());
    painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, m_title);
    painter.drawText(titleRect, Qt::AlignRight | Qt::AlignVCenter,
        std::isnan(latest) ? tr("no data") : u"%1 %2"_s.arg(latest, 0, 'f', 1).arg(m_unit));
    if (std::isnan(latest))
        return;

    const double bottom = std::isnan(m_fixedMaximum) ? std::floor(low) : 0.0;
    const double top = std::isnan(m_fixedMaximum) ? std::max(std::ceil(high), bottom + 1.0) : m_fixedMaximum;
    const QRectF plot(6, titleRect.bottom() + 4, width() - 12 - metrics.horizontalAdvance(u"0000"_s),
        height() - titleRect.bottom() - 10);
    const qsizetype count = std::max<qsizetype>(2, m_values.size());
    QPainterPath path;
    QList<QPointF> points;
    bool drawing = false;
    for (qsizetype i = 0; i < m_values.size(); ++i) {
        const double value = m_values.at(i);
        if (std::isnan(value)) {
            drawing = false;
            continue;
        }
        const QPointF point(plot.left() + plot.width() * double(i) / double(count - 1),
            plot.bottom() - plot.height() * (std::clamp(value, bottom, top) - bottom) / (top - bottom));
        points.append(point);
        if (drawing)
            path.lineTo(point);
        else
            path.moveTo(point);
        drawing = true;
    }
    painter.setPen(QPen(m_color, 2));
    painter.drawPath(path);
    // A value between two gaps has no line: its dot still shows it.
    painter.setBrush(m_color);
    for (const QPointF &point : std::as_const(points))
        painter.drawEllipse(point, 1.5, 1.5);
    painter.setPen(palette().placeholderText().color());
    painter.drawText(QRectF(plot.right() + 2, plot.top() - metrics.height() / 2.0, width() - plot.right(),
                         metrics.height()),
        Qt::AlignLeft | Qt::AlignVCenter, QString::number(top, 'f', 0));
    painter.drawText(QRectF(plot.right() + 2, plot.bottom() - metrics.height() / 2.0, width() - plot.right(),
                         metrics.height()),
        Qt::AlignLeft | Qt::AlignVCenter, QString::number(bottom, 'f', 0));
}
