//! The chain's own command line, end to end, each step in a fresh process:
//! `explore` finds the bug, `shrink` shrinks its plan, `replay` reports an
//! identical trace hash for the original and the shrunk artifact, and no
//! artifact is ever modified.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chain-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn chain(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chain"))
        .args(args)
        .current_dir(dir)
        .env("FAULTLINE_ARTIFACTS", dir.join("target/faultline"))
        .output()
        .expect("run the chain binary")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn explore_finds_the_bug_shrink_shrinks_it_and_replay_reproduces_it() {
    let dir = scratch("e2e");
    let explore = chain(
        &dir,
        &[
            "explore",
            "chain",
            "--bug",
            "skip-sync",
            "--faults",
            "crashes",
            "--seeds",
            "30",
            "--json",
        ],
    );
    assert_eq!(explore.status.code(), Some(1), "{}", text(&explore));
    let summary: serde_json::Value = serde_json::from_slice(&explore.stdout).unwrap();
    let first = &summary["failed"][0];
    let artifact = dir.join(first["artifact"].as_str().unwrap());
    let original = std::fs::read(&artifact).unwrap();
    let planned: serde_json::Value = serde_json::from_slice(&original).unwrap();
    let faults_before = planned["plan"]["faults"].as_array().unwrap().len();

    let shrink = chain(&dir, &["shrink", artifact.to_str().unwrap()]);
    assert_eq!(shrink.status.code(), Some(0), "{}", text(&shrink));
    let out = String::from_utf8_lossy(&shrink.stdout).to_string();
    let faults_after: usize = out.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!(
        faults_after < faults_before && faults_after > 0,
        "{faults_before} faults shrunk to {faults_after}: {out}"
    );
    assert!(
        out.contains("chain replay"),
        "the replay command names this binary: {out}"
    );
    let shrunk = dir.join(
        out.lines()
            .find_map(|l| l.strip_prefix("wrote "))
            .expect("a written artifact"),
    );
    assert_eq!(
        std::fs::read(&artifact).unwrap(),
        original,
        "the original is untouched"
    );

    for file in [&artifact, &shrunk] {
        let replay = chain(&dir, &["replay", file.to_str().unwrap()]);
        assert_eq!(replay.status.code(), Some(0), "{}", text(&replay));
        assert!(
            text(&replay).contains("identical to the artifact"),
            "{}",
            text(&replay)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_correct_chain_passes_and_list_describes_it() {
    let dir = scratch("list");
    let explore = chain(&dir, &["explore", "chain", "--seeds", "40"]);
    assert_eq!(explore.status.code(), Some(0), "{}", text(&explore));
    let list = chain(&dir, &["list", "--json"]);
    assert_eq!(list.status.code(), Some(0));
    let listing: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let model = &listing["models"][0];
    assert_eq!(model["name"], "chain");
    assert_eq!(model["bugs"][0]["name"], "skip-sync");
    assert_eq!(model["checks"]["invariants"][0], "chain order");
    assert_eq!(model["checks"]["spec"], "register");
    let unknown = chain(&dir, &["explore", "raft-kv"]);
    assert_eq!(
        unknown.status.code(),
        Some(2),
        "only this crate's models are listed"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
