// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/rackstate.h"

#include <QWidget>

/**
 * A small drawing of the rack for the install wizard: the grid, each stack as a numbered cell
 * with its relay state in words, and one stack highlighted (the one being discovered).
 */
class RackMiniature : public QWidget
{
    Q_OBJECT

public:
    explicit RackMiniature(RackState *state, QWidget *parent = nullptr);

    void setHighlightedStack(int stack);
    int highlightedStack() const { return m_highlighted; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    RackState *m_state;
    int m_highlighted = 0;
};
