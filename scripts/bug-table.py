#!/usr/bin/env python3
"""The README's bug-switch table: for each model's bug switch, the first
failing seed from 0 under the switch's fault mix, the median seeds-to-failure
over 20 starting points (0, 1000, ..., 19000; a start that finds nothing in
LIMIT seeds counts as "> LIMIT"), and the size of the first failure's shrunk
plan and the client operations of its run (both from `faultline shrink`,
which tells the shrunk failure's story). The models, their switches and each switch's mix and seed budget come
from `faultline list --json`, that is, from each model's own description.

Usage: scripts/bug-table.py [LIMIT] [--host engine|madsim] [--model NAME] [--bug NAME]
  LIMIT defaults to 500; every model, or only those of one host, or one model, or one switch. Builds the release binary. Runs in a scratch directory, so no
  artifacts are left in the repository."""

import json
import os
import statistics
import subprocess
import sys
import tempfile

def option(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


HOST, MODEL, BUG = option("--host"), option("--model"), option("--bug")
ARGS = [a for a in sys.argv[1:] if not a.startswith("--") and a not in (HOST, MODEL, BUG)]
LIMIT = int(ARGS[0]) if ARGS else 500
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
BIN = os.path.join(ROOT, "target", "release", "faultline")
LISTING = json.loads(subprocess.run([BIN, "list", "--json"], capture_output=True, text=True,
                                    check=True).stdout)
BUGS = {m["name"]: [b for b in m["bugs"] if BUG in (None, b["name"])] for m in LISTING["models"]
        if HOST in (None, m["host"]) and MODEL in (None, m["name"])}


def explore(cwd, model, bug, faults, start):
    out = subprocess.run(
        [BIN, "explore", model, "--bug", bug, "--faults", faults, "--start", str(start),
         "--seeds", str(LIMIT), "--json", "--no-regressions", "--until-failure"],
        cwd=cwd, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"explore failed: {out.stderr}")
    failed = json.loads(out.stdout)["failed"]
    return min(failed, key=lambda f: f["seed"]) if failed else None


print("| model | bug switch | faults | budget (seeds) | first failing seed | median seeds to failure (20 starts) | found from k starts | shrunk plan (faults) | shrunk run (client ops) | kind |")
print("|---|---|---|---|---|---|---|---|---|---|")
for model, bugs in BUGS.items():
    for b in bugs:
        bug, faults, budget = b["name"], b["mix"], b["within_seeds"]
        with tempfile.TemporaryDirectory() as cwd:
            distances, first, found = [], None, 0
            for k in range(20):
                start = k * 1000
                f = explore(cwd, model, bug, faults, start)
                if f is None:
                    distances.append(LIMIT + 1)
                    continue
                found += 1
                distances.append(f["seed"] - start + 1)
                if k == 0:
                    first = f
            median = statistics.median(distances)
            median = f"> {LIMIT}" if median > LIMIT else f"{median:g}"
            shrunk, ops, kind, first_seed = "-", "-", "-", f"none in 0..{LIMIT}"
            if first:
                first_seed, kind = str(first["seed"]), first["kind"]
                out = subprocess.run([BIN, "shrink", first["artifact"]], cwd=cwd,
                                     capture_output=True, text=True)
                words = out.stdout.split()
                shrunk = words[2] if len(words) > 2 and words[0] == "shrunk" else "?"
                told = [l.split()[0] for l in out.stdout.splitlines()
                        if l.strip().endswith(" ok") and "client operations" in l]
                ops = told[0] if told else "?"
            print(f"| {model} | `{bug}` | `{faults}` | {budget} | {first_seed} | {median} | {found}/20 | {shrunk} | {ops} | {kind} |",
                  flush=True)
