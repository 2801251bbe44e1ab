#!/bin/bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Prepares a slave Pi's SD card, freshly written with Raspberry Pi OS Lite (64-bit, Bookworm), so
# that the Pi installs pirack-agent and joins the rack on its first boot without anybody typing on
# it. Run it on a Linux machine with the card's two partitions mounted (most desktops mount them as
# .../bootfs and .../rootfs when the card is inserted):
#
#   prepare-sd-card.sh --boot /media/$USER/bootfs --root /media/$USER/rootfs \
#       --deb pirack-agent_0.1.0_arm64.deb --join 'pirack-join:1/...'
#
# The same join string serves a whole rack: rackctl join create --uses 48 --ttl 1d. It is a
# secret until it expires or is used up; the Pi deletes it from the card once it has joined.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
boot= root= deb= join=
usage() { sed -n '4,13p' "$0"; exit "${1:-0}"; }
die() { printf 'prepare-sd-card: %s\n' "$*" >&2; exit 1; }
while [ "$#" -gt 0 ]; do
    case "$1" in
        --boot) boot="${2:-}"; shift 2 ;;
        --root) root="${2:-}"; shift 2 ;;
        --deb) deb="${2:-}"; shift 2 ;;
        --join) join="${2:-}"; shift 2 ;;
        -h|--help) usage 0 ;;
        *) printf 'prepare-sd-card: unknown argument %s\n' "$1" >&2; usage 2 ;;
    esac
done
[ -n "$boot" ] && [ -n "$root" ] && [ -n "$deb" ] && [ -n "$join" ] || usage 2
[ -f "$boot/config.txt" ] || die "$boot has no config.txt: is it the card's boot partition (bootfs)?"
[ -f "$root/etc/os-release" ] || die "$root has no etc/os-release: is it the card's root partition (rootfs)?"
[ -f "$deb" ] || die "$deb does not exist"
[[ "$(basename "$deb")" == pirack-agent_*.deb ]] || die "$deb is not a pirack-agent package"
[[ "$(basename "$deb")" == *_arm64.deb ]] \
    || echo "prepare-sd-card: warning: $(basename "$deb") is not for arm64, which 64-bit Raspberry Pi OS is" >&2
[[ "$join" == pirack-join:* ]] || die "the join string must start with pirack-join: (rackctl join create prints it)"

# The boot partition (FAT, readable from any machine): the package and the join string.
mkdir -p "$boot/pirack"
rm -f "$boot"/pirack/pirack-agent_*.deb
cp "$deb" "$boot/pirack/"
printf '%s\n' "$join" > "$boot/pirack/join-string"

# The root partition: the first-boot script and its unit, enabled as systemctl enable would.
install -D -m 0755 "$here/pirack-firstboot.sh" "$root/usr/local/sbin/pirack-firstboot"
install -D -m 0644 "$here/pirack-firstboot.service" "$root/etc/systemd/system/pirack-firstboot.service"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/pirack-firstboot.service \
    "$root/etc/systemd/system/multi-user.target.wants/pirack-firstboot.service"
sync
echo "prepared: $(basename "$deb") and the join string on $boot/pirack; pirack-firstboot enabled on $root"
