// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "view/sparkchart.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

SparkChart::SparkChart(QString title, QString unit, QColor color, QWidget *parent)
    : QWidget(parent)
    , m_title(std::move(title))
    , m_unit(std::move(unit))
    , m_color(std::move(color))
{
    setAccessibleName(m_title);
    setAccessibleDescription(tr("no data"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void SparkChart::setPoints(
    const QList<Point> &points, const QDateTime &now, std::chrono::seconds window, double fixedMaximum)
{
    m_points = points;
    m_now = now;
    m_window = window;
    m_fixedMaximum = fixedMaximum;
    const auto last = std::find_if(
        m_points.crbegin(), m_points.crend(), [](const Point &p) { return !std::isnan(p.value); });
    setAccessibleDescription(last == m_points.crend()
            ? tr("no data")
            : tr("%1 %2 now; %n values over the last %3 minutes", nullptr, int(m_points.size()))
                  .arg(last->value, 0, 'f', 1)
                  .arg(m_unit)
                  .arg(double(m_window.count()) / 60.0, 0, 'f', 0));
    update();
}

void SparkChart::clear() { setPoints({}, QDateTime::currentDateTimeUtc(), m_window, m_fixedMaximum); }

QList<double> SparkChart::values() const
{
    QList<double> values;
    for (const Point &point : m_points)
        values.append(point.value);
    return values;
}

QList<QList<int>> SparkChart::runs() const
{
    // The usual interval is the median step; a step over 2.5 times it (at least 5 s) is heartbeats
    // that did not come, and the line breaks there.
    QList<qint64> steps;
    for (qsizetype i = 1; i < m_points.size(); ++i)
        steps.append(m_points.at(i - 1).time.msecsTo(m_points.at(i).time));
    qint64 gap = 5000;
    if (!steps.isEmpty()) {
        std::nth_element(steps.begin(), steps.begin() + steps.size() / 2, steps.end());
        gap = std::max<qint64>(gap, steps.at(steps.size() / 2) * 5 / 2);
    }
    QList<QList<int>> runs;
    QList<int> run;
    for (int i = 0; i < m_points.size(); ++i) {
        const Point &point = m_points.at(i);
        const bool missing = std::isnan(point.value) || !point.time.isValid();
        const bool late = !run.isEmpty() && m_points.at(run.constLast()).time.msecsTo(point.time) > gap;
        if ((missing || late) && !run.isEmpty()) {
            runs.append(run);
            run.clear();
        }
        if (!missing)
            run.append(i);
    }
    if (!run.isEmpty())
        runs.append(run);
    return runs;
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
    for (const Point &point : std::as_const(m_points)) {
        if (std::isnan(point.value))
            continue;
        low = std::min(low, point.value);
        high = std::max(high, point.value);
        latest = point.value;
    }
    const QFontMetrics metrics(font());
    const QRect titleRect(6, 4, width() - 12, metrics.height());
    painter.setPen(palette().text().color());
    painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, m_title);
    painter.drawText(titleRect, Qt::AlignRight | Qt::AlignVCenter,
        std::isnan(latest) ? tr("no data") : u"%1 %2"_s.arg(latest, 0, 'f', 1).arg(m_unit));

    const double bottom = std::isnan(m_fixedMaximum) ? (std::isnan(latest) ? 0.0 : std::floor(low)) : 0.0;
    const double top = std::isnan(m_fixedMaximum)
        ? std::max(std::isnan(latest) ? 1.0 : std::ceil(high), bottom + 1.0)
        : m_fixedMaximum;
    const int labelWidth = metrics.horizontalAdvance(u"0000"_s);
    const QRectF plot(6, titleRect.bottom() + 4 + metrics.height() / 2.0, width() - 14 - labelWidth,
        height() - titleRect.bottom() - 12 - metrics.height() * 1.5);
    // The time axis: a faint line every minute, labelled at the ends and the middle.
    const double windowMs = double(std::chrono::milliseconds(m_window).count());
    const auto xOf = [&](const QDateTime &time) {
        return plot.left() + plot.width() * (1.0 - double(time.msecsTo(m_now)) / windowMs);
    };
    painter.setPen(QPen(palette().mid().color(), 1, Qt::DotLine));
    for (qint64 minute = 1; minute * 60 < m_window.count(); ++minute) {
        const double x = plot.right() - plot.width() * double(minute * 60000) / windowMs;
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
    painter.setPen(palette().placeholderText().color());
    const double minutes = double(m_window.count()) / 60.0;
    const QRectF axis(plot.left(), plot.bottom() + 2, plot.width(), metrics.height());
    painter.drawText(axis, Qt::AlignLeft | Qt::AlignTop, tr("-%1 min").arg(minutes, 0, 'f', 0));
    painter.drawText(axis, Qt::AlignHCenter | Qt::AlignTop, tr("-%1 min").arg(minutes / 2.0, 0, 'g', 2));
    painter.drawText(axis, Qt::AlignRight | Qt::AlignTop, tr("now"));
    painter.drawText(
        QRectF(plot.right() + 4, plot.top() - metrics.height() / 2.0, labelWidth, metrics.height()),
        Qt::AlignLeft | Qt::AlignVCenter, QString::number(top, 'f', 0));
    painter.drawText(
        QRectF(plot.right() + 4, plot.bottom() - metrics.height() / 2.0, labelWidth, metrics.height()),
        Qt::AlignLeft | Qt::AlignVCenter, QString::number(bottom, 'f', 0));
    if (std::isnan(latest))
        return;

    painter.setClipRect(plot.adjusted(-3, -3, 3, 3));
    const auto pointOf = [&](int index) {
        const Point &point = m_points.at(index);
        return QPointF(xOf(point.time),
            plot.bottom() - plot.height() * (std::clamp(point.value, bottom, top) - bottom) / (top - bottom));
    };
    painter.setPen(QPen(m_color, 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.setBrush(Qt::NoBrush);
    for (const QList<int> &run : runs()) {
        if (run.size() == 1) { // alone between two gaps: a dot
            painter.setBrush(m_color);
            painter.drawEllipse(pointOf(run.constFirst()), 2.5, 2.5);
            painter.setBrush(Qt::NoBrush);
            continue;
        }
        QPainterPath path(pointOf(run.constFirst()));
        for (qsizetype i = 1; i < run.size(); ++i)
            path.lineTo(pointOf(run.at(i)));
        painter.drawPath(path);
    }
}
