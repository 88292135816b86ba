//! noraft under the engine: the newest release passes a sweep of the
//! default mix, each older release is caught (or, declared harmless, not)
//! within the budget its switch states, and a seed replays to the same
//! trace hash in the same process and in another.

use faultline_targets::noraft::NoraftModel;
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
fn the_newest_release_passes_a_sweep_of_the_default_mix() {
    for seed in 0..sweep() {
        let failed = hunt::fails(&NoraftModel, None, Mix::All, seed).expect("runs");
        assert!(
            !failed,
            "noraft 0.7.1 fails seed {seed}: triage it (adapter, contract or library) \
             and write it up in targets/FINDINGS.md"
        );
    }
}

#[test]
fn each_release_with_a_known_bug_is_held_to_its_budget() {
    let found = hunt::check_hunts(&NoraftModel).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = found.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(names, ["0.4.0", "0.5.0"], "every switch was checked");
    assert!(found[0].1.is_some(), "0.4.0 is caught");
}

#[test]
fn a_seed_gives_the_same_trace_hash_twice() {
    for bug in [None, Some("0.4.0")] {
        let run = || {
            let request = RunRequest {
                seed: 7,
                bug: bug.map(str::to_string),
                nemesis: Mix::All.nemesis(),
                plan: None,
                record: true,
                budget: None,
                buggify: None,
                trim: Default::default(),
            };
            NoraftModel.run(&request).expect("runs").trace_hash
        };
        assert_eq!(run(), run(), "{bug:?}");
    }
}

#[test]
fn a_failure_replays_to_the_same_trace_hash_in_another_process() {
    let dir = std::env::temp_dir().join(format!("faultline-targets-{}", std::process::id()));
    let bin = env!("CARGO_BIN_EXE_faultline-targets");
    let explore = Command::new(bin)
        .args(["explore", "noraft", "--bug", "0.4.0", "--seed", "0"])
        .args(["--no-regressions", "--artifacts"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(explore.status.code(), Some(1), "seed 0 of 0.4.0 fails");
    let artifact = dir.join("noraft-seed-0.json");
    let replay = Command::new(bin)
        .arg("replay")
        .arg(&artifact)
        .output()
        .expect("runs");
    let out = String::from_utf8_lossy(&replay.stdout);
    assert!(out.contains("identical to the artifact"), "{out}");
    assert!(out.contains("state machine safety"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}
