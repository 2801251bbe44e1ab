#!/bin/sh
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a command inside its own D-Bus session with an unlocked gnome-keyring: a real secret service
# for QtKeychain, gone with the session when the command ends.
# Usage: with-secret-service.sh COMMAND [ARGS...]
set -eu
exec dbus-run-session -- sh -c '
    export HOME="$(mktemp -d)"
    trap "rm -rf \"\$HOME\"" EXIT
    printf %s pirack-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    "$@"
' with-secret-service "$@"
