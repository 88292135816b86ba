#!/usr/bin/env python3
"""The bug-switch table of docs/bug-finding.md: for each model's bug switch, the first
failing seed from 0 under the switch's fault mix, the median seeds-to-failure
over 20 starting points (0, 1000, ..., 19000; a start that finds nothing in
LIMIT seeds counts as "> LIMIT"), the size of the first failure's shrunk
plan and the client operations of its run (both from `faultline shrink`,
which tells the shrunk failure's story), with its reruns and time, and the
median and largest shrunk plan over the 20 starts' first failures. The models, their switches and each switch's mix and seed budget come
from `faultline list --json`, that is, from each model's own description.

With --targets, the models are the real libraries of `targets/` (their
switches are released versions), and each row also says whether the newest
release, with no switch, passes the same 20 x LIMIT seeds.

Usage: scripts/bug-table.py [LIMIT] [--host engine|madsim] [--model NAME] [--bug NAME] [--targets]
  LIMIT defaults to 500; every model, or only those of one host, or one model, or one switch. Builds the release binary. Runs in a scratch directory, so no
  artifacts are left in the repository."""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

def option(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


HOST, MODEL, BUG = option("--host"), option("--model"), option("--bug")
TARGETS = "--targets" in sys.argv
ARGS = [a for a in sys.argv[1:] if not a.startswith("--") and a not in (HOST, MODEL, BUG)]
LIMIT = int(ARGS[0]) if ARGS else 500
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "targets") if TARGETS else ROOT

subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=BUILD, check=True)
BIN = os.path.join(BUILD, "target", "release", "faultline-targets" if TARGETS else "faultline")
LISTING = json.loads(subprocess.run([BIN, "list", "--json"], capture_output=True, text=True,
                                    check=True).stdout)
BUGS = {m["name"]: [b for b in m["bugs"] if BUG in (None, b["name"])] for m in LISTING["models"]
        if HOST in (None, m["host"]) and MODEL in (None, m["name"])}


def explore(cwd, model, bug, faults, start, until_failure=True):
    """The sweep's failures from `start`: the first (or, not until a
    failure, how many); `bug` None runs the model as it is."""
    switch = ["--bug", bug] if bug else []
    stop = ["--until-failure"] if until_failure else []
    out = subprocess.run(
        [BIN, "explore", model, *switch, "--faults", *faults.split(), "--start", str(start),
         "--seeds", str(LIMIT), "--json", "--no-regressions", *stop],
        cwd=cwd, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"explore failed: {out.stderr}")
    failed = json.loads(out.stdout)["failed"]
    if not until_failure:
        return len(failed)
    return min(failed, key=lambda f: f["seed"]) if failed else None


def newest_passes(model, faults):
    """For a real library: how many of the 20 starts' seeds fail with no
    switch (its newest release), as "passes" or "N fail"."""
    with tempfile.TemporaryDirectory() as cwd:
        failing = sum(explore(cwd, model, None, faults, k * 1000, False) for k in range(20))
    return "passes" if failing == 0 else f"{failing} fail"


def shrink(cwd, artifact):
    """`faultline shrink` on one artifact: (faults, client ops, reruns, seconds)."""
    began = time.monotonic()
    out = subprocess.run([BIN, "shrink", artifact], cwd=cwd, capture_output=True, text=True)
    took = time.monotonic() - began
    words = out.stdout.split()
    if len(words) < 6 or words[0] != "shrunk":
        return "?", "?", "?", took
    told = [l.split()[0] for l in out.stdout.splitlines()
            if l.strip().endswith(" ok") and "client operations" in l]
    return int(words[2]), told[0] if told else "?", words[5], took


def spread(sizes):
    """The median and the largest of the shrunk plans' sizes."""
    known = [s for s in sizes if s != "?"]
    if not known:
        return "-"
    return f"{statistics.median(known):g} ({max(known)})"


NEWEST = f" newest release on the same {20 * LIMIT} seeds |" if TARGETS else ""
print("| model | bug switch | faults | budget (seeds) | first failing seed | median seeds to failure (20 starts) | found from k starts | shrunk plan (faults) | shrunk plans of the 20 starts: median (max) | shrunk run (client ops) | shrinking: reruns (time) | kind |" + NEWEST)
print("|---|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if TARGETS else ""))
for model, bugs in BUGS.items():
    for b in bugs:
        bug, faults, budget = b["name"], b["mix"], b["within_seeds"]
        if b.get("liveness") == "core":
            faults += " --liveness core"
        with tempfile.TemporaryDirectory() as cwd:
            distances, failures = [], []
            for k in range(20):
                start = k * 1000
                f = explore(cwd, model, bug, faults, start)
                if f is None:
                    distances.append(LIMIT + 1)
                    failures.append(None)
                    continue
                distances.append(f["seed"] - start + 1)
                failures.append(f)
            found = sum(f is not None for f in failures)
            median = statistics.median(distances)
            median = f"> {LIMIT}" if median > LIMIT else f"{median:g}"
            shrunk, ops, first_seed = "-", "-", f"none in 0..{LIMIT}"
            kind = "harmless alone (see its model)" if b.get("harmless") else "-"
            reruns, sizes = "-", []
            for k, f in enumerate(failures):
                if f is None:
                    continue
                size, f_ops, f_reruns, took = shrink(cwd, f["artifact"])
                sizes.append(size)
                if k == 0:
                    first_seed, kind = str(f["seed"]), f["kind"]
                    shrunk, ops, reruns = size, f_ops, f"{f_reruns} ({took:.1f} s)"
            print(f"{model} {bug}: shrunk plans of the 20 starts: {sizes}", file=sys.stderr, flush=True)
            newest = f" {newest_passes(model, faults)} |" if TARGETS else ""
            print(f"| {model} | `{bug}` | `{faults}` | {budget} | {first_seed} | {median} | {found}/20 | {shrunk} | {spread(sizes)} | {ops} | {reruns} | {kind} |{newest}",
                  flush=True)
