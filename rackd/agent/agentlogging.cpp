// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "agentlogging.h"

Q_LOGGING_CATEGORY(lcAgent, "pirack.agent", QtInfoMsg)
