#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The whole benchmark suite: installs what is missing, builds, then runs the desktop benchmark, the
# fan-out benchmark (rackd with 10 to 5000 agents over TLS) and the same fan-out with pdsh and
# Ansible over SSH, and prints the tables and PiRack's speed-up. The tables also go to
# build/bench-results.md. docs/benchmarks.md explains the figures.
# Usage: bench/run.sh [--quick]   (--quick: fewer sizes and runs, about 2 minutes instead of 15)
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

quick=0
for argument in "$@"; do
    case "$argument" in
        --quick) quick=1 ;;
        -h|--help) sed -n '4,9p' "$0"; exit 0 ;;
        *) die "unknown argument '$argument' (try --help)" ;;
    esac
done

ensure_packages "${PIRACK_BUILD_PACKAGES[@]}"
root=0
[ "$(id -u)" -eq 0 ] && root=1
if [ "$root" -eq 1 ]; then
    # openssh-server is only wanted for its sshd binary: the comparison runs its own sshd in a
    # namespace. Installing it must not start (or enable) a system-wide sshd as a side effect.
    sshd_was_installed=1
    [ -n "$(missing_packages openssh-server)" ] && sshd_was_installed=0
    policy_added=0
    if [ "$sshd_was_installed" -eq 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        policy_added=1
    fi
    ensure_packages iproute2 pdsh openssh-server openssh-client
    [ "$policy_added" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    if [ "$sshd_was_installed" -eq 0 ] && [ -d /run/systemd/system ]; then
        systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1 || true
    fi
fi

configure_and_build "$PIRACK_ROOT/build"
bench="$PIRACK_ROOT/build/bench"
results="$PIRACK_ROOT/build/bench-results.md"

if [ "$quick" -eq 1 ]; then
    desktop_args=(--runs 5)
    fanout_args=(--runs 5 --idle 15 --startup-runs 3 10 49 200 1000)
    ssh_args=(--runs 1 49)
    metrics_args=(--runs 50 48 1000)
    redfish_args=(--runs 50 48 1000)
else
    desktop_args=(--runs 20)
    fanout_args=(--runs 20 --idle 60 --startup-runs 10 10 49 200 1000 5000)
    ssh_args=(--runs 3 10 49 200)
    metrics_args=(--runs 200 48 1000)
    redfish_args=(--runs 200 48 1000)
fi

{
    echo "# PiRack benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), Qt $(qtpaths6 --qt-version 2>/dev/null || echo '?')"
    echo
} > "$results"

say "The desktop: build/bench/desktop-bench ${desktop_args[*]}"
"$bench/desktop-bench" "${desktop_args[@]}" | tee -a "$results"
echo >> "$results"

say "A /metrics scrape: build/bench/metrics-bench ${metrics_args[*]}"
"$bench/metrics-bench" "${metrics_args[@]}" | tee -a "$results"
echo >> "$results"

say "A Redfish power-state read: build/bench/redfish-bench ${redfish_args[*]}"
"$bench/redfish-bench" "${redfish_args[@]}" 2>/dev/null | tee -a "$results"
echo >> "$results"

say "Fan-out: build/bench/fanout-bench ${fanout_args[*]}"
fanout_table=$(mktemp)
"$bench/fanout-bench" "${fanout_args[@]}" 2> >(grep -v ' warning pirack\.' >&2) | tee "$fanout_table"
cat "$fanout_table" >> "$results"
echo >> "$results"

if [ "$root" -eq 0 ]; then
    say "The SSH comparison needs root (it makes a network namespace): skipped"
    rm -f "$fanout_table"
    exit 0
fi

say "The same fan-out over SSH: bench/ssh-compare.sh ${ssh_args[*]}"
ssh_table=$(mktemp)
{
    echo "| hosts | tool | wall time (s, median) |"
    echo "| --- | --- | --- |"
} | tee -a "$results"
"$PIRACK_ROOT/bench/ssh-compare.sh" "${ssh_args[@]}" | tee "$ssh_table"
cat "$ssh_table" >> "$results"
echo >> "$results"

say "PiRack's speed-up (its ping round against each tool's time for the same number of hosts)"
{
    echo "| hosts | PiRack ping round (ms) | tool | tool (s) | PiRack is faster by |"
    echo "| --- | --- | --- | --- | --- |"
    awk -F'|' '
        FNR == NR { gsub(/ /, "", $2); gsub(/ /, "", $5); if ($2 ~ /^[0-9]+$/) ping[$2] = $5; next }
        { n = $2; gsub(/ /, "", n); tool = $3; sub(/^ /, "", tool); sub(/ $/, "", tool); t = $4; gsub(/ /, "", t)
          if (n in ping && ping[n] > 0) printf "| %s | %s | %s | %s | %.0fx |\n", n, ping[n], tool, t, t * 1000 / ping[n] }
    ' "$fanout_table" "$ssh_table"
} | tee -a "$results"
rm -f "$fanout_table" "$ssh_table"
say "The tables are in $results"
