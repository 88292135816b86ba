#!/usr/bin/env bash
# How fast a run report opens: writes the report of a raft-kv failure at the
# end of its 10-second safety phase (a linearizability failure, so the whole
# run is in the trace), loads it in headless Chromium, and prints the
# browser's own timing (performance.now() when the diagram's first render
# ended, from navigation start) for the default window around the failure
# and for the whole run at once (report.html#whole), with the file's size.
# Usage: scripts/report-timing.sh [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-5}"
cargo build --release -q
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
./target/release/faultline explore raft-kv --bug ack-before-commit --seeds 50 \
  --until-failure --no-regressions --artifacts "$dir/a" --report "$dir/sweep.html" >/dev/null 2>&1 || true
page="$(ls "$dir"/a/*.html | head -1)"
events="$(grep -o '<th>events</th><td>[0-9]*' "$page" | grep -o '[0-9]*$')"
echo "report: $(basename "$page"), $(stat -c %s "$page") bytes, $events events"
for view in "" "#whole"; do
  for i in $(seq "$reps"); do
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --user-data-dir="$dir/profile-$i" --dump-dom "file://$page$view" 2>/dev/null |
      grep -o 'data-rendered-ms="[0-9.]*"\|data-drawn="[0-9]*"' | tr '\n' ' '
    echo "${view:-#failure-window}"
  done
done
