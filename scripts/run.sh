#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The main job: installs what is missing, builds, and brings up the virtual rack for the structure
# file (default: the repo's 48-Pi structure_rack.ini): rackd with simulated relays, and one virtual
# Pi per slot that boots when its stack's relay goes on (as root: network namespaces, dnsmasq,
# udhcpc; otherwise loopback mode). It powers the rack on with rackctl and opens the desktop app,
# pirack, connected to it; the rack runs until pirack is closed.
# With --fresh the rack is new and uninstalled instead: no Pi placed, no address reserved. pirack
# opens on it: run the staged install from its Install... button (the wizard). Without a display
# (or with CI set) the script runs the same install with rackctl and shows its report, and pirack
# runs offscreen long enough to save a picture of its window to build/pirack-window.png.
# Usage: scripts/run.sh [--fresh] [STRUCTURE_FILE]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

fresh=0
if [ "${1:-}" = "--fresh" ]; then
    fresh=1
    shift
fi
structure="$(realpath "${1:-$PIRACK_ROOT/structure_rack.ini}")"
build_dir="${PIRACK_BUILD_DIR:-$PIRACK_ROOT/build}"
run_dir="$build_dir/virtual-rack"
port="${PIRACK_PORT:-7420}"
rack_options=()
if [ "$fresh" -eq 1 ]; then
    # A new rack each time: the install's results from an earlier run are not kept.
    run_dir="$build_dir/virtual-rack-fresh"
    rm -rf "$run_dir"
    rack_options=(--fresh)
fi

ensure_packages "${PIRACK_BUILD_PACKAGES[@]}"
[ "$(id -u)" -eq 0 ] && ensure_packages "${PIRACK_VIRTUAL_RACK_PACKAGES[@]}"
configure_and_build "$build_dir"

# A person at a desktop gets the app; a machine without a display (or CI) gets its picture.
gui=0
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -t 0 ] && [ -z "${CI:-}" ]; then
    gui=1
fi

rackd="$build_dir/rackd/rackd"
pirack="$build_dir/desktop/pirack"
rackctl="$build_dir/rackd/rackctl"
virtual_rack="$build_dir/tests/virtualrack/virtual-rack"

say "Checking the rack described by $structure"
"$rackd" --check "$structure" || die "fix the structure file first"

# The rack keeps its state (rackd's key and tokens, the Pis' credentials) in the build tree across runs.
mkdir -p "$run_dir"
log="$build_dir/virtual-rack.log"
say "Starting the virtual rack (log: $log)"
"$virtual_rack" --structure "$structure" --run-dir "$run_dir" --port "$port" --http-port 0 "${rack_options[@]}" > "$log" 2>&1 &
rack_pid=$!
stop_rack() {
    kill -INT "$rack_pid" 2>/dev/null && wait "$rack_pid" 2>/dev/null
    grep -E "virtual rack is down|removed" "$log" | tail -2
}
trap stop_rack EXIT
for _ in $(seq 600); do
    grep -q "virtual-rack: ready" "$log" && break
    kill -0 "$rack_pid" 2>/dev/null || { cat "$log"; die "the virtual rack did not start"; }
    sleep 0.2
done
grep -q "virtual-rack: ready" "$log" || { cat "$log"; die "the virtual rack did not become ready"; }
grep "^virtual-rack: " "$log" | grep -v "Pis running"

fingerprint=$(grep -o "SHA256:[0-9a-f]*" "$log" | head -1)
total=$(grep -o "[0-9]* virtual Pis" "$log" | head -1 | cut -d' ' -f1)
ctl=("$rackctl" --host 127.0.0.1 --port "$port" --token-file "$run_dir/admin-token"
    --known-racks "$run_dir/known-racks.json")

say "rackctl status (trusting this rack's fingerprint $fingerprint)"
"${ctl[@]}" --trust-fingerprint "$fingerprint" status
app=("$pirack" --name "virtual rack" --host 127.0.0.1 --port "$port" --token-file "$run_dir/admin-token"
    --known-racks "$run_dir/known-racks.json" --trust-fingerprint "$fingerprint")

# open_pirack: at a desktop, the app until it is closed; otherwise a picture of it, offscreen.
open_pirack() {
    if [ "$gui" -eq 1 ]; then
        say "Opening pirack on the virtual rack; close it to stop the rack"
        "${app[@]}" || true
    else
        say "No display: pirack runs offscreen and saves its window to $build_dir/pirack-window.png"
        QT_QPA_PLATFORM=offscreen "${app[@]}" --screenshot "$build_dir/pirack-window.png" \
            || die "pirack did not show the rack (see its messages above)"
    fi
}

if [ "$fresh" -eq 1 ] && [ "$gui" -eq 1 ]; then
    cat <<NOTE

==> The rack is new: no Pi placed, no address reserved. In pirack, press "Install..." and follow
    the wizard: pre-checks, every stack off, each stack on alone while rackd learns its Pis,
    the review, the power-on and verification, the summary and the inventory export.
NOTE
    open_pirack
    exit 0
fi
if [ "$fresh" -eq 1 ]; then
    say "rackctl install start   (each stack alone: its Pis ask for addresses, rackd learns their MACs)"
    status=0
    "${ctl[@]}" install start || status=$?
    # A stack that is not clean waits for the operator; on this healthy rack none should.
    if "${ctl[@]}" install status | grep -q "waits for a decision"; then
        die "a stack waits for a decision (see rackctl install status); the virtual rack is still running"
    fi
    [ "$status" -eq 0 ] || die "the install did not end with every stack ok (see $log)"
    say "rackctl inventory --format ansible   (the placed Pis, for Ansible)"
    "${ctl[@]}" inventory --format ansible | sed -n 1,12p
    echo "    ..."
    cat <<NOTE

==> The staged install is done: every Pi has its fixed address and name, reserved in
    $run_dir/dnsmasq/dhcp-hosts, and its place in rackd.
    $rackctl --host 127.0.0.1 --port $port --token-file $run_dir/admin-token --known-racks $run_dir/known-racks.json install status
    ... inventory --format hosts|mpi|ansible-yaml|json      the nodes for other tools
    ... install replace 3 2           re-discover stack 3 slot 2 (a replaced Pi gets the old address)
    ... install start 5 6             run the install again on some stacks
    ... nodes | power cycle 3 | exec uptime stack:4
NOTE
    open_pirack
    if [ -t 0 ] && [ -z "${CI:-}" ]; then
        say "Press Ctrl-C to stop the virtual rack (everything it made is removed; its state stays in $run_dir)"
        wait "$rack_pid" || true
    fi
    exit 0
fi
say "rackctl power on all   (stack by stack, stagger_delay apart; each Pi boots, gets a lease, joins)"
"${ctl[@]}" power on all
say "Waiting for the $total agents to report to rackd"
up=0
for _ in $(seq 180); do
    up=$("${ctl[@]}" nodes | grep -c " up " || true)
    printf '\r    %s of %s Pis up' "$up" "$total"
    [ "$up" -eq "$total" ] && break
    sleep 1
done
echo
[ "$up" -eq "$total" ] || die "only $up of $total Pis came up (see $log and $run_dir/pis/*/agent.log)"
"${ctl[@]}" status

cat <<NOTE

==> The virtual rack is up: $total virtual Pis whose power follows their stack's relay.
    Drive it with rackctl (the token file holds the admin token):
    $rackctl --host 127.0.0.1 --port $port --token-file $run_dir/admin-token --known-racks $run_dir/known-racks.json status
    ... nodes                         every Pi, its state, CPU and temperature
    ... power cycle 3                 stack 3's Pis go down and come back
    ... power graceful-off 2          shut stack 2's Pis down, then cut its relay
    ... exec reboot s1-n1             one Pi reboots; exec shutdown halts it until its power is cycled
    ... exec uptime stack:4           a named command on every Pi of stack 4
    Each Pi's files and logs are in $run_dir/pis/NAME; DHCP in $run_dir/dnsmasq (namespace mode).
    For the staged install on a new, uninstalled rack: scripts/run.sh --fresh
NOTE

open_pirack
if [ "$gui" -eq 0 ] && [ -t 0 ] && [ -z "${CI:-}" ]; then
    say "Press Ctrl-C to stop the virtual rack (everything it made is removed; its state stays in $run_dir)"
    wait "$rack_pid" || true
fi
