// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace Protocol {

/// Lower-case colon form of a MAC, or empty when `text` is not one (6 hex pairs, ':' or '-').
QString normalizedMac(const QString &text);

} // namespace Protocol
