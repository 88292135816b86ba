//! Every library under the engine: its newest release passes a sweep of
//! the default mix, each older release is caught (or, declared harmless,
//! not) within the budget its switch states, a seed gives the same trace
//! hash twice in one process, and a failure replays to the same hash in
//! another process.

use faultline_targets::LIBRARIES;
use sim::model::{hunt, Model, RunRequest};
use sim::Mix;
use std::process::Command;

/// Seeds of the sweep: `FAULTLINE_SEEDS`, else 300.
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
    for model in LIBRARIES {
        let found = hunt::check_hunts(*model).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.len(), model.describe().bugs.len(), "{}", model.name());
        assert!(
            found.iter().any(|(_, first)| first.is_some()),
            "{}: some release is caught",
            model.name()
        );
    }
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

/// The first seed at which `model` fails with its first caught switch.
fn first_caught(model: &dyn Model) -> (String, u64) {
    let found = hunt::check_hunts(model).unwrap_or_else(|e| panic!("{e}"));
    let (bug, seed) = found
        .into_iter()
        .find_map(|(bug, first)| first.map(|s| (bug, s)))
        .expect("some release is caught");
    (bug, seed)
}

#[test]
fn a_failure_replays_to_the_same_trace_hash_in_another_process() {
    let bin = env!("CARGO_BIN_EXE_faultline-targets");
    for model in LIBRARIES {
        let (bug, seed) = first_caught(*model);
        let dir = std::env::temp_dir().join(format!(
            "faultline-targets-{}-{}",
            model.name(),
            std::process::id()
        ));
        let explore = Command::new(bin)
            .args(["explore", model.name(), "--bug", &bug, "--seed"])
            .arg(seed.to_string())
            .args(["--no-regressions", "--artifacts"])
            .arg(&dir)
            .output()
            .expect("runs");
        assert_eq!(
            explore.status.code(),
            Some(1),
            "{} {bug} seed {seed} fails",
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
