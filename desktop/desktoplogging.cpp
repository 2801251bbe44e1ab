// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "desktoplogging.h"

Q_LOGGING_CATEGORY(lcDesktop, "pirack.desktop", QtInfoMsg)
