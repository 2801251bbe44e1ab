#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Proves that the packages scripts/package.sh built install and run (scripts/package.sh --check
# calls this). Needs root and Debian's package archive (the machine's own apt sources).
# Usage: scripts/package-check.sh [DEBS_DIR]   (default: build-packages/debs)
#  1. A clean Debian 12 root (mmdebstrap, with systemd as on a Pi), the three amd64 packages
#     installed with `apt-get install ./*.deb`: files, modes, owners and conffiles; nothing started,
#     no structure file, no dnsmasq drop-in; `rackd --check` on the shipped examples;
#     `systemd-analyze verify` of the units.
#  2. rackd from the package runs as pirack with the simulated relays, a stack is switched on, the
#     packages are reinstalled over it (the upgrade path) and rackd restarted: the relay stays on.
#  3. Purge: nothing of the packages is left but the user and group pirack (Debian policy).
#  4. The arm64 packages: rackd --check, rackctl --help and rack-agent --version under
#     qemu-aarch64-static, and the mixed-rack end-to-end test (tests/tst_mixedrack) when a build/ of
#     this checkout exists.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

debs="${1:-$PIRACK_ROOT/build-packages/debs}"
[ "$(id -u)" -eq 0 ] || die "the check builds a Debian root and chroots into it: run it as root"
version="$(cd "$PIRACK_ROOT" && dpkg-parsechangelog -SVersion)"
for package in pirack-rackd pirack-agent pirack; do
    [ -f "$debs/${package}_${version}_amd64.deb" ] \
        || die "$debs/${package}_${version}_amd64.deb is missing: run scripts/package.sh first"
done
ensure_packages mmdebstrap systemd desktop-file-utils appstream

work="$PIRACK_ROOT/build-packages/check"
root="$work/root"
failures=0
check() { # check DESCRIPTION COMMAND...: runs COMMAND, says ok or FAILED
    local description="$1"
    shift
    if "$@" > "$work/last.log" 2>&1; then
        printf '  ok      %s\n' "$description"
    else
        printf '  FAILED  %s\n' "$description"
        sed 's/^/          | /' "$work/last.log" | tail -n 20
        failures=$((failures + 1))
    fi
}
in_root() { chroot "$root" "$@"; }
mode_owner_is() { [ "$(in_root stat -c '%a %U:%G' "$1")" = "$2" ] || { in_root stat -c '%a %U:%G' "$1"; false; }; }
absent() { [ ! -e "$root$1" ] && [ ! -L "$root$1" ]; }
files_of_root() { # every path in the root, but what apt, dpkg and logs keep for themselves
    (cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run -o -path ./tmp \
        -o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache -o -path ./var/log \) -prune \
        -o -print | sort)
}
unmount_root() {
    for mount in proc sys dev/pts dev; do
        mountpoint -q "$root/$mount" 2>/dev/null && umount -l "$root/$mount"
    done
    return 0
}
trap unmount_root EXIT

say "A clean Debian 12 root in $root"
unmount_root
rm -rf "$work"
mkdir -p "$work"
start=$(date +%s)
# The machine's own apt sources, pasted into the root (mmdebstrap takes a file as its mirror).
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
mmdebstrap --variant=apt --include=systemd,ca-certificates bookworm "$root" "$sources" > "$work/mmdebstrap.log" 2>&1 \
    || { tail -n 20 "$work/mmdebstrap.log"; die "mmdebstrap failed (the whole log: $work/mmdebstrap.log)"; }
say "The root took $(( $(date +%s) - start )) s"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mkdir -p "$root/debs"
cp "$debs"/*_"$version"_amd64.deb "$root/debs/"

install_packages() {
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" \
        /debs/pirack-rackd_"$version"_amd64.deb /debs/pirack-agent_"$version"_amd64.deb \
        /debs/pirack_"$version"_amd64.deb
}
purge_packages() { in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y pirack-rackd pirack-agent pirack; }

say "1. Installing the three amd64 packages with apt (dependencies from the archive)"
# Once and purged again, so that the dependencies are in the root before the root is compared
# with what the second purge leaves.
start=$(date +%s)
# mmdebstrap leaves the root without package lists.
in_root apt-get update > "$work/apt-update.log" 2>&1 || { tail -n 20 "$work/apt-update.log"; die "apt-get update in the root failed"; }
install_packages > "$work/install-1.log" 2>&1 || { tail -n 30 "$work/install-1.log"; die "apt-get install failed"; }
install_seconds=$(( $(date +%s) - start ))
say "Installed in $install_seconds s, with $(grep -c '^Setting up' "$work/install-1.log") packages set up"
purge_packages > "$work/purge-1.log" 2>&1 || { tail -n 30 "$work/purge-1.log"; die "apt-get purge failed"; }
files_of_root > "$work/files-before.txt"
install_packages > "$work/install-2.log" 2>&1 || { tail -n 30 "$work/install-2.log"; die "apt-get install failed"; }

check "rackd, rack-agent, pirack: root:root 0755" \
    bash -c "$(declare -f mode_owner_is in_root); root='$root'; mode_owner_is /usr/sbin/rackd '755 root:root' \
        && mode_owner_is /usr/sbin/rack-agent '755 root:root' && mode_owner_is /usr/bin/pirack '755 root:root'"
check "rackctl is /usr/bin/rackctl through update-alternatives, with its man page" \
    bash -c "chroot '$root' readlink -f /usr/bin/rackctl | grep -qE '/usr/lib/pirack(-rackd)?/rackctl$' \
        && chroot '$root' test -e /usr/share/man/man1/rackctl.1 && chroot '$root' test -e /usr/share/bash-completion/completions/rackctl && chroot '$root' update-alternatives --display rackctl"
check "pirack-dhcp-script is rackctl for dnsmasq" \
    bash -c "[ \"\$(readlink '$root/usr/lib/pirack-rackd/pirack-dhcp-script')\" = rackctl ]"
check "versions: rackd, rack-agent, rackctl, pirack all say $version" \
    bash -c "[ \"\$(chroot '$root' rackd --version)\" = 'rackd $version' ] \
        && [ \"\$(chroot '$root' rack-agent --version)\" = 'rack-agent $version' ] \
        && [ \"\$(chroot '$root' rackctl --version)\" = 'rackctl $version' ] \
        && [ \"\$(chroot '$root' env QT_QPA_PLATFORM=offscreen pirack --version 2>/dev/null)\" = 'pirack $version' ]"
check "conffiles: /etc/pirack/rackd.conf and agent.conf" \
    bash -c "chroot '$root' dpkg-query -W -f='\${Conffiles}\n' pirack-rackd | grep -q ' /etc/pirack/rackd.conf ' \
        && chroot '$root' dpkg-query -W -f='\${Conffiles}\n' pirack-agent | grep -q ' /etc/pirack/agent.conf '"
check "the system user pirack (no login) and the groups pirack and gpio" \
    bash -c "chroot '$root' getent passwd pirack | awk -F: '\$3 < 1000 && \$7 ~ /nologin\$/' | grep -q . \
        && chroot '$root' getent group pirack && chroot '$root' getent group gpio"
check "/var/lib/pirack: pirack:pirack 0700" \
    bash -c "$(declare -f mode_owner_is in_root); root='$root'; mode_owner_is /var/lib/pirack '700 pirack:pirack'"
check "/var/lib/pirack-dnsmasq and its two empty files: pirack:pirack 0755 / 0644" \
    bash -c "$(declare -f mode_owner_is in_root); root='$root'; mode_owner_is /var/lib/pirack-dnsmasq '755 pirack:pirack' \
        && mode_owner_is /var/lib/pirack-dnsmasq/dhcp-hosts '644 pirack:pirack' \
        && mode_owner_is /var/lib/pirack-dnsmasq/hosts '644 pirack:pirack'"
check "nothing that would move a relay or answer DHCP: no structure file, no dnsmasq drop-in, no credential" \
    bash -c "$(declare -f absent); root='$root'; absent /etc/pirack/structure_rack.ini && absent /etc/dnsmasq.d/pirack.conf \
        && absent /var/lib/pirack-agent/credential && [ -f '$root/usr/share/pirack-rackd/dnsmasq-pirack.conf' ]"
check "the units are enabled, and wait for a structure file / a credential" \
    bash -c "[ -L '$root/etc/systemd/system/multi-user.target.wants/rackd.service' ] \
        && grep -qx 'ConditionPathExists=/etc/pirack/structure_rack.ini' '$root/lib/systemd/system/rackd.service' \
        && grep -qx 'ConditionPathExists=/var/lib/pirack-agent/credential' '$root/lib/systemd/system/rack-agent.service'"
check "systemd-analyze verify rackd.service rack-agent.service" \
    chroot "$root" systemd-analyze verify --man=no /lib/systemd/system/rackd.service /lib/systemd/system/rack-agent.service
check "rackd --check on every shipped example" \
    bash -c "for example in '$root'/usr/share/doc/pirack-rackd/examples/*.ini; do \
        chroot '$root' rackd --check \"/usr/share/doc/pirack-rackd/examples/\$(basename \"\$example\")\" || exit 1; done"
check "man pages: rackd(8), rack-agent(8), rackctl(1), pirack(1)" \
    bash -c "for page in man8/rackd.8.gz man8/rack-agent.8.gz man1/pirack.1.gz; do \
        [ -f '$root'/usr/share/man/\$page ] || exit 1; done; [ -f '$root/usr/lib/pirack-rackd/rackctl.1' ]"
check "the desktop file, AppStream metainfo and icons (SVG and 7 PNG sizes)" \
    bash -c "desktop-file-validate '$root/usr/share/applications/org.pirack.pirack.desktop' \
        && appstreamcli validate --no-net '$root/usr/share/metainfo/org.pirack.pirack.metainfo.xml' \
        && [ -f '$root/usr/share/icons/hicolor/scalable/apps/org.pirack.pirack.svg' ] \
        && [ \"\$(ls '$root'/usr/share/icons/hicolor/*x*/apps/org.pirack.pirack.png | wc -l)\" -eq 7 ]"

say "2. rackd from the package, as pirack, with simulated relays; then the upgrade path"
port=$((20000 + RANDOM % 20000))
cp "$root/usr/share/doc/pirack-rackd/examples/structure-simulated.ini" "$root/etc/pirack/structure_rack.ini"
# The shipped rackd.conf, on loopback and a free port (this root shares the machine's network),
# and without the DHCP socket (systemd makes /run/pirack under the unit).
cat > "$root/etc/pirack/check.conf" <<EOF
[rackd]
listen_address = 127.0.0.1
listen_port = $port
dhcp_event_socket = off
dnsmasq_pid_file = off
join_host = 127.0.0.1
EOF
rackd_pid=
start_rackd() {
    chroot "$root" runuser -u pirack -g pirack -G gpio -G dialout -- rackd --config /etc/pirack/check.conf \
        >> "$work/rackd.log" 2>&1 &
    rackd_pid=$!
    for _ in $(seq 1 100); do
        grep -q "running:" "$work/rackd.log" 2>/dev/null && return 0
        kill -0 "$rackd_pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
stop_rackd() {
    [ -n "$rackd_pid" ] || return 0
    kill -TERM "$rackd_pid" 2>/dev/null
    wait "$rackd_pid" 2>/dev/null || true
    rackd_pid=
}
rackctl_in_root() {
    chroot "$root" rackctl --host 127.0.0.1 --port "$port" --token-file /var/lib/pirack/initial-admin-token \
        --known-racks /root/known-racks.json --trust-fingerprint "$fingerprint" "$@"
}
check "rackd starts as pirack on the package's files" start_rackd
fingerprint="$(chroot "$root" runuser -u pirack -- rackd --config /etc/pirack/check.conf --fingerprint)"
check "the state it made belongs to pirack" \
    bash -c "[ -z \"\$(find '$root/var/lib/pirack' ! -user pirack)\" ] && [ -f '$root/var/lib/pirack/initial-admin-token' ]"
relays() { # "1:on 2:off ..." as rackd reports them
    rackctl_in_root --json status | python3 -c 'import json, sys
print(" ".join("%d:%s" % (s["id"], s["relay"]) for s in json.load(sys.stdin)["stacks"]))'
}
check "rackctl power on 1 through the package's rackctl" rackctl_in_root power on 1
relays_before="$(relays)"
check "stack 1 is on, the others off ($relays_before)" \
    bash -c "[[ '$relays_before' == '1:on '* ]] && [[ '$relays_before' != *' '[0-9]*:on* ]]"
# A slave's first boot, as prepare-sd-card.sh sets it up: this root plays the Pi, without the agent.
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y pirack-agent > "$work/purge-agent.log" 2>&1
join="$(rackctl_in_root join create --uses 2 --ttl 10m | grep -o 'pirack-join:[^ ]*' | head -n 1)"
mkdir -p "$root/boot/firmware"
touch "$root/boot/firmware/config.txt"
check "prepare-sd-card.sh puts the agent package, the join string and the first-boot unit on a card" \
    "$root/usr/share/pirack-rackd/firstboot/prepare-sd-card.sh" --boot "$root/boot/firmware" --root "$root" \
    --deb "$root/debs/pirack-agent_${version}_amd64.deb" --join "$join"
check "the first boot installs pirack-agent, joins the rack and enables the agent" \
    bash -c "chroot '$root' /usr/local/sbin/pirack-firstboot && [ -f '$root/var/lib/pirack-agent/credential' ] \
        && chroot '$root' dpkg-query -W pirack-agent && [ ! -e '$root/boot/firmware/pirack/join-string' ] \
        && [ -L '$root/etc/systemd/system/multi-user.target.wants/rack-agent.service' ] \
        && [ ! -e '$root/etc/systemd/system/multi-user.target.wants/pirack-firstboot.service' ]"
check "rackd knows the node that joined" \
    bash -c "$(declare -f rackctl_in_root); root='$root'; port='$port'; fingerprint='$fingerprint'; \
        rackctl_in_root --json nodes | python3 -c 'import json, sys; sys.exit(len(json.load(sys.stdin)[\"nodes\"]) != 1)'"
cat "$root/var/log/pirack-firstboot.log" > "$work/firstboot.log" 2>/dev/null || true
rm -rf "$root/boot/firmware" "$root/usr/local/sbin/pirack-firstboot" "$root/etc/systemd/system/pirack-firstboot.service" \
    "$root/var/log/pirack-firstboot.log"
check "reinstalling the packages over the running rackd (prerm upgrade, postinst configure)" \
    bash -c "$(declare -f install_packages in_root); root='$root'; version='$version'; install_packages --reinstall"
stop_rackd
: > "$work/rackd.log"
check "the upgraded rackd starts again" start_rackd
relays_after="$(relays)"
check "no relay moved across the upgrade and the restart ($relays_after)" \
    bash -c "[ '$relays_before' = '$relays_after' ] \
        && grep -q 'restart in the same boot: re-asserting the saved relay states' '$work/rackd.log'"
stop_rackd
rm -f "$root/etc/pirack/check.conf" "$root/root/known-racks.json"

say "3. Purging the packages"
purge_packages > "$work/purge-2.log" 2>&1 || { tail -n 30 "$work/purge-2.log"; die "apt-get purge failed"; }
files_of_root > "$work/files-after.txt"
check "purge leaves nothing but the operator's structure file" \
    bash -c "diff '$work/files-before.txt' '$work/files-after.txt' | grep '^>' | grep -vx '> ./etc/pirack' \
        | grep -vx '> ./etc/pirack/structure_rack.ini' | { ! grep .; }"
check "no alternative rackctl is left" bash -c "! chroot '$root' update-alternatives --query rackctl"
check "the user and group pirack stay (Debian policy: never reuse a system user's id)" \
    chroot "$root" getent passwd pirack
rm -rf "$root/etc/pirack"

say "4. The arm64 packages under qemu-aarch64-static"
arm64_debs=("$debs"/*_"$version"_arm64.deb)
if [ -f "$debs/pirack-rackd_${version}_arm64.deb" ]; then
    arm64="$work/arm64"
    mkdir -p "$arm64"
    for deb in "${arm64_debs[@]}"; do dpkg-deb -x "$deb" "$arm64"; done
    # The arm64 loader and libraries of Debian's multiarch (/lib/ld-linux-aarch64.so.1,
    # /lib/aarch64-linux-gnu). Not -L /usr/aarch64-linux-gnu: that is the cross compiler's loader,
    # of another glibc build than the multiarch libc.so.6, and the two together corrupt glibc's
    # thread list (the first pthread_create loops forever).
    qemu=(qemu-aarch64-static -cpu cortex-a72)
    check "they are arm64 programs (file: ELF 64-bit, ARM aarch64)" \
        bash -c "file -L '$arm64/usr/sbin/rackd' | grep -q 'ARM aarch64'"
    check "rackd --check on the shipped example (arm64)" \
        "${qemu[@]}" "$arm64/usr/sbin/rackd" --check "$arm64/usr/share/doc/pirack-rackd/examples/structure-simulated.ini"
    check "rackctl --help (arm64)" bash -c "${qemu[*]} '$arm64/usr/lib/pirack-rackd/rackctl' --help | grep -q '^Usage: rackctl'"
    check "rack-agent --version (arm64)" \
        bash -c "[ \"\$(${qemu[*]} '$arm64/usr/sbin/rack-agent' --version)\" = 'rack-agent $version' ]"
    check "pirack --version (arm64)" \
        bash -c "[ \"\$(QT_QPA_PLATFORM=offscreen ${qemu[*]} '$arm64/usr/bin/pirack' --version 2>/dev/null)\" = 'pirack $version' ]"
    if [ -x "$PIRACK_ROOT/build/tests/tst_mixedrack" ]; then
        say "The mixed rack: amd64 rackd, arm64 agents from pirack-agent_${version}_arm64.deb"
        check "tests/tst_mixedrack" env PIRACK_ARM64_AGENT="$debs/pirack-agent_${version}_arm64.deb" \
            ctest --test-dir "$PIRACK_ROOT/build" -R '^tst_mixedrack$' --output-on-failure
        sed -n '/tst_mixedrack/,$p' "$work/last.log" | grep -E 'Passed|Failed|tests passed|Total Test' || true
    else
        printf '  skipped the mixed rack: no build/tests/tst_mixedrack (scripts/test.sh --quick builds it)\n'
    fi
else
    printf '  skipped: no arm64 packages in %s (scripts/package.sh --arch all)\n' "$debs"
fi

say "Package sizes"
(cd "$debs" && for deb in *_"$version"_*.deb; do
    printf '  %-36s %6s KiB, installed %6s KiB\n' "$deb" "$(( $(stat -c %s "$deb") / 1024 ))" \
        "$(dpkg-deb -f "$deb" Installed-Size)"
done)
say "Installing the three amd64 packages into a clean root took $install_seconds s (dependencies included)"
[ "$failures" -eq 0 ] || die "$failures check(s) failed"
say "Every check passed"
