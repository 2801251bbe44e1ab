#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) in build-fuzz/ and runs each for
# SECONDS (default 30), one after another, from a copy of its seed corpus (the committed one never
# grows). Prints each target's executions and coverage; exits non-zero if any target crashed, with
# the crash input's path. Usage: scripts/fuzz.sh [SECONDS [TARGET...]]   (only the targets named, when
# some are; FUZZ_JOBS: build jobs, default 2)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

case "${1:-}" in
    -h|--help) sed -n '4,9p' "$0"; exit 0 ;;
esac
seconds="${1:-30}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a whole number of seconds, got '$seconds' (try --help)"
[ "$#" -gt 0 ] && shift
only=("$@")

# clang-14's libclang_rt.fuzzer (what -fsanitize=fuzzer links) is in libclang-rt-14-dev; the
# standalone libFuzzer of libfuzzer-14-dev is not needed.
ensure_packages "${PIRACK_BUILD_PACKAGES[@]}" clang libclang-rt-14-dev

build_dir="$PIRACK_ROOT/build-fuzz"
work_dir="$build_dir/fuzz-work"
started=$(date +%s)

# Not configure_and_build: that builds every target with every core, and only the fuzzers are wanted.
say "Configuring $build_dir (clang, PIRACK_FUZZ=ON)"
CC=clang CXX=clang++ cmake -S "$PIRACK_ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPIRACK_FUZZ=ON -DBUILD_TESTING=OFF
say "Building the fuzz targets"
cmake --build "$build_dir" --target pirack_fuzz --parallel "${FUZZ_JOBS:-2}"
built=$(date +%s)

# name:max_len. Inputs are kept a little larger than the largest real file of their kind.
targets=(
    fuzz_framing:4096 fuzz_messages:4096 fuzz_joinstring:512 fuzz_structure:8192 fuzz_dhcpevent:4096
    fuzz_reservations:4096 fuzz_installrecord:8192 fuzz_statefiles:4096 fuzz_nodereport:4096
    fuzz_configs:4096 fuzz_systemreader:4096 fuzz_httprequest:4096
)

export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export QT_LOGGING_RULES="*=false"
failed=()
summary=()
for entry in "${targets[@]}"; do
    if [ "${#only[@]}" -gt 0 ] && [[ " ${only[*]} " != *" ${entry%%:*} "* ]]; then
        continue
    fi
    name="${entry%%:*}"
    max_len="${entry##*:}"
    dir="$work_dir/$name"
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/tmp"
    cp "$PIRACK_ROOT/tests/fuzz/corpus/$name/"* "$dir/corpus/"
    say "Fuzzing $name for ${seconds}s"
    status=0
    TMPDIR="$dir/tmp" "$build_dir/tests/fuzz/$name" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
        "$dir/corpus" >"$dir/log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
    # A target that crashes on its seeds never prints its coverage: no match is no error here.
    coverage=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$dir/log" | tail -1 || true)
    line=$(printf '%-20s %10s executions  %-22s corpus %s files' "$name" "${executions:-?}" \
        "${coverage:-cov: ? ft: ?}" "$(find "$dir/corpus" -type f | wc -l)")
    if [ "$status" -ne 0 ]; then
        crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$dir/log" | tail -1)
        line+="  CRASHED (exit $status): ${crash:-no input saved, see $dir/log}"
        failed+=("$name")
        printf '%s\n' "$line"
        grep -E '^(==pirack-fuzz==|SUMMARY:|==[0-9]+==ERROR)|runtime error|#[0-3] 0x' "$dir/log" | head -12 || true
        [ -n "$crash" ] && [ -f "$crash" ] && od -A x -t x1z -v "$crash" | head -16
        printf 'full log: %s\n' "$dir/log"
    else
        printf '%s\n' "$line"
    fi
    summary+=("$line")
done

finished=$(date +%s)
say "Summary (build $((built - started))s, fuzzing $((finished - built))s)"
printf '%s\n' "${summary[@]}"
[ "${#failed[@]}" -eq 0 ] || die "crashed: ${failed[*]} (inputs and logs in $work_dir)"
say "No crashes"
