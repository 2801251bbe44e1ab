#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The fan-out of the tools people would otherwise use, on this machine: Ansible (`-m ping` and
# `-m raw`) and pdsh over SSH, to N hosts, with fresh SSH connections and with multiplexed ones
# (ControlMaster, the masters opened beforehand). Every host is the same sshd, bound only to
# 127.0.0.1 inside a network namespace this script creates and removes; each host name has its own
# connection (and its own master). Prints one Markdown table row per tool, mode and N: the median
# wall time of R runs, in seconds.
#
# Usage (as root): bench/ssh-compare.sh [--runs R] [N...]     (default: R = 3, N = 10 49 200)
set -euo pipefail

runs=3
sizes=()
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        -h|--help) sed -n '4,12p' "$0"; exit 0 ;;
        *[!0-9]*|'') echo "ssh-compare: cannot understand '$1' (try --help)" >&2; exit 2 ;;
        *) sizes+=("$1"); shift ;;
    esac
done
[ "${#sizes[@]}" -gt 0 ] || sizes=(10 49 200)
[ "$(id -u)" -eq 0 ] || { echo "ssh-compare: needs root (it makes a network namespace)" >&2; exit 1; }
for tool in /usr/sbin/sshd ssh ssh-keygen pdsh ansible ip python3 useradd; do
    command -v "$tool" >/dev/null || { echo "ssh-compare: $tool is missing (bench/run.sh installs it)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/pirack-ssh-compare.XXXXXX)
chmod 755 "$work"
namespace="pirack-bench-$$"
port=2222
# The hosts' account: a fresh one whose shell is /bin/sh, as on a Pi. (root's shell here may read
# startup files that cost more than SSH itself: that would measure this machine, not the tools.)
user=pirack-bench

cleanup() {
    # Masters first (they hold sessions open), then sshd, then the namespace and the files.
    if ip netns list 2>/dev/null | grep -qw "$namespace"; then
        ip netns pids "$namespace" 2>/dev/null | xargs -r kill 2>/dev/null || true
        sleep 0.2
        ip netns pids "$namespace" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "$namespace" 2>/dev/null || true
    fi
    userdel "$user" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_namespace() { ip netns exec "$namespace" "$@"; }

# --- the "hosts": one sshd on 127.0.0.1:2222 inside the namespace ---
userdel "$user" 2>/dev/null || true # left by an interrupted run
useradd --system --home-dir "$work/home" --create-home --shell /bin/sh "$user"
usermod -p '*' "$user" # no password, but not "locked": sshd without PAM refuses locked accounts
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/client_key"
cp "$work/client_key.pub" "$work/authorized_keys"
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$work/host_key.pub")" > "$work/known_hosts"
mkdir -p /run/sshd
cat > "$work/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PidFile $work/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $user
# Many simultaneous logins are the point: sshd's default drops them from 10 on.
MaxStartups 4000
MaxSessions 1000
LogLevel ERROR
EOF
ip netns add "$namespace"
in_namespace ip link set lo up
in_namespace /usr/sbin/sshd -f "$work/sshd_config" -E "$work/sshd.log"

# --- the client side: host names node001..nodeN, all 127.0.0.1:2222 ---
write_ssh_config() { # FILE MULTIPLEXED(0|1)
    {
        echo "Host node*"
        echo "    HostName 127.0.0.1"
        echo "    Port $port"
        echo "    User $user"
        echo "    IdentityFile $work/client_key"
        echo "    IdentitiesOnly yes"
        echo "    UserKnownHostsFile $work/known_hosts"
        echo "    StrictHostKeyChecking yes"
        echo "    BatchMode yes"
        echo "    LogLevel ERROR"
        if [ "$2" -eq 1 ]; then
            # One master per host name (%n): the hosts share an address, not a connection.
            echo "    ControlMaster auto"
            echo "    ControlPath $work/cm-%n"
            echo "    ControlPersist 600"
        else
            echo "    ControlMaster no"
            echo "    ControlPath none"
        fi
    } > "$1"
}
write_ssh_config "$work/ssh_fresh" 0
write_ssh_config "$work/ssh_mux" 1

hosts() { seq -f 'node%03g' 1 "$1"; }

# Waits until sshd answers (it daemonizes before it listens).
for _ in $(seq 1 50); do
    in_namespace ssh -F "$work/ssh_fresh" node001 true 2>/dev/null && break
    sleep 0.1
done
in_namespace ssh -F "$work/ssh_fresh" node001 true || { echo "ssh-compare: sshd does not answer" >&2; cat "$work/sshd.log" >&2; exit 1; }

# time_runs COMMAND...: the median of $runs wall times in seconds; fails if any run fails.
time_runs() {
    local times=() start end
    for _ in $(seq 1 "$runs"); do
        start=$(date +%s%N)
        if ! "$@" > "$work/last.out" 2>&1; then
            echo "ssh-compare: failed: $*" >&2
            tail -20 "$work/last.out" >&2
            return 1
        fi
        end=$(date +%s%N)
        times+=("$(( (end - start) / 1000000 ))")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.3f", m / 1000 }'
}

# Every host must have answered: a run where some failed is not a measurement.
check_all_answered() { # N TOOL
    local answered
    case "$2" in
        pdsh) answered=$(grep -c '^node[0-9]*: ok$' "$work/last.out" || true) ;;
        ansible) answered=$(grep -cE '^node[0-9]+ \| (SUCCESS|CHANGED)' "$work/last.out" || true) ;;
    esac
    [ "$answered" -eq "$1" ] || { echo "ssh-compare: only $answered of $1 hosts answered ($2)" >&2; tail -5 "$work/last.out" >&2; exit 1; }
}

open_masters() { # N: one master per host, opened (and not timed) before the multiplexed runs
    local host
    for host in $(hosts "$1"); do
        in_namespace ssh -F "$work/ssh_mux" -o ControlPersist=600 -fN "$host"
    done
}
close_masters() {
    local host
    for host in $(hosts "$1"); do
        in_namespace ssh -F "$work/ssh_mux" -O exit "$host" 2>/dev/null || true
    done
}

run_pdsh() { # N SSH_CONFIG
    PDSH_SSH_ARGS="-F $2 %h" in_namespace pdsh -R ssh -f "$1" -w "node[001-$(printf '%03d' "$1")]" echo ok
}

write_ansible() { # N SSH_CONFIG DIRECTORY
    mkdir -p "$3"
    hosts "$1" > "$3/inventory"
    # The fastest settings: as many forks as hosts, pipelining, no facts, no retries.
    cat > "$3/ansible.cfg" <<EOF
[defaults]
inventory = $3/inventory
forks = $1
gathering = explicit
host_key_checking = False
interpreter_python = /usr/bin/python3
retry_files_enabled = False
local_tmp = $3/tmp
[ssh_connection]
pipelining = True
ssh_args = -F $2
EOF
}

run_ansible() { # DIRECTORY MODULE [ARGS]
    ANSIBLE_CONFIG="$1/ansible.cfg" ANSIBLE_HOME="$1/home" in_namespace ansible all -o -m "$2" ${3:+-a "$3"}
}

# measure N TOOL LABEL COMMAND...: one table row, from runs in which every host answered.
measure() {
    local n="$1" tool="$2" label="$3" t
    shift 3
    t=$(time_runs "$@")
    check_all_answered "$n" "$tool"
    echo "| $n | $label | $t |"
}

for n in "${sizes[@]}"; do
    for mode in fresh mux; do
        label="fresh connections"
        if [ "$mode" = mux ]; then
            label="multiplexed (ControlMaster)"
            open_masters "$n"
        fi
        write_ansible "$n" "$work/ssh_$mode" "$work/ansible-$mode-$n"
        measure "$n" pdsh "pdsh -R ssh, $label" run_pdsh "$n" "$work/ssh_$mode"
        measure "$n" ansible "ansible -m ping, $label" run_ansible "$work/ansible-$mode-$n" ping
        measure "$n" ansible "ansible -m raw, $label" run_ansible "$work/ansible-$mode-$n" raw true
        if [ "$mode" = mux ]; then
            close_masters "$n"
        fi
    done
done
