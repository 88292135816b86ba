#!/usr/bin/env bash
# The transactional checker's speed and peak memory, whole process, on
# generated histories: list-append and rw-register, valid and invalid (5% of
# reads changed), at 100,000 and 1,000,000 transactions; 1,000 concurrent
# processes; and the four shapes that used to run away. Prints a markdown
# table: the verdict, seconds, transactions per second (reading the EDN
# included) and peak memory (GNU time's maximum resident set).
#
#   scripts/txn-bench.sh            # every row (about five minutes)
#   SIZES=100000 scripts/txn-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100000 1000000"}
work=$(mktemp -d /tmp/faultline-txn-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cargo build --release -q --bin faultline -p faultline
cargo build --release -q -p check --example gen_txn
bin=target/release/faultline
gen=target/release/examples/gen_txn

row() { # name file [check-txn flags...]
  local name=$1 file=$2
  shift 2
  local txns
  txns=$(grep -c ':type :invoke' "$file" || true)
  local out
  out=$( { /usr/bin/time -f "TIME %e %M" "$bin" check-txn "$@" "$file" | head -1; } 2>&1 || true)
  local verdict secs kb
  verdict=$(echo "$out" | grep -v '^TIME' | head -1 | sed -E 's/^[a-z-]+: ([a-z]+).*/\1/')
  secs=$(echo "$out" | awk '/^TIME/ {print $2}')
  kb=$(echo "$out" | awk '/^TIME/ {print $3}')
  local rate
  rate=$(awk -v n="$txns" -v s="$secs" 'BEGIN { if (s > 0) printf "%d", n / s; else print "-" }')
  printf "| %s | %s | %s MB | %s | %s s | %s | %d MB |\n" "$name" "$txns" \
    "$(( $(stat -c %s "$file") / 1000000 ))" "$verdict" "$secs" "$rate" "$(( kb / 1024 ))"
}

echo "| history | transactions | EDN | verdict (serializable) | time | txn/s | peak memory |"
echo "|---|---|---|---|---|---|---|"
for n in $SIZES; do
  "$gen" "$n" 0 1 > "$work/la.edn"
  row "list-append, valid" "$work/la.edn"
  "$gen" "$n" 5 1 > "$work/la-bad.edn"
  row "list-append, 5% of reads changed" "$work/la-bad.edn"
  rm -f "$work/la.edn" "$work/la-bad.edn"
  "$gen" "$n" 0 1 --rw-register > "$work/rw.edn"
  row "rw-register, valid" "$work/rw.edn"
  "$gen" "$n" 5 1 --rw-register > "$work/rw-bad.edn"
  row "rw-register, 5% of reads changed" "$work/rw-bad.edn"
  rm -f "$work/rw.edn" "$work/rw-bad.edn"
done
"$gen" 100000 0 1 --processes 1000 > "$work/procs.edn"
row "list-append, 1,000 concurrent processes" "$work/procs.edn"
rm -f "$work/procs.edn"

python3 - "$work" <<'EOF'
# The shapes of issue 35's memory cases.
import sys
d = sys.argv[1]
def op(kind, value, p):
    return "{:type :%s, :f :txn, :value %s, :process %d}\n" % (kind, value, p)
with open(d + "/register.edn", "w") as f:
    for i in range(1, 20001):
        w = "[[:w :x %d]]" % i
        f.write(op("invoke", w, i) + op("ok", w, i))
        f.write(op("invoke", "[[:r :x nil]]", 50000 + i) + op("ok", "[[:r :x %d]]" % ((i + 1) // 2), 50000 + i))
with open(d + "/readers.edn", "w") as f:
    f.write(op("invoke", "[[:append :x 0]]", 0) + op("ok", "[[:append :x 0]]", 0))
    for i in range(1, 20001):
        a = "[[:append :x %d]]" % i
        f.write(op("invoke", a, i) + op("info", a, i))
    for i in range(1, 20001):
        f.write(op("invoke", "[[:r :x nil]]", 100000 + i) + op("ok", "[[:r :x [0]]]", 100000 + i))
with open(d + "/lockstep.edn", "w") as f:
    v = 0
    for r in range(100):
        vals = []
        for p in range(1000):
            v += 1
            vals.append(v)
            f.write(op("invoke", "[[:append %d %d] [:r %d nil]]" % (p % 10, v, (p + 1) % 10), p))
        for p in range(1000):
            f.write(op("ok", "[[:append %d %d] [:r %d nil]]" % (p % 10, vals[p], (p + 1) % 10), p))
with open(d + "/big-txn.edn", "w") as f:
    mops = " ".join("[:append :x %d]" % i for i in range(4000000))
    f.write(op("invoke", "[" + mops + "]", 0) + op("ok", "[" + mops + "]", 0))
EOF
row "rw-register, one key: 20,000 writes and 20,000 reads" "$work/register.edn"
row "list-append, one append read by 20,000 readers, 20,000 indeterminate appends" "$work/readers.edn"
row "list-append, 1,000 processes in lock-step for 100 rounds" "$work/lockstep.edn"
row "list-append, one transaction of 4 million appends" "$work/big-txn.edn"
