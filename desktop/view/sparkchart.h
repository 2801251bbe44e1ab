// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QWidget>

/**
 * A small line chart of recent values over time (a Pi's CPU or temperature): the title with the
 * latest value and its unit, the line over the last minutes with the time below it ("-4 min" ...
 * "now"), and the lowest and highest value of the scale. The line breaks where data is missing: a
 * value the Pi did not report (NaN), or heartbeats that did not come (a gap much longer than the
 * usual interval); a value alone between two gaps shows as a dot.
 */
class SparkChart : public QWidget
{
    Q_OBJECT

public:
    struct Point
    {
        QDateTime time;
        double value = qQNaN();
    };

    SparkChart(QString title, QString unit, QColor color, QWidget *parent = nullptr);

    /**
     * The points, oldest first; the chart shows `window` up to `now`. `fixedMaximum`: the top of
     * the scale (100 for a percentage); NaN: the largest value.
     */
    void setPoints(const QList<Point> &points, const QDateTime &now, std::chrono::seconds window,
        double fixedMaximum = qQNaN());
    void clear();
    /// The values, oldest first (NaN where missing).
    QList<double> values() const;
    /// The runs of the line: each the indexes of points drawn joined (a run of one is a dot).
    QList<QList<int>> runs() const;
    QSize sizeHint() const override { return {260, 120}; }
    QSize minimumSizeHint() const override { return {160, 96}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_title;
    QString m_unit;
    QColor m_color;
    QList<Point> m_points;
    QDateTime m_now;
    std::chrono::seconds m_window {300};
    double m_fixedMaximum = qQNaN();
};
