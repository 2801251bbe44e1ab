// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gpiod.h>
#include <memory>

// Move-only owners of libgpiod 1.6 handles. A line belongs to its chip, so an owner of
// requested lines must be destroyed before the chip owner (declare the chip first).

struct GpiodChipCloser
{
    void operator()(gpiod_chip *chip) const noexcept { gpiod_chip_close(chip); }
};
using GpiodChip = std::unique_ptr<gpiod_chip, GpiodChipCloser>;

struct GpiodLineReleaser
{
    void operator()(gpiod_line *line) const noexcept { gpiod_line_release(line); }
};
/// A requested line: destroying it releases the request.
using GpiodRequestedLine = std::unique_ptr<gpiod_line, GpiodLineReleaser>;
