#!/bin/busybox sh
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# /init of the kernel test's initramfs (busybox). It loads the modules, builds the guest's root
# from the host's file system (read-only over 9p) with a writable layer in memory on top, adds
# the test's files (/guest-root of the initramfs) and the writable result folder, and hands over
# to the host's systemd, which boots into pirack-kernel-test.target.
/bin/busybox --install -s /bin
export PATH=/bin

fail() {
    echo "PIRACK-KERNEL-TEST: setup failed: $*"
    sync
    poweroff -f
}

mkdir -p /proc /sys /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
. /pirack-test.env

for module in $(cat /modules.order); do
    insmod "/modules/$module.ko" || fail "insmod $module"
done

mkdir -p /host /layer /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 host /host || fail "mounting the host's file system"
mount -t tmpfs -o size=512m tmpfs /layer || fail "tmpfs"
mkdir -p /layer/upper /layer/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/layer/upper,workdir=/layer/work /newroot \
    || fail "overlay"
# The host's runtime and temporary files are not the guest's (systemd would empty them file by
# file through the overlay). A container's marker would make systemd ignore the kernel's command
# line, and with it the target to boot into.
for dir in /run /tmp /var/tmp; do
    mount -t tmpfs -o mode=1777 tmpfs "/newroot$dir" || fail "tmpfs on $dir"
done
# Except the folders the test needs as the host has them (a build in /tmp, say), read-only.
while read -r folder; do
    [ -n "$folder" ] || continue
    mkdir -p "/newroot$folder" && mount -o bind "/host$folder" "/newroot$folder" \
        || fail "making $folder visible"
done </host-folders
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results "/newroot$PIRACK_RESULTS" \
    || fail "mounting the result folder"
rm -f /newroot/.dockerenv /newroot/run/.containerenv
cp -a /guest-root/. /newroot/ || fail "copying the test's files"

umount /proc /sys
umount /dev
exec switch_root /newroot /lib/systemd/systemd
