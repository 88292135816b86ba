#!/usr/bin/env bash
# Measures `faultline bench` side by side with the reference ping-pong workload on
# madsim, turmoil and a bare event loop (../shared/anchors/pingpong), on this
# machine, in one run. Prints a Markdown table: median of REPS runs, peak RSS.
#
# Usage: scripts/compare-anchors.sh        (env: N=200000 SEED=42 REPS=3)
# The anchors are built in a scratch copy (shared/ is read-only); their code is
# not part of this repository.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200000}; SEED=${SEED:-42}; REPS=${REPS:-3}
ANCHORS=${ANCHORS:-../shared/anchors/pingpong}
SCRATCH=${SCRATCH:-${TMPDIR:-/tmp}/faultline-anchors}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
[ -d "$ANCHORS" ] || { echo "no anchors at $ANCHORS" >&2; exit 2; }

cargo build --release --quiet --bin faultline
if [ ! -d "$SCRATCH" ]; then cp -r "$ANCHORS" "$SCRATCH"; chmod -R u+w "$SCRATCH"; fi
(cd "$SCRATCH/des-bench" && cargo build --release --quiet)
(cd "$SCRATCH/turmoil-bench" && cargo build --release --quiet)
(cd "$SCRATCH/madsim-bench" && RUSTFLAGS="--cfg madsim" cargo build --release --quiet)

tmp=$(mktemp -d)
# run LABEL CMD...: REPS runs; records "msgs_per_s sim_per_wall rss_kb" per run.
run() {
  local label=$1; shift
  for _ in $(seq 1 "$REPS"); do
    /usr/bin/time -f "RSS_KB=%M" "$@" > "$tmp/out" 2> "$tmp/err"
    local rss; rss=$(grep -o 'RSS_KB=[0-9]*' "$tmp/err" | cut -d= -f2)
    if grep -q '^{' "$tmp/out"; then
      python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); print(r["msgs_per_s"], r["sim_s_per_wall_s"], sys.argv[2])' "$tmp/out" "$rss"
    else
      python3 -c 'import re,sys; t=open(sys.argv[1]).read(); g=lambda k: re.search(k+r"=([0-9.]+)", t).group(1); print(g("msgs_per_s"), g("sim_per_wall"), sys.argv[2])' "$tmp/out" "$rss"
    fi >> "$tmp/$label"
  done
}
run faultline_none ./target/release/faultline bench --json --faults none --seed "$SEED" --requests "$N"
run faultline_flaky ./target/release/faultline bench --json --faults flaky-net --seed "$SEED" --requests "$N"
run bare_loop "$SCRATCH/des-bench/target/release/des-bench" seq "$N" "$SEED"
run madsim "$SCRATCH/madsim-bench/target/release/madsim-bench" seq "$N" "$SEED"
run turmoil env TURMOIL_LATENCY_CURVE=1.594 "$SCRATCH/turmoil-bench/target/release/turmoil-bench" seq "$N" "$SEED"

python3 - "$tmp" "$REPS" <<'PY'
import statistics, sys, os
d, reps = sys.argv[1], sys.argv[2]
rows = {}
for label in ["faultline_none", "faultline_flaky", "bare_loop", "madsim", "turmoil"]:
    runs = [list(map(float, l.split())) for l in open(os.path.join(d, label))]
    rows[label] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), max(r[2] for r in runs) / 1024)
base = rows["faultline_none"][0]
print(f"| engine | msgs per wall s (median of {reps}) | simulated s per wall s | peak RSS MB | faultline no-faults speed ÷ this |")
print("|---|---|---|---|---|")
for label, (m, s, rss) in rows.items():
    ratio = "—" if label == "faultline_none" else f"{base / m:.2f}x"
    print(f"| {label} | {m:,.0f} | {s:,.0f} | {rss:.1f} | {ratio} |")
PY
rm -rf "$tmp"
