#!/usr/bin/env bash
# The checker against Porcupine on Porcupine's own kv histories, in one run on
# this machine: Porcupine's `go test -bench Kv` (its check of a parsed
# history) and faultline's criterion benchmark of the same step
# (`cargo bench -p check --bench porcupine`), then a Markdown table with the
# ratios. Needs Go (apt-get install golang-go). Porcupine and its histories
# are read from ../shared/anchors/porcupine (not part of this repository).
#
# Usage: scripts/porcupine-compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ANCHOR=${ANCHOR:-../shared/anchors/porcupine}
command -v go >/dev/null || { echo "needs Go (apt-get install golang-go)" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r "$ANCHOR/upstream/." "$work/"
(cd "$work" && GOFLAGS=-mod=mod go test -run XXX -bench 'Kv' -benchtime 3x 2>&1 | grep -E '^Benchmark') > "$work/go.txt"
PORCUPINE_KV="$(cd "$ANCHOR/upstream/test_data/kv" && pwd)" cargo bench -q -p check --bench porcupine -- --noplot > "$work/rust.txt" 2>&1
python3 - "$work/go.txt" "$work/rust.txt" <<'PY'
import re, sys
go = {}
for line in open(sys.argv[1]):
    m = re.match(r'Benchmark(\S+?)-\d+\s+\d+\s+([\d.]+) ns/op', line)
    if m: go[m.group(1)] = float(m.group(2))
unit = {'ns': 1, 'µs': 1e3, 'us': 1e3, 'ms': 1e6, 's': 1e9}
rust = {}
for line in open(sys.argv[2]):
    m = re.match(r'(\S+)\s+time:\s+\[[\d.]+ \S+ ([\d.]+) (\S+) ', line)
    if m: rust[m.group(1)] = float(m.group(2)) * unit[m.group(3)]
names = {'c01-ok': 'Kv1ClientOk', 'c01-bad': 'Kv1ClientBad', 'c10-ok': 'Kv10ClientsOk',
         'c10-bad': 'Kv10ClientsBad', 'c50-ok': 'Kv50ClientsOk', 'c50-bad': 'Kv50ClientsBad'}
def fmt(ns):
    return f"{ns/1e6:.2f} ms" if ns >= 1e6 else f"{ns/1e3:.1f} µs"
print("| history | Porcupine (check) | faultline (check) | faster by | faultline (parse + check) |")
print("|---|---|---|---|---|")
for f, g in names.items():
    p, r, pr = go[g], rust[f'check/{f}'], rust[f'parse+check/{f}']
    print(f"| {f} | {fmt(p)} | {fmt(r)} | {p/r:.1f}x | {fmt(pr)} |")
for f, g in [('c10-ok', 'KvNoPartition10ClientsOk'), ('c10-bad', 'KvNoPartition10ClientsBad')]:
    p, r = go[g], rust[f'no-partition/{f}']
    print(f"| {f}, one object | {fmt(p)} | {fmt(r)} | {p/r:.1f}x | |")
PY
