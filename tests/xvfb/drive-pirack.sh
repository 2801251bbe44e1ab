#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# pirack in a real X server, driven like a person: Xvfb, the xcb platform plugin, xdotool for the
# mouse and keys, ImageMagick's import for the screenshots. Against a virtual rack of 4 stacks of 3
# Pis on loopback, all on: click into the rack, move to stack 3 with the arrow keys, open its menu
# with the menu key, choose Off, answer the confirmation that names its Pis, check that rackd's
# relay went off (rackctl), then On again, and check that the tiles turn green again (counted in
# the screenshot). A screenshot of each step goes to OUTPUT_DIR.
# Usage: drive-pirack.sh BUILD_DIR OUTPUT_DIR
set -uo pipefail
build=$(realpath "$1")
out=$(realpath -m "$2")
say() { echo "drive-pirack: $*"; }
fail() {
    say "FAIL: $*"
    for log in pirack.log virtual-rack.log xvfb.log; do
        [ -f "${work:-/nonexistent}/$log" ] && { echo "--- the end of $log:"; tail -n 25 "$work/$log"; }
    done
    [ -d "$out" ] && echo "--- screenshots so far: $(ls "$out" 2>/dev/null | tr '\n' ' ')"
    exit 1
}

missing=()
for tool in Xvfb xdotool import convert; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
    reason="needs ${missing[*]} (Debian packages xvfb, xdotool, imagemagick; scripts/test.sh installs them)"
    [ "${CI:-}" = true ] && fail "$reason"
    echo "SKIP: $reason"
    exit 77
fi
for program in tests/virtualrack/virtual-rack rackd/rackctl desktop/pirack; do
    [ -x "$build/$program" ] || fail "$build/$program is missing: build first"
done

work=$(mktemp -d /tmp/pirack-xvfb.XXXXXX)
mkdir -p "$out" "$work/home/.config"
# Everything pirack and rackctl keep (saved racks, pins, tokens) goes to this test's own folder.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config"
rm -f "$out"/*.png
pids=()
cleanup() {
    # The virtual rack removes what it made on SIGINT; the others just end.
    for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

# Waits until the command succeeds, at most $1 seconds.
wait_for() {
    local seconds=$1
    shift
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

cat >"$work/rack.ini" <<'INI'
[rack]
pi_stack = 3
rows = 2
cols = 2
relay_backend = simulated
stagger_delay = 0.5
min_off_time = 0.5
[1]
x = 1
y = 1
[2]
x = 1
y = 2
[3]
x = 2
y = 1
[4]
x = 2
y = 2
INI

# The rack.
"$build/tests/virtualrack/virtual-rack" --structure "$work/rack.ini" --run-dir "$work/rack" --mode loopback --port 0 \
    --boot-delay 1s --boot-jitter 500ms >"$work/virtual-rack.log" 2>&1 &
pids+=($!)
wait_for 60 grep -q 'virtual-rack: ready' "$work/virtual-rack.log" || { cat "$work/virtual-rack.log"; fail "the virtual rack did not come up"; }
port=$(sed -n 's/.*rackd answers on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/virtual-rack.log" | head -1)
fingerprint=$(sed -n 's/.*(fingerprint \(SHA256:[0-9a-f]*\)).*/\1/p' "$work/virtual-rack.log" | head -1)
token_file="$work/rack/admin-token"
[ -n "$port" ] && [ -n "$fingerprint" ] || fail "cannot read rackd's port and fingerprint from the virtual rack"
rackctl() { "$build/rackd/rackctl" --host 127.0.0.1 --port "$port" --token-file "$token_file" \
    --known-racks "$work/known-racks.json" --trust-fingerprint "$fingerprint" "$@"; }
# "STACK ... RELAY": the relay column of one stack in rackctl status.
relay_of() { rackctl status | awk -v stack="$1" '$1 == stack { print $6 }'; }
up_of() { rackctl status | awk -v stack="$1" '$1 == stack { print $5 }'; }
all_up() { for s in 1 2 3 4; do [ "$(up_of "$s")" = 3 ] || return 1; done; }
rackctl power on all >/dev/null || fail "rackctl power on all failed"
wait_for 90 all_up || fail "the 12 Pis did not all come up: $(rackctl status)"
say "virtual rack on 127.0.0.1:$port, 12 Pis up"

# The display: Xvfb takes a free one itself and says which (two tests at once never collide).
Xvfb -displayfd 5 -screen 0 1400x900x24 -nolisten tcp 5>"$work/display" >"$work/xvfb.log" 2>&1 &
pids+=($!)
wait_for 20 test -s "$work/display" || fail "Xvfb did not start: $(cat "$work/xvfb.log")"
export DISPLAY=":$(head -1 "$work/display")"
wait_for 20 xdotool getdisplaygeometry || fail "Xvfb :$display did not start: $(cat "$work/xvfb.log")"

QT_QPA_PLATFORM=xcb DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent "$build/desktop/pirack" \
    --host 127.0.0.1 --port "$port" --name xvfb-rack --token-file "$token_file" --known-racks "$work/known-racks.json" \
    --trust-fingerprint "$fingerprint" >"$work/pirack.log" 2>&1 &
pids+=($!)
pirack_pid=$!
# pirack's windows on the screen: the main window, and a menu or a dialog while one is open.
windows() { xdotool search --onlyvisible --pid "$pirack_pid" 2>/dev/null | wc -l; }
more_windows_than() { [ "$(windows)" -gt "$1" ]; }
window=""
find_window() { window=$(xdotool search --onlyvisible --name 'PiRack' 2>/dev/null | head -1); [ -n "$window" ]; }
wait_for 30 find_window || fail "pirack's window did not appear: $(cat "$work/pirack.log")"
xdotool windowmove "$window" 0 0 windowsize "$window" 1400 900
say "pirack's window is $window on $DISPLAY"

step=0
shot_name=""
shot() {
    # A step taken again while waiting for something replaces its own picture.
    [ "$1" = "$shot_name" ] || step=$((step + 1))
    shot_name=$1
    local file
    file=$(printf '%s/%02d-%s.png' "$out" "$step" "$1")
    import -window root "$file" || fail "cannot take a screenshot"
    say "screenshot $file"
    last_shot=$file
}
# The pixels of the colour of an up Pi's tile (#d7f0dc) in the last screenshot.
green_pixels() { convert "$last_shot" -fill black +opaque '#d7f0dc' -fill white -opaque '#d7f0dc' -format '%[fx:int(mean*w*h)]' info:; }
# The tiles are green once the window has loaded the rack and the Pis' states.
loaded() { shot loading >/dev/null; [ "$(green_pixels)" -gt 10000 ]; }
wait_for 30 loaded || fail "the rack never showed 12 green tiles"
shot all-up
green_before=$(green_pixels)
say "green before: $green_before pixels"

# Click into stack 1 (the rack view's top left quarter), then the arrow down is stack 3 below it.
# X delivers the click and the keys in order; only a menu or a dialog must be on screen before the
# keys meant for it are sent.
xdotool windowfocus --sync "$window"
alone=$(windows)
xdotool mousemove --window "$window" 150 200 click 1
xdotool key --window "$window" Down Menu
wait_for 20 more_windows_than "$alone" || fail "the menu key opened no menu"
shot stack3-menu
# The menu: a title, then On, Off, Cycle, Graceful off. Down twice is Off.
xdotool key Down Down Return
wait_for 20 more_windows_than "$alone" || fail "no confirmation was asked"
shot confirmation
xdotool key alt+y
wait_for 20 bash -c "[ \"\$('$build/rackd/rackctl' --host 127.0.0.1 --port $port --token-file '$token_file' --known-racks '$work/known-racks.json' status | awk '\$1 == 3 { print \$6 }')\" = off ]" \
    || fail "stack 3's relay is not off in rackd after the confirmation: $(rackctl status)"
[ "$(relay_of 1)" = on ] && [ "$(relay_of 2)" = on ] && [ "$(relay_of 4)" = on ] || fail "another stack was switched: $(rackctl status)"
say "rackd: stack 3 off, the others on"
stack3_grey() { shot stack3-off >/dev/null; [ "$(green_pixels)" -lt $((green_before * 85 / 100)) ]; }
wait_for 20 stack3_grey || fail "stack 3's tiles still look up ($(green_pixels) of $green_before green pixels)"
green_off=$(green_pixels)
say "green with stack 3 off: $green_off pixels"

# On again: there is no window manager to give the focus back after the dialog, so click into the
# rack again, on stack 3's header this time; then its menu, the first item, no question.
wait_for 20 bash -c "[ \$(xdotool search --onlyvisible --pid $pirack_pid 2>/dev/null | wc -l) -le $alone ]" \
    || fail "the confirmation did not close"
xdotool windowfocus --sync "$window"
xdotool mousemove --window "$window" 150 298 click 1
xdotool key --window "$window" Menu
wait_for 20 more_windows_than "$alone" || fail "the menu key opened no menu the second time"
shot stack3-menu-again
xdotool key Down Return
wait_for 20 bash -c "[ \"\$('$build/rackd/rackctl' --host 127.0.0.1 --port $port --token-file '$token_file' --known-racks '$work/known-racks.json' status | awk '\$1 == 3 { print \$6 }')\" = on ]" \
    || fail "stack 3's relay did not go on again: $(rackctl status)"
wait_for 60 all_up || fail "stack 3's Pis did not come up again: $(rackctl status)"
green_again() { shot on-again >/dev/null; [ "$(green_pixels)" -ge $((green_before * 95 / 100)) ]; }
wait_for 30 green_again || fail "the tiles did not turn green again ($(green_pixels) of $green_before)"
say "green again: $(green_pixels) of $green_before pixels"
ls "$out"
say "ok"
