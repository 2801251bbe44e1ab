// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "structurelogging.h"

Q_LOGGING_CATEGORY(lcStructure, "pirack.structure", QtInfoMsg)
