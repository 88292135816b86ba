#!/usr/bin/env bash
# openraft on madsim beside faultline's own raft-kv on the engine, measured in
# one run on one core: seeds per second and client operations per second of
# `explore` over the same seeds of the default mix, with faultline's own
# raft-kv inside madsim and the async counter service beside them. Prints a
# Markdown table.
#
# Usage: scripts/openraft-speed.sh [SEEDS]   (default 1000; from the repository root)
set -euo pipefail
SEEDS="${1:-1000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$ROOT" && cargo build --release --quiet)
(cd "$ROOT/targets" && cargo build --release --quiet)
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

# One sweep: prints "seconds ops" for `explore MODEL` with BINARY.
sweep() {
  local binary="$1" model="$2" start end out
  start=$(date +%s.%N)
  out=$(cd "$SCRATCH" && "$binary" explore "$model" --seeds "$SEEDS" --jobs 1 --no-regressions 2>&1 || true)
  end=$(date +%s.%N)
  echo "$(python3 -c "print($end - $start)") $(echo "$out" | sed -n 's/^ops: \([0-9]*\),.*/\1/p')"
}

echo "| model | host | seeds | wall s | seeds/s | client ops/s |"
echo "|---|---|---|---|---|---|"
for row in "$ROOT/target/release/faultline raft-kv engine" \
           "$ROOT/target/release/faultline raft-kv-madsim madsim" \
           "$ROOT/target/release/faultline async-counter madsim" \
           "$ROOT/targets/target/release/faultline-targets openraft madsim"; do
  set -- $row
  read -r secs ops < <(sweep "$1" "$2")
  python3 -c "print('| $2 | $3 | $SEEDS | %.1f | %.0f | %.0f |' % ($secs, $SEEDS / $secs, $ops / $secs))"
done
