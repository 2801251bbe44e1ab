#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the Debian packages pirack-rackd (master), pirack-agent (every slave) and pirack (laptop)
# from debian/, checks them with lintian, and leaves the .deb files in build-packages/debs/.
# Usage: scripts/package.sh [--arch amd64|arm64|all] [--check]
#   --arch   amd64: native; arm64: cross-built with Debian's multiarch; all: both (default: amd64)
#   --check  then installs them in a clean Debian 12 root and runs the arm64 programs under qemu
#            (scripts/package-check.sh; about 10 minutes, needs root and Debian's archive)
# Installs what it needs (build dependencies, the arm64 libraries, lintian) as Debian packages.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

architectures=(amd64)
check=0
while [ "$#" -gt 0 ]; do
    argument="$1"
    shift
    case "$argument" in
        --arch)
            [ "$#" -gt 0 ] || die "--arch needs amd64, arm64 or all"
            case "$1" in
                amd64|arm64) architectures=("$1") ;;
                all) architectures=(amd64 arm64) ;;
                *) die "--arch takes amd64, arm64 or all, not '$1'" ;;
            esac
            shift
            ;;
        --check) check=1 ;;
        -h|--help) sed -n '4,11p' "$0"; exit 0 ;;
        *) die "unknown argument '$argument' (try --help)" ;;
    esac
done

native_architecture="$(dpkg --print-architecture)"
[ "$native_architecture" = amd64 ] || die "the packages are built on an amd64 machine (this one is $native_architecture)"

# debian/control's Build-Depends, for the build machine (the native packages).
PIRACK_PACKAGING_PACKAGES=(
    dpkg-dev debhelper fakeroot lintian
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-serialport-dev qt6-httpserver-dev qt6-websockets-dev libgl-dev
    linux-libc-dev qtkeychain-qt6-dev libssl-dev librsvg2-bin
)

ensure_packages "${PIRACK_PACKAGING_PACKAGES[@]}"
for architecture in "${architectures[@]}"; do
    if [ "$architecture" = arm64 ]; then ensure_arm64_packages; fi
done

work="$PIRACK_ROOT/build-packages"
debs="$work/debs"
mkdir -p "$debs"
version="$(cd "$PIRACK_ROOT" && dpkg-parsechangelog -SVersion)"

# The sources as git knows them (tracked and new files, nothing ignored: no build trees), so that
# a build in the checkout's own build/ never leaks into a package.
source_files() {
    if git -C "$PIRACK_ROOT" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
        git -C "$PIRACK_ROOT" ls-files -z --cached --others --exclude-standard
    else
        (cd "$PIRACK_ROOT" && find . -path ./build\* -prune -o -type f -print0)
    fi
}

build_for() {
    local architecture="$1" tree="$work/$1/pirack-$version"
    say "Building the packages for $architecture in $work/$architecture"
    rm -rf "$work/$architecture"
    mkdir -p "$tree"
    (cd "$PIRACK_ROOT" && source_files | while IFS= read -r -d '' file; do
        [ -e "$file" ] && printf '%s\0' "$file"
    done | tar --null -T - -cf -) | tar -xf - -C "$tree"
    local arguments=(-b -uc -us)
    [ "$architecture" != "$native_architecture" ] && arguments+=(-a"$architecture")
    (cd "$tree" && DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
        dpkg-buildpackage "${arguments[@]}") > "$work/$architecture/build.log" 2>&1 \
        || { tail -n 40 "$work/$architecture/build.log" >&2
             die "dpkg-buildpackage for $architecture failed; the whole log: $work/$architecture/build.log"; }
    # The three packages; their -dbgsym companions (debug symbols) stay in $work/$architecture.
    rm -f "$debs"/*_"$architecture".deb
    local package
    for package in pirack-rackd pirack-agent pirack; do
        mv "$work/$architecture/${package}_${version}_$architecture.deb" "$debs/"
    done
    say "Checking the $architecture packages with lintian"
    lintian --fail-on error,warning --display-info "$debs"/*_"$architecture".deb
}

for architecture in "${architectures[@]}"; do
    build_for "$architecture"
done

say "Packages in $debs:"
(cd "$debs" && for deb in *.deb; do
    printf '  %-40s %6s KiB  installed %6s KiB\n' "$deb" "$(( $(stat -c %s "$deb") / 1024 ))" \
        "$(dpkg-deb -f "$deb" Installed-Size)"
done)

if [ "$check" -eq 1 ]; then
    exec bash "$PIRACK_ROOT/scripts/package-check.sh" "$debs"
fi
