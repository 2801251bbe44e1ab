// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemonlogging.h"

Q_LOGGING_CATEGORY(lcDaemon, "pirack.daemon", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRedfish, "pirack.redfish", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRecovery, "pirack.recovery", QtInfoMsg)
