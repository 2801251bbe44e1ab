// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What every libFuzzer target shares: a QCoreApplication made once in LLVMFuzzerInitialize, logging
// switched off (so the fuzzer measures parsing, not printing), a per-process temporary folder for the
// parsers that only read files, and a check that turns a broken invariant into a crash libFuzzer saves.

#include <QByteArray>
#include <QString>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace Fuzz {

inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

/// A folder of this process's own, removed at exit; valid after LLVMFuzzerInitialize.
QString temporaryDirectory();

/// Replaces `name` in the temporary folder with `content`; its full path.
QString writeTemporaryFile(const QString &name, const QByteArray &content);

/// A property of the code under test that does not hold: prints it and aborts, so the input is kept.
[[noreturn]] void fail(const char *what, const QString &detail = {});

} // namespace Fuzz

#define PIRACK_FUZZ_CHECK(condition, detail)                                                                 \
    do {                                                                                                     \
        if (!(condition))                                                                                    \
            Fuzz::fail(#condition, detail);                                                                  \
    } while (false)
