#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs what is missing, builds, and runs every test with CTest: once in a normal build and
# once built with AddressSanitizer + UndefinedBehaviorSanitizer; then runs every libFuzzer target
# of tests/fuzz for PIRACK_FUZZ_SECONDS each (default 30; see scripts/fuzz.sh).
# Usage: scripts/test.sh [--quick]   (--quick skips the sanitizer build and the fuzzing, for the
# edit-test loop)
#        scripts/test.sh --repeat N   builds both, then runs the end-to-end tests N times in each build
#                                      (stopping at the first failure): a flaky test is a bug
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

quick=0
repeat=0
while [ "$#" -gt 0 ]; do
    argument="$1"
    shift
    case "$argument" in
        --quick) quick=1 ;;
        --repeat)
            [ "$#" -gt 0 ] && [[ "$1" =~ ^[1-9][0-9]*$ ]] || die "--repeat needs a number of runs, like --repeat 20"
            repeat="$1"
            shift
            ;;
        -h|--help) sed -n '4,11p' "$0"; exit 0 ;;
        *) die "unknown argument '$argument' (try --help)" ;;
    esac
done

ensure_packages "${PIRACK_BUILD_PACKAGES[@]}" "${PIRACK_REDFISH_CLIENT_PACKAGES[@]}"
# promtool checks the /metrics exposition and the shipped alerting rules.
ensure_prometheus_tools > /dev/null
# As root the end-to-end tests run the virtual rack with real namespaces, dnsmasq and udhcpc, and
# the mixed rack's Pis the arm64 agent (build-arm64) under qemu-user; the kernel test boots
# Debian's kernel under qemu with gpio-sim.
if [ "$(id -u)" -eq 0 ]; then
    ensure_packages "${PIRACK_VIRTUAL_RACK_PACKAGES[@]}" "${PIRACK_KERNEL_TEST_PACKAGES[@]}"
    build_arm64_agent "$PIRACK_ROOT/build-arm64"
fi

run_tests() {
    local build_dir="$1"
    say "Running the tests in $build_dir"
    ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" --timeout 300
}

if [ "$repeat" -gt 0 ]; then
    configure_and_build "$PIRACK_ROOT/build"
    configure_and_build "$PIRACK_ROOT/build-sanitize" -DPIRACK_SANITIZE=ON
    for build_dir in "$PIRACK_ROOT/build" "$PIRACK_ROOT/build-sanitize"; do
        say "Running the end-to-end tests in $build_dir $repeat times"
        # One test at a time; each run of each test must pass.
        ctest --test-dir "$build_dir" --output-on-failure --label-regex end-to-end --timeout 900 \
            --repeat "until-fail:$repeat"
    done
    say "The end-to-end tests passed $repeat times in both builds"
    exit 0
fi

configure_and_build "$PIRACK_ROOT/build"
run_tests "$PIRACK_ROOT/build"

if [ "$quick" -eq 0 ]; then
    configure_and_build "$PIRACK_ROOT/build-sanitize" -DPIRACK_SANITIZE=ON
    run_tests "$PIRACK_ROOT/build-sanitize"
    bash "$PIRACK_ROOT/scripts/fuzz.sh" "${PIRACK_FUZZ_SECONDS:-30}"
fi
# Reached only when every run above passed (set -e): the count of test runs, as the last line.
runs=0
for build_dir in "$PIRACK_ROOT/build" "$PIRACK_ROOT/build-sanitize"; do
    [ "$build_dir" = "$PIRACK_ROOT/build-sanitize" ] && [ "$quick" -eq 1 ] && continue
    count=$(ctest --test-dir "$build_dir" -N | sed -n 's/^Total Tests: //p')
    runs=$((runs + ${count:-0}))
done
say "All tests passed"
printf 'tests: %d passed, 0 failed\n' "$runs"
