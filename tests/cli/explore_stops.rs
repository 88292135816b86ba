//! `explore --until-failure` and `--until-covered` stop at the same seed on
//! any thread count; the summary reports coverage; `--no-buggify` turns the
//! fault points off; a shrunk raft-kv failure replays identically, fault
//! points, trim and all, and `shrink` tells its story.

use crate::common::cli::faultline;
use serde_json::Value;

fn summary(dir: &std::path::Path, args: &[&str]) -> Value {
    let out = faultline(dir, args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON summary")
}

/// `explore MODEL --seeds N --json --no-regressions EXTRA...`'s summary.
fn explore(dir: &std::path::Path, model: &str, seeds: &str, extra: &[&str]) -> Value {
    let base = [
        "explore",
        model,
        "--seeds",
        seeds,
        "--json",
        "--no-regressions",
    ];
    summary(dir, &[&base[..], extra].concat())
}

#[test]
fn a_sweep_that_stops_stops_at_the_same_seed_on_any_thread_count() {
    let dir = crate::common::cli::workdir("explore-stops");
    let base = [
        "explore",
        "raft-kv",
        "--bug",
        "commit-previous-term",
        "--seeds",
        "300",
        "--json",
        "--no-regressions",
        "--until-failure",
    ];
    let one = summary(&dir, &[&base[..], &["--jobs", "1"]].concat());
    let two = summary(&dir, &[&base[..], &["--jobs", "2"]].concat());
    assert_eq!(one["runs"], two["runs"]);
    let seed = one["failed"][0]["seed"].as_u64().expect("a failure");
    assert_eq!(
        one["runs"].as_u64(),
        Some(seed + 1),
        "it stopped at the failure"
    );
    assert_eq!(one["failed"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["ops"], two["ops"]);

    let covered = [
        "explore",
        "raft-kv",
        "--seeds",
        "200",
        "--json",
        "--no-regressions",
        "--until-covered",
    ];
    let c1 = summary(&dir, &[&covered[..], &["--jobs", "1"]].concat());
    let c2 = summary(&dir, &[&covered[..], &["--jobs", "2"]].concat());
    assert_eq!(c1["runs"], c2["runs"]);
    assert_eq!(c1["coverage"], c2["coverage"]);
    assert_eq!(c1["coverage"]["never_reached"], serde_json::json!([]));
    assert!(
        c1["runs"].as_u64() < Some(200),
        "covered early: {}",
        c1["runs"]
    );
}

#[test]
fn a_shrunk_failure_replays_and_tells_its_story() {
    let dir = crate::common::cli::workdir("explore-story");
    let bug = ["--bug", "no-epoch-fencing", "--until-failure"];
    let s = explore(&dir, "primary-backup", "200", &bug);
    let artifact = s["failed"][0]["artifact"]
        .as_str()
        .expect("a failure")
        .to_string();
    let shrunk = faultline(&dir, &["shrink", &artifact]);
    let text = String::from_utf8_lossy(&shrunk.stdout);
    assert_eq!(shrunk.status.code(), Some(0), "{text}");
    assert!(text.contains("the story:"), "{text}");
    assert!(text.contains("client operations"), "{text}");
    let written = text
        .lines()
        .find_map(|l| l.strip_prefix("wrote "))
        .expect("the shrunk artifact")
        .to_string();
    let small: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(&written)).unwrap()).unwrap();
    assert!(small["trim"].is_object(), "the run was trimmed: {small}");
    let replay = faultline(&dir, &["replay", &written]);
    let said = String::from_utf8_lossy(&replay.stdout).to_string()
        + &String::from_utf8_lossy(&replay.stderr);
    assert!(said.contains("identical to the artifact"), "{said}");
}

#[test]
fn no_buggify_keeps_every_fault_point_off() {
    let dir = crate::common::cli::workdir("explore-nobuggify");
    // Over 40 seeds some raft-kv seed enables its fault point and fires
    // it, so the sweep's client operations differ from the sweep with
    // every fault point off.
    let on = explore(&dir, "raft-kv", "40", &[]);
    let off = explore(&dir, "raft-kv", "40", &["--no-buggify"]);
    assert_eq!(on["runs"], off["runs"]);
    assert_ne!(on["ops"], off["ops"], "no seed fired a fault point");
}
