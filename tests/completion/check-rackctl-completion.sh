#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# rackctl's bash completion as a person's shell runs it: Debian's bash-completion, the script the
# packages install, and the rackctl just built. What needs no rack: command words, subcommands,
# options, event families, roles, and the saved racks for --rack (from a racks.json made here).
# Stacks and nodes from a running rackd are checked in tst_rackctl.
# Usage: check-rackctl-completion.sh SOURCE_DIR RACKCTL
set -u
source_dir=$1
rackctl=$2
if [ ! -f /usr/share/bash-completion/bash_completion ]; then
    echo "SKIP: the Debian package bash-completion is missing (scripts/test.sh installs it)"
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/.config/pirack" "$home/bin"
ln -s "$rackctl" "$home/bin/rackctl"
# A name from a connect link may hold anything but control characters: it is offered quoted, never run.
cat >"$home/.config/pirack/racks.json" <<'JSON'
{"racks":[{"name":"lab rack","host":"10.42.0.1","port":7420},{"name":"attic","host":"attic.lan","port":7420},
 {"name":"$(touch PWNED)","host":"h","port":7420}],"current":"attic"}
JSON

failures=0
expect() {
    local wanted=$1
    shift
    local got
    got=$(cd "$home" && HOME="$home" XDG_CONFIG_HOME="$home/.config" PATH="$home/bin:$PATH" bash -c '
        source /usr/share/bash-completion/bash_completion
        source "$0"
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        _rackctl
        echo "${COMPREPLY[*]}"' "$source_dir/resources/completion/rackctl" "$@")
    if [ "$got" = "$wanted" ]; then
        echo "ok: [$*] -> $got"
    else
        echo "FAIL: [$*] -> '$got', expected '$wanted'"
        failures=$((failures + 1))
    fi
}
expect "power" rackctl pow
expect "on off cycle graceful-off" rackctl power ""
expect "create list revoke" rackctl token ""
expect "add list use remove" rackctl rack ""
expect "relay node dhcp install recovery" rackctl events ""
expect "operator" rackctl token create bob --role op
expect 'lab\ rack attic \$\(touch\ PWNED\)' rackctl --rack ""
[ ! -e "$home/PWNED" ] || { echo "FAIL: a saved rack's name was run by the shell"; failures=$((failures + 1)); }
expect "attic" rackctl rack use a
expect 'lab\ rack' rackctl rack use l
expect "--json" rackctl --js
expect "--link-host --link" rackctl token create x --lin
expect "" rackctl status ""
[ "$failures" -eq 0 ] || { echo "$failures completion(s) wrong"; exit 1; }
echo "all completions as expected"
