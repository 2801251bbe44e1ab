#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The main job: installs what is missing, builds, and runs PiRack on the example rack.
# Usage: scripts/run.sh [STRUCTURE_FILE]   (default: structure_rack.ini)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

structure="${1:-$PIRACK_ROOT/structure_rack.ini}"
build_dir="${PIRACK_BUILD_DIR:-$PIRACK_ROOT/build}"

ensure_packages "${PIRACK_BUILD_PACKAGES[@]}"
configure_and_build "$build_dir"

say "Checking the rack described by $structure"
status=0
"$build_dir/rackd/rackd" --check "$structure" || status=$?

cat <<'NOTE'

==> What exists today, and what does not yet
    Built and working: the structure file reader (rackd --check, shown above) and the relay
    library (GPIO, USB-serial, simulated and manual backends), both covered by scripts/test.sh.
    Not built yet: the rackd daemon itself, rack-agent, rackctl, the virtual rack and the
    pirack desktop app. When they exist, this script starts rackd on a simulated rack with
    the desktop app connected to it.
NOTE
exit "$status"
