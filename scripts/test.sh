#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs what is missing, builds, and runs every test with CTest: once in a normal build and
# once built with AddressSanitizer + UndefinedBehaviorSanitizer.
# Usage: scripts/test.sh [--quick]   (--quick skips the sanitizer build, for the edit-test loop)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

quick=0
for argument in "$@"; do
    case "$argument" in
        --quick) quick=1 ;;
        -h|--help) sed -n '4,7p' "$0"; exit 0 ;;
        *) die "unknown argument '$argument' (try --help)" ;;
    esac
done

ensure_packages "${PIRACK_BUILD_PACKAGES[@]}"
# As root the end-to-end tests run the virtual rack with real namespaces, dnsmasq and udhcpc.
[ "$(id -u)" -eq 0 ] && ensure_packages "${PIRACK_VIRTUAL_RACK_PACKAGES[@]}"

run_tests() {
    local build_dir="$1"
    say "Running the tests in $build_dir"
    ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" --timeout 300
}

configure_and_build "$PIRACK_ROOT/build"
run_tests "$PIRACK_ROOT/build"

if [ "$quick" -eq 0 ]; then
    configure_and_build "$PIRACK_ROOT/build-sanitize" -DPIRACK_SANITIZE=ON
    run_tests "$PIRACK_ROOT/build-sanitize"
fi
say "All tests passed"
