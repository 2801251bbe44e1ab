#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Renders the desktop app's screenshots into docs/screenshots/: the main window on a running virtual
# rack, a stack's menu, a Pi's menu, the details pane, a command's output, the rack designer, the
# connect dialog and every page of the install wizard on a fresh virtual rack. The GUI tests draw
# them (offscreen) while they check the screens, so each picture shows a state a test verified.
# Usage: scripts/screenshots.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_packages "${PIRACK_BUILD_PACKAGES[@]}"
configure_and_build "$PIRACK_ROOT/build"
export PIRACK_SCREENSHOT_DIR="$PIRACK_ROOT/docs/screenshots"
mkdir -p "$PIRACK_SCREENSHOT_DIR"
ctest --test-dir "$PIRACK_ROOT/build" --output-on-failure \
    -R '^(tst_desktopnodes|tst_installwizard|tst_structureeditor|tst_rackconnector|tst_tokensdialog|tst_eventlog|tst_sparkchart|tst_mainwindow|tst_appearance|tst_appearance_2x)$'
say "Screenshots in $PIRACK_SCREENSHOT_DIR:"
ls -1 "$PIRACK_SCREENSHOT_DIR"
