#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails, naming each file and line, when clang-format (.clang-format at the top) would change any
# C++ file of the project. Fix with: git ls-files '*.cpp' '*.h' | xargs clang-format -i
# Run by CTest as the test "format", so `scripts/test.sh` (and CI) fails on an unformatted file.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v clang-format >/dev/null || { echo "clang-format is not installed (Debian: clang-format)" >&2; exit 1; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files -- '*.cpp' '*.h')
else
    # A source tree without git (an unpacked release): the same folders, build output left out.
    mapfile -t files < <(find desktop rackd relay shared tests bench \( -name '*.cpp' -o -name '*.h' \) | sort)
fi
[ "${#files[@]}" -gt 0 ] || { echo "no C++ files found: is this the PiRack source tree?" >&2; exit 1; }
clang-format --dry-run -Werror "${files[@]}"
echo "format: ${#files[@]} files as .clang-format wants them ($(clang-format --version))"
