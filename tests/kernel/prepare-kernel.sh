#!/bin/bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Gets Debian's kernel for the installed linux-headers-amd64 and the gpio-sim module built for it,
# once per kernel version, into CACHE-DIR/KVER. Prints that folder.
# Usage: prepare-kernel.sh CACHE-DIR
#
# The kernel image is downloaded and unpacked, not installed: this machine boots nothing from it.
set -euo pipefail

cache="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# linux-headers-amd64 depends on exactly one versioned headers package: its kernel is the one.
depends=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) \
    || { echo "error: linux-headers-amd64 is not installed" >&2; exit 1; }
kver=$(sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p' <<<"$depends")
version=$(sed -n 's/.*linux-headers-[0-9][^ ]*-amd64 (= \([^)]*\)).*/\1/p' <<<"$depends")
[ -n "$kver" ] && [ -n "$version" ] || { echo "error: cannot tell the kernel from '$depends'" >&2; exit 1; }

# virtio and 9p for the host's file system, overlay for a writable root above it, configfs for gpio-sim.
GUEST_MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache
    9pnet 9pnet_virtio 9p overlay configfs"

dir="$cache/$kver"
mkdir -p "$dir"
if [ ! -f "$dir/vmlinuz" ]; then
    echo "Downloading linux-image-$kver $version" >&2
    rm -rf "$dir/download" "$dir/image"
    mkdir -p "$dir/download"
    download() { (cd "$dir/download" && apt-get download -q "linux-image-$kver=$version" >&2); }
    # Stale package lists are the usual reason; as root, refresh them once and try again.
    if ! download && ! { [ "$(id -u)" -eq 0 ] && apt-get update -q >&2 && download; }; then
        echo "error: cannot download linux-image-$kver ($version), the kernel of the installed" \
            "linux-headers-amd64: run apt-get update, and if the archive has a newer kernel by now," \
            "apt-get install linux-headers-amd64 to follow it" >&2
        exit 1
    fi
    dpkg-deb -x "$dir/download"/linux-image-*.deb "$dir/image"
    rm -rf "$dir/download"
    # Only the modules the guest loads are kept, in the order they load (modinfo -F depends).
    rm -rf "$dir/modules"
    mkdir -p "$dir/modules"
    : >"$dir/modules.order"
    for module in $GUEST_MODULES; do
        file=$(find "$dir/image/lib/modules/$kver/kernel" -name "$module.ko" -print -quit)
        [ -n "$file" ] || { echo "error: linux-image-$kver has no $module.ko" >&2; exit 1; }
        cp "$file" "$dir/modules/"
        echo "$module" >>"$dir/modules.order"
    done
    cp "$dir/image/boot/vmlinuz-$kver" "$dir/vmlinuz.part"
    rm -rf "$dir/image"
    mv "$dir/vmlinuz.part" "$dir/vmlinuz"
fi
if [ ! -f "$dir/gpio-sim-ot.ko" ]; then
    echo "Building gpio-sim for $kver" >&2
    "$here/build-gpio-sim.sh" "$kver" "$dir"
fi
printf '%s\n' "$dir"
