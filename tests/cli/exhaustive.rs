//! `faultline explore --exhaustive` end to end: the register's bug is
//! found at its shortest, and its artifact replays to the same trace,
//! renders as a report, needs no shrinking and is kept and re-run from the
//! regression file; the correct register proves its bound; a model that
//! does not opt in, and a hostile behaviour, are bad input.

use crate::common::cli::{faultline, stderr, stdout};

fn workdir(name: &str) -> std::path::PathBuf {
    crate::common::cli::workdir(&format!("exhaustive-{name}"))
}

const BUG: [&str; 6] = [
    "explore",
    "register",
    "--exhaustive",
    "--bug",
    "ack-before-replication",
    "--json",
];

#[test]
fn the_bug_is_found_replayed_reported_and_kept() {
    let dir = workdir("bug");
    let mut args = BUG.to_vec();
    args.extend(["--regressions", "kept.json"]);
    let out = faultline(&dir, &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let outcome = &json["outcome"];
    assert_eq!(outcome["stopped"], "violation");
    let steps = outcome["violation"]["steps"].as_array().unwrap().len();
    assert_eq!(outcome["covered"].as_u64(), Some(steps as u64 - 1));
    let artifact = json["artifact"].as_str().unwrap().to_string();

    let replay = faultline(&dir, &["replay", &artifact]);
    assert_eq!(replay.status.code(), Some(0), "{}", stderr(&replay));
    let text = stdout(&replay);
    assert!(text.contains("identical to the artifact"), "{text}");
    assert!(text.contains("linearizability failure"), "{text}");

    let html = dir.join("run.html");
    let report = faultline(
        &dir,
        &["replay", &artifact, "--html", html.to_str().unwrap()],
    );
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    assert!(std::fs::read_to_string(&html).unwrap().contains("<html"));

    let before = std::fs::read(&artifact).unwrap();
    let shrink = faultline(&dir, &["shrink", &artifact]);
    assert_eq!(shrink.status.code(), Some(0), "{}", stderr(&shrink));
    assert!(
        stdout(&shrink).contains("nothing to shrink"),
        "{}",
        stdout(&shrink)
    );
    assert_eq!(std::fs::read(&artifact).unwrap(), before, "never modified");

    // A sweep re-runs the kept behaviour first.
    let sweep = faultline(
        &dir,
        &[
            "explore",
            "register",
            "--bug",
            "ack-before-replication",
            "--seeds",
            "1",
            "--regressions",
            "kept.json",
        ],
    );
    let said = stderr(&sweep);
    assert!(
        said.contains("kept failure, seed 0") && said.contains("fails again"),
        "{said}"
    );
}

#[test]
fn the_correct_register_proves_its_bound() {
    let dir = workdir("correct");
    let out = faultline(
        &dir,
        &[
            "explore",
            "register",
            "--exhaustive",
            "--depth",
            "8",
            "--no-regressions",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("no violation in any behaviour of up to 8 steps"),
        "{text}"
    );
    assert!(
        text.contains("a state is: all that, and the random streams"),
        "{text}"
    );
    assert!(!dir.join("target/faultline").exists(), "no artifact");
}

#[test]
fn a_model_that_does_not_opt_in_is_bad_input() {
    let dir = workdir("no-opt-in");
    let out = faultline(&dir, &["explore", "gateway", "--exhaustive"]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.contains("does not opt in to the exhaustive search"),
        "{said}"
    );
    let flag = faultline(&dir, &["explore", "register", "--depth", "3"]);
    assert_eq!(flag.status.code(), Some(2), "--depth needs --exhaustive");
}

#[test]
fn a_hostile_behaviour_is_refused_with_its_place() {
    let dir = workdir("hostile");
    let out = faultline(&dir, &BUG);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let artifact = json["artifact"].as_str().unwrap();
    let text = std::fs::read_to_string(artifact).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let edits: [(&str, serde_json::Value); 3] = [
        (
            "/exhaustive/steps/0",
            serde_json::json!({"step": "crash", "node": 9}),
        ),
        ("/exhaustive/bounds/clients", serde_json::json!(100000)),
        (
            "/exhaustive/steps/0",
            serde_json::json!({"step": "run", "seq": 123456}),
        ),
    ];
    for (i, (at, edit)) in edits.into_iter().enumerate() {
        let mut bad = value.clone();
        *bad.pointer_mut(at).unwrap() = edit;
        let path = dir.join(format!("bad-{i}.json"));
        std::fs::write(&path, serde_json::to_string(&bad).unwrap()).unwrap();
        let replay = faultline(&dir, &["replay", path.to_str().unwrap()]);
        assert_eq!(replay.status.code(), Some(2), "{}", stdout(&replay));
        let said = stderr(&replay);
        assert!(said.contains("exhaustive."), "{i}: {said}");
    }
    *value.pointer_mut("/seed").unwrap() = serde_json::json!(7);
    let path = dir.join("bad-seed.json");
    std::fs::write(&path, serde_json::to_string(&value).unwrap()).unwrap();
    let replay = faultline(&dir, &["replay", path.to_str().unwrap()]);
    assert_eq!(replay.status.code(), Some(2));
    assert!(
        stderr(&replay).contains("exhaustive.bounds.seed"),
        "{}",
        stderr(&replay)
    );
}
