// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "keyringlogging.h"

Q_LOGGING_CATEGORY(lcKeyring, "pirack.keyring", QtInfoMsg)
