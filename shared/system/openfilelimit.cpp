// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "openfilelimit.h"

#include <sys/resource.h>

OpenFileLimit raiseOpenFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return {};
    OpenFileLimit result {quint64(limit.rlim_cur), quint64(limit.rlim_max), false};
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            result.soft = quint64(raised.rlim_cur);
            result.raised = true;
        }
    }
    return result;
}
