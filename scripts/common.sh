# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by the other scripts: installing what is missing, and building.
# Non-interactive and idempotent: packages already installed are left alone.

set -euo pipefail

PIRACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# What building and testing PiRack needs, as Debian 12 packages.
PIRACK_BUILD_PACKAGES=(
    cmake ninja-build g++ pkg-config
    clang-format  # the test "format" fails on a file .clang-format would change
    qt6-base-dev qt6-serialport-dev libgl-dev
    qt6-httpserver-dev qt6-websockets-dev  # Debian 12's HttpServer cmake files need WebSockets' but do not depend on them
    linux-libc-dev qtkeychain-qt6-dev libssl-dev
    ansible-core  # the exported inventories are checked with ansible-inventory
    dnsmasq-base  # the shipped dnsmasq configuration is checked with dnsmasq --test
    dbus-daemon gnome-keyring  # the desktop's token store is tested against a real secret service
    bash-completion  # rackctl's completion is tested in bash, as a person's shell loads it
    xvfb xdotool imagemagick  # pirack is driven in a real X server (tests/xvfb), its screenshots taken there
)
# The Redfish clients nobody here wrote, driven against rackd by tests/tst_redfishclients: Ansible's
# community.general Redfish modules, OpenStack's sushy and DMTF's redfishtool.
PIRACK_REDFISH_CLIENT_PACKAGES=(ansible python3-sushy redfishtool)
# What the virtual rack needs in its network-namespace mode (root only; other users get loopback mode).
PIRACK_VIRTUAL_RACK_PACKAGES=(iproute2 dnsmasq-base udhcpc)
# The GPIO relays on a real kernel (scripts/kernel-test.sh): qemu, Debian's kernel headers and
# source for the gpio-sim module (the kernel image itself is downloaded, not installed), busybox,
# and udev, which applies the package's rule to the gpio-sim chip in the guest.
PIRACK_KERNEL_TEST_PACKAGES=(qemu-system-x86 linux-headers-amd64 linux-source-6.1 busybox-static make udev)
# Building for the Pis (arm64) with Debian's multiarch, and running the result under qemu-user.
PIRACK_ARM64_PACKAGES=(
    crossbuild-essential-arm64 qemu-user-static pkg-config:arm64
    qt6-base-dev:arm64 qt6-serialport-dev:arm64 qt6-httpserver-dev:arm64 qt6-websockets-dev:arm64 libgl-dev:arm64
    linux-libc-dev:arm64 qtkeychain-qt6-dev:arm64 libssl-dev:arm64
)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "installing packages needs root: run this script as root, or install sudo"
    fi
}

missing_packages() {
    local package status native
    native="$(dpkg --print-architecture)"
    for package in "$@"; do
        # A bare name means this machine's architecture (with arm64 beside it, both may be there);
        # packages of architecture "all" answer only to the bare name.
        if [[ "$package" == *:* ]]; then
            status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
        else
            status=$(dpkg-query -W -f='${Status}' "$package:$native" 2>/dev/null \
                || dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
        fi
        [ "$status" = "install ok installed" ] || printf '%s\n' "$package"
    done
}

# Installs the packages that are not installed yet. The package lists are refreshed only when
# an install fails, as it does on a fresh machine whose lists are empty or stale.
ensure_packages() {
    local missing
    mapfile -t missing < <(missing_packages "$@")
    [ "${#missing[@]}" -eq 0 ] && return 0
    say "Installing missing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! as_root apt-get install -y --no-install-recommends "${missing[@]}"; then
        say "Refreshing the package lists and trying again"
        as_root apt-get update
        as_root apt-get install -y --no-install-recommends "${missing[@]}"
    fi
}

# Prometheus' own programs (promtool, and the server a test runs on loopback), unpacked from Debian's
# package into build-tools/prometheus rather than installed: installing the package would also enable
# and start a prometheus service on the developer's machine. Prints the folder of the programs.
ensure_prometheus_tools() {
    local tools="$PIRACK_ROOT/build-tools/prometheus"
    if [ ! -x "$tools/usr/bin/promtool" ]; then
        say "Fetching Debian's prometheus package into $tools (unpacked, not installed)" >&2
        rm -rf "$tools"
        mkdir -p "$tools/download"
        if ! (cd "$tools/download" && apt-get download prometheus >&2); then
            say "Refreshing the package lists and trying again" >&2
            as_root apt-get update >&2
            (cd "$tools/download" && apt-get download prometheus >&2) \
                || die "cannot download Debian's prometheus package (apt-get download prometheus)"
        fi
        dpkg-deb -x "$tools"/download/prometheus_*.deb "$tools"
        rm -rf "$tools/download"
    fi
    echo "$tools/usr/bin"
}

# Makes arm64 a foreign architecture of dpkg (once) and installs what building for it needs.
ensure_arm64_packages() {
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        say "Adding arm64 as a foreign architecture (dpkg --add-architecture arm64)"
        as_root dpkg --add-architecture arm64
        as_root apt-get update
    fi
    ensure_packages "${PIRACK_ARM64_PACKAGES[@]}"
}

# The arm64 rack-agent alone, cross-built into BUILD_DIR (build-arm64): the mixed rack's Pis run it
# under qemu-user (tests/tst_mixedrack). The Debian packages are built by scripts/package.sh.
build_arm64_agent() {
    local build_dir="$1"
    ensure_arm64_packages
    say "Configuring $build_dir (arm64, cross-built)"
    cmake -S "$PIRACK_ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64 \
        -DCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++ -DPKG_CONFIG_EXECUTABLE=/usr/bin/aarch64-linux-gnu-pkg-config \
        -DQT_HOST_PATH=/usr -DQT_HOST_PATH_CMAKE_DIR=/usr/lib/x86_64-linux-gnu/cmake \
        -DBUILD_TESTING=OFF -DPIRACK_DEVELOPER_TOOLS=OFF
    say "Building rack-agent for arm64 in $build_dir"
    cmake --build "$build_dir" --parallel --target rack-agent
}

# configure_and_build BUILD_DIR [CMAKE_ARGS...]
configure_and_build() {
    local build_dir="$1"
    shift
    say "Configuring $build_dir"
    cmake -S "$PIRACK_ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
    say "Building $build_dir"
    cmake --build "$build_dir" --parallel
}

# Configures like configure_and_build, then builds only the given targets.
configure_and_build_targets() {
    local build_dir="$1"
    shift
    say "Configuring $build_dir"
    cmake -S "$PIRACK_ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
    say "Building $* in $build_dir"
    cmake --build "$build_dir" --parallel --target "$@"
}
