#!/usr/bin/env python3
"""Guided search against random seeds: for each bug switch, the runs to the
first failure of `faultline explore --until-failure` from 20 starting seeds
(0, 1000, ..., 19000: runs = first failing seed - start + 1) and of
`faultline explore --guided --until-failure` from 20 root seeds (0..19), both
under the switch's own mix, or the one given; a start that finds nothing in
LIMIT runs counts as "> LIMIT". Prints a Markdown table with both medians.

Usage: scripts/guided-vs-random.py [LIMIT] [--model NAME] [--bug NAME] [--faults MIX]
  Every engine model's switches by default. Builds the release binary; runs
  in a scratch directory."""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

def option(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None

MODEL, BUG, FAULTS = option("--model"), option("--bug"), option("--faults")
ARGS = [a for a in sys.argv[1:] if not a.startswith("--") and a not in (MODEL, BUG, FAULTS)]
LIMIT = int(ARGS[0]) if ARGS else 500
STARTS = 20
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
BIN = os.path.join(ROOT, "target", "release", "faultline")
LISTING = json.loads(subprocess.run([BIN, "list", "--json"], capture_output=True, text=True,
                                    check=True).stdout)


def explore(cwd, args):
    out = subprocess.run([BIN, "explore", *args, "--until-failure", "--no-regressions",
                          "--max-artifacts", "1", "--json"], cwd=cwd, capture_output=True, text=True)
    return json.loads(out.stdout)


def random_runs(cwd, model, bug, mix, k):
    start = k * 1000
    s = explore(cwd, [model, "--bug", bug, "--faults", mix, "--start", str(start), "--seeds", str(LIMIT)])
    return s["failed"][0]["seed"] - start + 1 if s["failed"] else None


def guided_runs(cwd, model, bug, mix, k):
    s = explore(cwd, [model, "--bug", bug, "--faults", mix, "--guided", "--seed", str(k), "--seeds", str(LIMIT)])
    return s["failures"][0]["run"] if s["failures"] else None


def median(xs):
    found = sorted(x if x is not None else LIMIT + 1 for x in xs)
    m = statistics.median(found)
    return f"> {LIMIT}" if m > LIMIT else f"{m:g}"


print("| model | bug switch | faults | random: median runs to failure | guided: median runs to failure | found (random / guided) |")
print("|---|---|---|---|---|---|")
with tempfile.TemporaryDirectory() as cwd:
    for m in LISTING["models"]:
        if m["host"] != "engine" or MODEL not in (None, m["name"]):
            continue
        for b in m["bugs"]:
            if BUG not in (None, b["name"]) or b["harmless"]:
                continue
            mix = FAULTS or b["mix"]
            r = [random_runs(cwd, m["name"], b["name"], mix, k) for k in range(STARTS)]
            g = [guided_runs(cwd, m["name"], b["name"], mix, k) for k in range(STARTS)]
            hits = lambda xs: sum(x is not None for x in xs)
            print(f"| {m['name']} | `{b['name']}` | `{mix}` | {median(r)} | {median(g)} | {hits(r)}/{STARTS} / {hits(g)}/{STARTS} |", flush=True)
