#!/bin/bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Boots Debian's kernel under qemu-system-x86_64 with gpio-sim, on the host's own file system
# (read-only, with a writable layer in guest memory), and lets the host's systemd start
# pirack-kernel-test.target, which GUEST-ROOT must provide. RESULTS is writable in the guest at
# the same path; whatever the guest writes there stays. The console goes to RESULTS/console.log.
# Usage: boot-guest.sh KERNEL-DIR GUEST-ROOT RESULTS [TIMEOUT-SECONDS [HOST-FOLDER...]]
#   KERNEL-DIR from prepare-kernel.sh; GUEST-ROOT: files copied over the guest's root;
#   HOST-FOLDERs: folders the guest needs as the host has them even where the guest has its own
#   (the guest's /run, /tmp and /var/tmp are empty): the sources and the build, for example.
# Exits with qemu's status; 124 when the guest ran past the timeout (default 600 s).
set -euo pipefail

kernel_dir="$1"
guest_root="$2"
results="$3"
timeout_seconds="${4:-600}"
shift $(( $# < 4 ? $# : 4 ))
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
busybox=/bin/busybox
[ -x "$busybox" ] && "$busybox" --list | grep -qx switch_root \
    || { echo "error: $busybox (package busybox-static) is missing" >&2; exit 1; }

staging="$results/initramfs"
rm -rf "$staging"
mkdir -p "$staging/bin" "$staging/modules"
cp "$busybox" "$staging/bin/busybox"
cp "$here/guest-init.sh" "$staging/init"
cp "$kernel_dir"/modules/*.ko "$kernel_dir/gpio-sim-ot.ko" "$staging/modules/"
{ cat "$kernel_dir/modules.order"; echo gpio-sim-ot; } >"$staging/modules.order"
cp -a "$guest_root" "$staging/guest-root"
printf 'PIRACK_RESULTS=%s\n' "$results" >"$staging/pirack-test.env"
for folder in "$@"; do
    [ -d "$folder" ] || { echo "error: $folder is not a folder" >&2; exit 1; }
    realpath "$folder"
done >"$staging/host-folders"
(cd "$staging" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$results/initrd.gz"
rm -rf "$staging"

# TCG, not KVM: a KVM guest hangs at boot on this kind of machine (../shared/FACTS.md).
exec timeout --foreground "$timeout_seconds" qemu-system-x86_64 \
    -cpu max -smp 2 -m 1536 -nographic -no-reboot -nodefaults -serial stdio \
    -kernel "$kernel_dir/vmlinuz" -initrd "$results/initrd.gz" \
    -append "console=ttyS0 panic=-1 edd=off quiet systemd.unit=pirack-kernel-test.target systemd.show_status=error" \
    -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$results,mount_tag=results,security_model=none" \
    </dev/null >"$results/console.log" 2>&1
