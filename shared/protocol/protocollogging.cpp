// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocollogging.h"

Q_LOGGING_CATEGORY(lcProtocol, "pirack.protocol", QtInfoMsg)
