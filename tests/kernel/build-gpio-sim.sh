#!/bin/bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds gpio-sim as an out-of-tree module for Debian's kernel KVER, which is built without it.
# Usage: build-gpio-sim.sh KVER OUT-DIR   (leaves OUT-DIR/gpio-sim-ot.ko; reused when it exists)
#
# The module is gpio-sim.c and the interrupt simulator irq_sim.c (gpio-sim needs it and Debian's
# kernel has no CONFIG_IRQ_SIM either) from Debian's kernel source, linked as one module. irq_sim.c
# calls irq_to_desc(), which modules cannot reach; generic_handle_irq() does the same job.
set -euo pipefail

kver="$1"
out="$2"
source_tarball=/usr/src/linux-source-6.1.tar.xz
headers="/usr/src/linux-headers-$kver"

[ -f "$out/gpio-sim-ot.ko" ] && exit 0
[ -f "$source_tarball" ] || { echo "error: $source_tarball is missing (package linux-source-6.1)" >&2; exit 1; }
[ -d "$headers" ] || { echo "error: $headers is missing (package linux-headers-$kver)" >&2; exit 1; }

work="$out/src"
rm -rf "$work"
mkdir -p "$work"
tar -xJf "$source_tarball" -C "$work" --strip-components=1 --wildcards \
    '*/drivers/gpio/gpio-sim.c' '*/drivers/gpio/gpiolib.h' '*/kernel/irq/irq_sim.c'
mv "$work/drivers/gpio/gpio-sim.c" "$work/drivers/gpio/gpiolib.h" "$work/kernel/irq/irq_sim.c" "$work/"
grep -q 'handle_simple_irq(irq_to_desc(irqnum))' "$work/irq_sim.c" \
    || { echo "error: irq_sim.c no longer calls handle_simple_irq(irq_to_desc(irqnum)); see this script" >&2; exit 1; }
sed -i 's/handle_simple_irq(irq_to_desc(irqnum))/generic_handle_irq(irqnum)/' "$work/irq_sim.c"
printf 'obj-m := gpio-sim-ot.o\ngpio-sim-ot-objs := gpio-sim.o irq_sim.o\n' > "$work/Kbuild"
make -s -C "$headers" M="$work" modules >"$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; echo "error: building gpio-sim failed" >&2; exit 1; }
cp "$work/gpio-sim-ot.ko" "$out/gpio-sim-ot.ko"
rm -rf "$work"
