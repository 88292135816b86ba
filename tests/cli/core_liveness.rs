//! `explore --liveness core`: only a quorum is healed after the safety
//! phase, and a fault is kept on every other node. raft-kv's `no-pre-vote`
//! is found there and not under a full heal; its artifact carries the core
//! and replays and shrinks like any other; a model with no core, and a plan
//! whose kept fault breaks the core, are refused with one line and exit 2.

use crate::common::cli::{faultline, stderr, stdout};

fn workdir(name: &str) -> std::path::PathBuf {
    crate::common::cli::workdir(&format!("core-{name}"))
}

/// `explore raft-kv --bug no-pre-vote` over 40 seeds with `liveness`, as
/// JSON.
fn sweep(dir: &std::path::Path, liveness: &str) -> serde_json::Value {
    let args = [
        "explore",
        "raft-kv",
        "--bug",
        "no-pre-vote",
        "--seeds",
        "40",
        "--liveness",
        liveness,
        "--json",
        "--no-regressions",
    ];
    let out = faultline(dir, &args);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("a JSON summary")
}

#[test]
fn no_pre_vote_livelocks_only_when_just_a_core_is_healed() {
    let dir = workdir("no-pre-vote");
    let healed = sweep(&dir, "heal-all");
    assert_eq!(healed["failed"].as_array().unwrap().len(), 0, "{healed}");
    let core = sweep(&dir, "core");
    let first = &core["failed"][0];
    assert_eq!(first["kind"], "liveness", "{core}");
    let artifact = first["artifact"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(&artifact).unwrap();
    assert!(text.contains("\"core\""), "the artifact carries the core");

    let replayed = faultline(&dir, &["replay", &artifact]);
    assert_eq!(replayed.status.code(), Some(0), "{}", stderr(&replayed));
    assert!(
        stdout(&replayed).contains("identical to the artifact"),
        "{}",
        stdout(&replayed)
    );
    let shrunk = faultline(&dir, &["shrink", &artifact]);
    assert_eq!(shrunk.status.code(), Some(0), "{}", stderr(&shrunk));
    let story = stdout(&shrunk);
    assert!(story.contains("only the core"), "{story}");
    assert!(story.contains("(one way)"), "the kept cut is told: {story}");
}

#[test]
fn a_model_with_no_core_is_refused_with_one_line() {
    let dir = workdir("no-core");
    let args = ["explore", "two-phase-commit", "--liveness", "core"];
    let out = faultline(&dir, &args);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("two-phase-commit") && err.contains("no core"),
        "{err}"
    );
}

#[test]
fn an_artifact_whose_kept_fault_breaks_the_core_is_refused() {
    let dir = workdir("bad-kept");
    let core = sweep(&dir, "core");
    let artifact = core["failed"][0]["artifact"].as_str().unwrap().to_string();
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&artifact).unwrap()).unwrap();
    let plan = json["plan"].as_object_mut().expect("the artifact's plan");
    let first = plan["core"]["core"][0].clone();
    plan["core"]["kept"] = serde_json::json!([{ "kind": "pause", "node": first }]);
    let edited = dir.join("edited.json");
    std::fs::write(&edited, serde_json::to_string(&json).unwrap()).unwrap();
    let before = std::fs::read(&edited).unwrap();
    for cmd in ["replay", "shrink"] {
        let out = faultline(&dir, &[cmd, edited.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.trim().lines().count(), 1, "{cmd}: {err}");
        assert!(
            err.contains("core.kept[0]") && err.contains("in the core"),
            "{err}"
        );
    }
    assert_eq!(std::fs::read(&edited).unwrap(), before, "left as it was");
}
