// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// vrack-no-pidfd PROGRAM [ARGUMENTS...]: runs PROGRAM with waitid(P_PIDFD, ...) answering EINVAL,
// as a kernel older than 5.4 would.
//
// Why: the mixed rack runs the arm64 rack-agent under Debian 12's qemu-user (7.2). Qt's QProcess
// detects pidfd support with waitid(P_PIDFD, INT_MAX), which qemu passes to this machine's kernel
// (supported), and then forks with clone(CLONE_PIDFD), which qemu 7.2 does not emulate (EINVAL,
// "fork failure"): no command of the agent could start. Told that pidfds are missing, Qt forks the
// classic way, which qemu emulates. A real Pi's kernel has both, so the agent needs nothing there.
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int main(int argc, char *argv[])
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: vrack-no-pidfd PROGRAM [ARGUMENTS...]\n");
        return 2;
    }
    // Only this machine's own calls are looked at; qemu makes them for the emulated program.
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_waitid, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, P_PIDFD, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EINVAL & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    const sock_fprog program {static_cast<unsigned short>(sizeof(filter) / sizeof(filter[0])), filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
        || ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
        std::fprintf(stderr, "vrack-no-pidfd: cannot install the filter: %s\n", std::strerror(errno));
        return 1;
    }
    ::execvp(argv[1], argv + 1);
    std::fprintf(stderr, "vrack-no-pidfd: cannot run %s: %s\n", argv[1], std::strerror(errno));
    return 127;
}
