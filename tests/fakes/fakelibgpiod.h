// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

/**
 * A stand-in for the libgpiod 1.6 C functions the GPIO backend calls. Linked into the test
 * executable, its definitions take the place of the shared library's, so the backend's real
 * code runs and every call is recorded here. No GPIO chip or kernel module is needed.
 */
namespace FakeGpiod {

struct LineRequest
{
    unsigned offset = 0;
    QByteArray consumer;
    int flags = 0;
    int initialValue = -1;
};

struct State
{
    // Set up by the test.
    QMap<QByteArray, unsigned> chips {
        {"gpiochip0", 54}}; ///< Openable chips (by name or /dev path) and line counts.
    QMap<unsigned, QByteArray> busyLines; ///< Lines already held by another consumer.
    QList<unsigned> failingSetLines; ///< gpiod_line_set_value fails (EIO) on these.

    // Recorded.
    QList<QByteArray> openedChips;
    int closedChips = 0;
    QList<LineRequest> requests;
    QList<unsigned> released;
    QList<QPair<unsigned, int>> valuesSet;
    QMap<unsigned, int> values; ///< Logical values of requested lines.
};

State &state();
void reset();
/// Lines requested and not yet released.
QList<unsigned> heldLines();

} // namespace FakeGpiod
