//! Every library under the engine: its newest release passes a sweep of
//! the default mix, each older release is caught (or, declared harmless,
//! not) within the budget its switch states, a seed gives the same trace
//! hash twice in one process and in another process, and a failure replays
//! to the same hash through the command line.

use faultline::sim::model::{hunt, Model, RunRequest};
use faultline::sim::Mix;
use faultline_targets::LIBRARIES;
use std::process::Command;

/// Seeds of the sweep: `FAULTLINE_SEEDS`, else 300. Past seed 331 foca's
/// newest release fails (the finding in `targets/FINDINGS.md`), so a wider
/// sweep fails until foca's release changes: that is the finding, not noise.
fn sweep() -> u64 {
    std::env::var("FAULTLINE_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

#[test]
fn each_newest_release_passes_a_sweep_of_the_default_mix() {
    for model in LIBRARIES {
        for seed in 0..sweep() {
            let failed = hunt::fails(*model, None, Mix::All, seed).expect("runs");
            assert!(
                !failed,
                "{}'s newest release fails seed {seed}: triage it (adapter, contract or \
                 library) and write it up in targets/FINDINGS.md",
                model.name()
            );
        }
    }
}

#[test]
fn each_release_with_a_known_bug_is_held_to_its_budget() {
    let mut caught = 0;
    for model in LIBRARIES {
        let found = hunt::check_hunts(*model).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.len(), model.describe().bugs.len(), "{}", model.name());
        caught += found.iter().filter(|(_, first)| first.is_some()).count();
    }
    assert!(caught >= 3, "releases with known bugs are caught: {caught}");
}

/// The trace hash of seed 7 of `model`, with `bug` on (`None`: newest).
fn hash_of(model: &dyn Model, bug: Option<String>) -> u64 {
    let request = RunRequest {
        seed: 7,
        bug,
        nemesis: Mix::All.nemesis(),
        plan: None,
        record: true,
        budget: None,
        buggify: None,
        trim: Default::default(),
    };
    model.run(&request).expect("runs").trace_hash
}

/// Every release of every library, as (model, switch).
fn releases() -> Vec<(&'static dyn Model, Option<String>)> {
    LIBRARIES
        .iter()
        .flat_map(|m| {
            let bugs = m.describe().bugs.into_iter().map(|b| Some(b.name));
            std::iter::once(None).chain(bugs).map(move |b| (*m, b))
        })
        .collect()
}

/// The environment variable that makes [`child_prints_hashes`] speak.
const CHILD: &str = "FAULTLINE_TARGETS_PRINT_HASHES";

/// Not a check of its own: run as a child process by the test below, it
/// prints the trace hash of seed 7 of every release, one a line.
#[test]
fn child_prints_hashes() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    for (model, bug) in releases() {
        println!(
            "hash {} {bug:?} {:016x}",
            model.name(),
            hash_of(model, bug.clone())
        );
    }
}

#[test]
fn a_seed_gives_the_same_trace_hash_twice_and_in_another_process() {
    let child = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "child_prints_hashes",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD, "1")
        .output()
        .expect("runs");
    let printed = String::from_utf8_lossy(&child.stdout);
    for (model, bug) in releases() {
        let here = hash_of(model, bug.clone());
        assert_eq!(
            here,
            hash_of(model, bug.clone()),
            "{} {bug:?}",
            model.name()
        );
        let line = format!("hash {} {bug:?} {here:016x}", model.name());
        assert!(
            printed.lines().any(|l| l.ends_with(&line)),
            "another process gave another hash: {line}\n{printed}"
        );
    }
}

/// A failing run of `model`: the first seed at which its first caught
/// switch fails, or, for a library with none, the first seed at which its
/// newest release fails (a finding of `targets/FINDINGS.md`); `None` for a
/// library with neither.
fn a_failing_run(model: &dyn Model) -> Option<(Option<String>, u64)> {
    let found = hunt::check_hunts(model).unwrap_or_else(|e| panic!("{e}"));
    if let Some((bug, seed)) = found
        .into_iter()
        .find_map(|(bug, first)| first.map(|s| (bug, s)))
    {
        return Some((Some(bug), seed));
    }
    let seed = hunt::first_failure(model, None, Mix::All, 400).expect("runs")?;
    Some((None, seed))
}

#[test]
fn a_failure_replays_to_the_same_trace_hash_through_the_command_line() {
    let bin = env!("CARGO_BIN_EXE_faultline-targets");
    let mut replayed = 0;
    for model in LIBRARIES {
        let Some((bug, seed)) = a_failing_run(*model) else {
            continue;
        };
        replayed += 1;
        let dir = std::env::temp_dir().join(format!(
            "faultline-targets-{}-{}",
            model.name(),
            std::process::id()
        ));
        let switch = bug.iter().flat_map(|b| ["--bug", b.as_str()]);
        let explore = Command::new(bin)
            .args(["explore", model.name()])
            .args(switch)
            .arg("--seed")
            .arg(seed.to_string())
            .args(["--no-regressions", "--artifacts"])
            .arg(&dir)
            .output()
            .expect("runs");
        assert_eq!(
            explore.status.code(),
            Some(1),
            "{} {bug:?} seed {seed} fails",
            model.name()
        );
        let artifact = dir.join(format!("{}-seed-{seed}.json", model.name()));
        let replay = Command::new(bin)
            .arg("replay")
            .arg(&artifact)
            .output()
            .expect("runs");
        let out = String::from_utf8_lossy(&replay.stdout);
        assert!(out.contains("identical to the artifact"), "{out}");
        std::fs::remove_dir_all(&dir).ok();
    }
    assert!(
        replayed >= 3,
        "failures of noraft, raft-rs and foca replay: {replayed}"
    );
}

/// raft-rs 0.6.0-alpha panics on some failing seeds (`to_commit … out of
/// range`); a sweep reports each as a failure, without the panic hook's
/// message on every one of them.
#[test]
fn a_sweep_of_a_panicking_release_reports_failures_without_panic_noise() {
    let dir = std::env::temp_dir().join(format!("faultline-targets-quiet-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_faultline-targets"))
        .args([
            "explore",
            "raft-rs",
            "--bug",
            "0.6.0-alpha",
            "--seeds",
            "40",
        ])
        .args(["--no-regressions", "--json", "--artifacts"])
        .arg(&dir)
        .output()
        .expect("runs");
    std::fs::remove_dir_all(&dir).ok();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let panics = summary["failures"]["panic"].as_u64().unwrap_or(0);
    assert!(panics > 0, "some seeds panic: {summary}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked at"), "{err}");
}
