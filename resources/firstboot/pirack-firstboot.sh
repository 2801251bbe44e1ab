#!/bin/bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs once on a slave Pi's first boot with a network (pirack-firstboot.service): installs the
# package pirack-agent from the SD card's boot partition, joins the rack with the join string
# beside it, starts the agent, then removes the join string (a secret) and disables itself.
# prepare-sd-card.sh puts it in place. Its log: /var/log/pirack-firstboot.log.
# Everything it reads is on the card the operator wrote; nothing comes from the network but apt's
# packages and rackd's answer to the join, which rack-agent checks against the pinned fingerprint.
set -euo pipefail

folder="${PIRACK_FIRSTBOOT_DIR:-/boot/firmware/pirack}"
[ -d "$folder" ] || folder=/boot/pirack # Raspberry Pi OS before Bookworm mounts the boot partition here
log=/var/log/pirack-firstboot.log
exec >> "$log" 2>&1
echo "$(date -Is) pirack first boot, files in $folder"

fail() { echo "$(date -Is) error: $*"; exit 1; }

shopt -s nullglob
debs=("$folder"/pirack-agent_*.deb)
[ "${#debs[@]}" -eq 1 ] || fail "expected one pirack-agent_*.deb in $folder, found ${#debs[@]}"
[ -s "$folder/join-string" ] || fail "no join string in $folder/join-string"
join="$(head -n 1 "$folder/join-string" | tr -d '\r')"
[[ "$join" == pirack-join:* ]] || fail "$folder/join-string does not hold a join string (rackctl join create prints one)"

# 1. The package, with its dependencies from the Pi's apt sources. A rack without a route to a
#    mirror: see docs/deploy.md (the dependencies can be put on the card beside it).
if ! dpkg-query -W -f='${Status}' pirack-agent 2>/dev/null | grep -q 'install ok installed'; then
    for attempt in 1 2 3 4 5; do
        if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${debs[0]}"; then
            break
        fi
        [ "$attempt" -lt 5 ] || fail "cannot install ${debs[0]}"
        echo "$(date -Is) apt-get failed (attempt $attempt of 5); refreshing the package lists"
        apt-get update || true
        sleep $((attempt * 10))
    done
fi

# 2. The join. rackd may still be coming up: an unreachable rackd (exit 3) is tried again for
#    about ten minutes. A refusal (1: the string expired, was used up, or this Pi joined before)
#    or a rackd with another certificate (5) will not change by waiting.
if [ ! -f /var/lib/pirack-agent/credential ]; then
    for attempt in $(seq 1 20); do
        status=0
        rack-agent --config /etc/pirack/agent.conf join "$join" || status=$?
        [ "$status" -eq 0 ] && break
        [ "$status" -eq 3 ] || fail "rack-agent join ended with $status (see above): make a new join string"
        [ "$attempt" -lt 20 ] || fail "rackd stayed unreachable for ten minutes"
        sleep 30
    done
fi

# 3. The agent runs from now on, at every boot.
systemctl enable rack-agent.service
if [ -d /run/systemd/system ]; then
    systemctl start rack-agent.service
fi

# 4. Done: the secret leaves the card, and this never runs again.
rm -f "$folder/join-string"
systemctl disable pirack-firstboot.service || true
echo "$(date -Is) joined; rack-agent started"
