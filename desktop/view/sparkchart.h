// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

/**
 * A small line chart of recent values (a Pi's CPU or temperature): the title with the latest value
 * and its unit, the line, and the lowest and highest value shown. Gaps (NaN) break the line.
 */
class SparkChart : public QWidget
{
    Q_OBJECT

public:
    SparkChart(QString title, QString unit, QColor color, QWidget *parent = nullptr);

    /// `fixedMaximum`: the top of the scale (100 for a percentage); NaN: the largest value.
    void setValues(const QList<double> &values, double fixedMaximum = qQNaN());
    QList<double> values() const { return m_values; }
    QSize sizeHint() const override { return {240, 90}; }
    QSize minimumSizeHint() const override { return {140, 70}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_title;
    QString m_unit;
    QColor m_color;
    QList<double> m_values;
    double m_fixedMaximum = qQNaN();
};
