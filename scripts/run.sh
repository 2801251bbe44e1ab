#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The main job: installs what is missing, builds, and runs rackd on a simulated rack described by
# the structure file (default: the repo's 48-Pi structure_rack.ini), then drives it with rackctl.
# At a terminal it keeps rackd running until Ctrl-C; otherwise it stops after the demonstration.
# Usage: scripts/run.sh [STRUCTURE_FILE]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

structure="$(realpath "${1:-$PIRACK_ROOT/structure_rack.ini}")"
build_dir="${PIRACK_BUILD_DIR:-$PIRACK_ROOT/build}"
demo_dir="$build_dir/demo"
port="${PIRACK_PORT:-7420}"

ensure_packages "${PIRACK_BUILD_PACKAGES[@]}"
configure_and_build "$build_dir"

rackd="$build_dir/rackd/rackd"
rackctl="$build_dir/rackd/rackctl"

say "Checking the rack described by $structure"
"$rackd" --check "$structure" || die "fix the structure file first"

# The demo keeps its state (key, tokens, simulated relays) in the build tree, so it survives a rerun.
mkdir -p "$demo_dir"
cat > "$demo_dir/rackd.conf" <<CONF
[rackd]
listen_address = 127.0.0.1
listen_port = $port
state_directory = state
structure_file = $structure
relay_backend = simulated
CONF

say "Starting rackd on 127.0.0.1:$port with simulated relays (log: $demo_dir/rackd.log)"
"$rackd" --config "$demo_dir/rackd.conf" > "$demo_dir/rackd.log" 2>&1 &
rackd_pid=$!
stop_rackd() { kill -TERM "$rackd_pid" 2>/dev/null && wait "$rackd_pid" 2>/dev/null; }
trap stop_rackd EXIT
for _ in $(seq 50); do
    grep -q "listening on" "$demo_dir/rackd.log" && break
    kill -0 "$rackd_pid" 2>/dev/null || { cat "$demo_dir/rackd.log"; die "rackd did not start"; }
    sleep 0.1
done
grep -q "listening on" "$demo_dir/rackd.log" || { cat "$demo_dir/rackd.log"; die "rackd did not start listening"; }

fingerprint=$("$rackd" --config "$demo_dir/rackd.conf" --fingerprint)
token_file="$demo_dir/state/initial-admin-token"
ctl=("$rackctl" --host 127.0.0.1 --port "$port" --token-file "$token_file")

say "rackctl status (trusting this rackd's fingerprint $fingerprint)"
"${ctl[@]}" --trust-fingerprint "$fingerprint" status
say "rackctl power on 1 2"
"${ctl[@]}" power on 1 2
say "rackctl power cycle 2   (off, at least min_off_time, on)"
"${ctl[@]}" power cycle 2

cat <<NOTE

==> rackd is running on a simulated rack. Drive it with rackctl, for example:
    $rackctl --host 127.0.0.1 --port $port --token-file $token_file status
    $rackctl --host 127.0.0.1 --port $port --token-file $token_file power on all
    $rackctl --host 127.0.0.1 --port $port --token-file $token_file audit
    (the rack's fingerprint is pinned in ~/.config/pirack/known-racks.json)
    Pis join with rack-agent (README: "Joining a Pi to the rack"). Not built yet: the virtual rack
    with real DHCP and simulated Pis, the staged install, and the pirack desktop app.
NOTE

if [ -t 0 ] && [ -z "${CI:-}" ]; then
    say "Press Ctrl-C to stop rackd (the simulated relays keep their state in $demo_dir/state)"
    wait "$rackd_pid" || true
fi
