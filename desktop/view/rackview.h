// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/rackstate.h"

#include <QColor>
#include <QWidget>

/**
 * The rack as it physically stands: the structure's grid, each stack in its cell with its relay
 * and its ok / warning / ko / off state (a colour and the word, never colour alone, and a legend),
 * and its Pis as tiles with name, state, temperature and CPU. Drawn with QPainter straight from a
 * RackState; its signals only schedule a repaint, so a burst of heartbeats costs one.
 */
class RackView : public QWidget
{
    Q_OBJECT

public:
    explicit RackView(RackState *state, QWidget *parent = nullptr);

    static QColor stateColor(StackState state);
    static QColor nodeColor(const QString &nodeState);
    /// The WCAG 2 contrast ratio of two colours (1 to 21; text wants 4.5 at least).
    static double contrastRatio(const QColor &a, const QColor &b);
    /// White or near-black, whichever reads better on `background`.
    static QColor textColorOn(const QColor &background);
    /// A tile's colour by its Pi's temperature (the rack-wide temperature view); grey without one.
    static QColor temperatureColor(double celsius);
    /// The tiles coloured by temperature instead of by state: the hot spots of the rack at a glance.
    void setTemperatureView(bool on);
    bool temperatureView() const { return m_temperatureView; }

    int selectedStack() const { return m_selectedStack; }
    void setSelectedStack(int stack);
    /// The stack whose cell holds `point` (0: none).
    int stackAt(const QPoint &point) const;
    /// The node whose tile holds `point` (empty: none).
    QString nodeAt(const QPoint &point) const;
    /// Where a stack's cell is drawn (empty when the stack is unknown).
    QRect stackRect(int stack) const;
    /// What the strip under a stack's header says: its recovery, or its (or the rack's) maintenance.
    QString bannerText(const StackView &stack) const;
    /// The word a Pi's tile adds to its state: LOST, UNHEALTHY, NO AGENT, GIVEN UP or maintenance.
    static QString conditionText(const NodeView &node);

    QSize sizeHint() const override;
    /// The lines of the last paint that had to be cut short or left out for want of room.
    QStringList elidedLines() const { return m_elided; }

Q_SIGNALS:
    void stackSelected(int stack);
    void nodeActivated(const QString &mac);
    void stackMenuRequested(int stack, const QPoint &globalPosition);
    void nodeMenuRequested(const QString &mac, const QPoint &globalPosition);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    struct Tile
    {
        QRect rect;
        QString mac; ///< Empty for a slot without a known Pi.
    };
    QRect gridArea() const;
    /// The accessible description: the selected stack in words.
    void describe();
    bool m_temperatureView = false;
    mutable QStringList m_elided;
    QRect cellRect(int row, int column) const;
    QList<Tile> tiles(const StackView &stack, const QRect &cell) const;
    void paintStack(QPainter &painter, const StackView &stack, const QRect &cell) const;
    void paintLegend(QPainter &painter, const QRect &area) const;

    RackState *m_state;
    int m_selectedStack = 0;
};
