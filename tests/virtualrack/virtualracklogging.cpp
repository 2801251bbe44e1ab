// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "virtualracklogging.h"

Q_LOGGING_CATEGORY(lcVirtualRack, "pirack.virtualrack", QtInfoMsg)
