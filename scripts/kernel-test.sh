#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The GPIO relays on a real kernel: boots Debian's kernel under qemu-system-x86_64 (TCG) with the
# gpio-sim module built for it, on this machine's file system with systemd as PID 1, and runs
# tests/kernel/tst_kernelgpio there: rackd.service as packaged, driving gpio-sim lines through the
# kernel's GPIO character device, checked from gpio-sim's sysfs files.
# Usage: scripts/kernel-test.sh [--build-dir DIR]   installs what is missing, builds what the test
#                                                    runs in DIR (default build/), then runs it
#        scripts/kernel-test.sh --from-ctest --build-dir DIR   (CTest's test "kernel") installs and
#                                                    builds nothing; exits 77 (skipped) with the reason
#                                                    when something is missing, unless CI=true
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_dir="$PIRACK_ROOT/build"
from_ctest=0
while [ "$#" -gt 0 ]; do
    case "$1" in
        --build-dir)
            [ "$#" -gt 1 ] || die "--build-dir needs a folder"
            build_dir="$(realpath -m "$2")"
            shift 2
            ;;
        --from-ctest) from_ctest=1; shift ;;
        -h|--help) sed -n '4,14p' "$0"; exit 0 ;;
        *) die "unknown argument '$1' (try --help)" ;;
    esac
done

if [ "$from_ctest" -eq 0 ]; then
    ensure_packages "${PIRACK_BUILD_PACKAGES[@]}" "${PIRACK_KERNEL_TEST_PACKAGES[@]}"
    configure_and_build_targets "$build_dir" rackd rackctl tst_kernelgpio
else
    mapfile -t missing < <(missing_packages "${PIRACK_KERNEL_TEST_PACKAGES[@]}")
    if [ "${#missing[@]}" -gt 0 ]; then
        reason="the kernel test needs the Debian packages ${missing[*]} (scripts/kernel-test.sh installs them)"
        [ "${CI:-}" = true ] && die "$reason"
        echo "SKIP: $reason"
        exit 77
    fi
fi
for program in rackd/rackd rackd/rackctl tests/kernel/tst_kernelgpio; do
    [ -x "$build_dir/$program" ] || die "$build_dir/$program is missing: build first (cmake --build $build_dir)"
done

work="$build_dir/kernel-test"
say "Preparing Debian's kernel and the gpio-sim module (cached in $work/cache)"
kernel_dir="$("$PIRACK_ROOT/tests/kernel/prepare-kernel.sh" "$work/cache")"

results="$work/results"
guest_root="$work/guest-root"
rm -rf "$results" "$guest_root"
mkdir -p "$results" "$guest_root/etc/systemd/system" "$guest_root/usr/lib/udev/rules.d"
# Where the package puts it (/lib is /usr/lib on Debian 12): udevd reads it at boot.
cp "$PIRACK_ROOT/resources/udev/60-pirack-gpio.rules" "$guest_root/usr/lib/udev/rules.d/"
cat >"$guest_root/etc/systemd/system/pirack-kernel-test.target" <<UNIT
[Unit]
Description=PiRack kernel test
Requires=pirack-kernel-test.service
After=pirack-kernel-test.service
AllowIsolate=yes
UNIT
# The guest restarts (and with -no-reboot, qemu ends) as soon as the test program has finished.
cat >"$guest_root/etc/systemd/system/pirack-kernel-test.service" <<UNIT
[Unit]
Description=PiRack kernel test program
After=basic.target systemd-udevd.service

[Service]
Type=exec
Environment=PIRACK_KERNEL_TEST=1 PIRACK_BUILD_DIR=$build_dir
ExecStart=/bin/sh -c '$build_dir/tests/kernel/tst_kernelgpio -o $results/tst_kernelgpio.txt,txt; echo \$? >$results/exit-code; sync; echo b >/proc/sysrq-trigger'
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
UNIT

say "Booting the guest (qemu-system-x86_64, TCG); its console: $results/console.log"
start=$(date +%s)
status=0
"$PIRACK_ROOT/tests/kernel/boot-guest.sh" "$kernel_dir" "$guest_root" "$results" 600 \
    "$PIRACK_ROOT" "$build_dir" || status=$?
elapsed=$(( $(date +%s) - start ))
[ -f "$results/tst_kernelgpio.txt" ] && cat "$results/tst_kernelgpio.txt"
if [ ! -f "$results/exit-code" ]; then
    tail -40 "$results/console.log" >&2 || true
    [ "$status" -eq 124 ] && die "the guest did not finish within 600 s"
    die "the guest ended (qemu status $status) before the test program did; see $results/console.log"
fi
test_status="$(cat "$results/exit-code")"
say "The kernel test took ${elapsed} s, boot included; tst_kernelgpio exited with $test_status"
[ "$test_status" = 0 ]
