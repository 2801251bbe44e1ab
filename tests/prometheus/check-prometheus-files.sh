#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The PiRack authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks resources/prometheus with Prometheus' own promtool: the example configuration and the
# alerting rules are valid, and the rules fire as tests/prometheus/alerts_test.yml says.
# Usage: check-prometheus-files.sh SOURCE-DIR
set -euo pipefail
source_dir="$1"
promtool="$source_dir/build-tools/prometheus/usr/bin/promtool"
[ -x "$promtool" ] || promtool="$(command -v promtool || true)"
[ -n "$promtool" ] || { echo "promtool is missing: scripts/test.sh unpacks Debian's prometheus package into build-tools/" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$source_dir"/resources/prometheus/*.yml "$source_dir"/tests/prometheus/alerts_test.yml "$work/"
# check config opens the files the example points at (on a master's /etc/prometheus): stand-ins here.
: > "$work/rackd.crt"
: > "$work/metrics-token"
sed -i -e "s#/etc/prometheus/pirack-rackd.crt#$work/rackd.crt#" \
    -e "s#/etc/prometheus/pirack-metrics-token#$work/metrics-token#" "$work/pirack.yml"
"$promtool" check config "$work/pirack.yml"
"$promtool" check rules "$work/alerts.yml"
(cd "$work" && "$promtool" test rules alerts_test.yml)
