// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakelibgpiod.h"

#include <gpiod.h>

#include <cerrno>
#include <map>
#include <memory>

// The opaque libgpiod types, defined here for the fake.
struct gpiod_line
{
    gpiod_chip *chip = nullptr;
    unsigned offset = 0;
    bool requested = false;
    QByteArray consumer;
};

struct gpiod_chip
{
    QByteArray name;
    std::map<unsigned, std::unique_ptr<gpiod_line>> lines;
};

namespace FakeGpiod {

State &state()
{
    static State instance;
    return instance;
}

void reset() { state() = State(); }

QList<unsigned> heldLines()
{
    QMap<unsigned, int> balance;
    for (const LineRequest &request : state().requests)
        ++balance[request.offset];
    for (unsigned offset : state().released)
        --balance[offset];
    QList<unsigned> held;
    for (auto it = balance.cbegin(); it != balance.cend(); ++it) {
        if (it.value() > 0)
            held.append(it.key());
    }
    return held;
}

} // namespace FakeGpiod

extern "C" {

gpiod_chip *gpiod_chip_open(const char *path)
{
    const QByteArray name(path);
    FakeGpiod::state().openedChips.append(name);
    if (!FakeGpiod::state().chips.contains(name)) {
        errno = ENOENT;
        return nullptr;
    }
    auto *chip = new gpiod_chip;
    chip->name = name;
    return chip;
}

gpiod_chip *gpiod_chip_open_by_name(const char *name) { return gpiod_chip_open(name); }

void gpiod_chip_close(gpiod_chip *chip)
{
    if (!chip)
        return;
    ++FakeGpiod::state().closedChips;
    delete chip;
}

unsigned int gpiod_chip_num_lines(gpiod_chip *chip) { return FakeGpiod::state().chips.value(chip->name); }

gpiod_line *gpiod_chip_get_line(gpiod_chip *chip, unsigned int offset)
{
    if (offset >= gpiod_chip_num_lines(chip)) {
        errno = EINVAL;
        return nullptr;
    }
    auto &line = chip->lines[offset];
    if (!line) {
        line = std::make_unique<gpiod_line>();
        line->chip = chip;
        line->offset = offset;
    }
    return line.get();
}

int gpiod_line_request_output_flags(gpiod_line *line, const char *consumer, int flags, int default_val)
{
    FakeGpiod::State &fake = FakeGpiod::state();
    if (fake.busyLines.contains(line->offset)) {
        line->consumer = fake.busyLines.value(line->offset);
        errno = EBUSY;
        return -1;
    }
    fake.requests.append({line->offset, QByteArray(consumer), flags, default_val});
    fake.values.insert(line->offset, default_val);
    line->requested = true;
    line->consumer = consumer;
    return 0;
}

const char *gpiod_line_consumer(gpiod_line *line)
{
    return line->consumer.isEmpty() ? nullptr : line->consumer.constData();
}

void gpiod_line_release(gpiod_line *line)
{
    if (!line->requested)
        return;
    line->requested = false;
    FakeGpiod::state().released.append(line->offset);
}

int gpiod_line_set_value(gpiod_line *line, int value)
{
    FakeGpiod::State &fake = FakeGpiod::state();
    if (!line->requested || fake.failingSetLines.contains(line->offset)) {
        errno = line->requested ? EIO : EPERM;
        return -1;
    }
    fake.valuesSet.append({line->offset, value});
    fake.values.insert(line->offset, value);
    return 0;
}

int gpiod_line_get_value(gpiod_line *line)
{
    if (!line->requested) {
        errno = EPERM;
        return -1;
    }
    return FakeGpiod::state().values.value(line->offset, -1);
}

} // extern "C"
