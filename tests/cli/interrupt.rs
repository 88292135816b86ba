//! Ctrl-C during a sweep, on a real process: `explore` stops taking seeds,
//! prints the summary of the seeds that ran (marked interrupted) with the
//! failures found, writes its results file's summary line marked partial,
//! and exits 130; `merge` names the partial shard and the seeds it holds,
//! and, given the shard run again whole, counts that copy alone.

use crate::common::cli::{faultline, stderr, stdout, workdir};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn an_interrupted_sweep_reports_what_it_found_and_keeps_a_partial_results_file() {
    let dir = workdir("interrupt");
    let sweep = [
        "explore",
        "raft-kv",
        "--bug",
        "read-from-follower",
        "--faults",
        "none",
        "--seeds",
        "5000",
        "--no-regressions",
    ];
    let child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(sweep)
        .args(["--out", "res"])
        .current_dir(&dir)
        .env("FAULTLINE_ARTIFACTS", dir.join("target/faultline"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once results are coming in.
    let began = Instant::now();
    let results = dir.join("res/raft-kv-shard-1-of-1.jsonl");
    while std::fs::metadata(&results).map_or(0, |m| m.len()) < 10_000 {
        assert!(began.elapsed() < Duration::from_secs(120), "no results");
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = child.id().to_string();
    let kill = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let (said, told) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(130), "{told}");
    assert!(said.contains("runs, interrupted,"), "{said}");
    assert!(
        said.contains("seed 0: safety"),
        "the failures found: {said}"
    );
    assert!(told.contains("interrupted after"), "{told}");
    let text = std::fs::read_to_string(&results).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["partial"], true);
    let runs = last["runs"].as_u64().unwrap();
    assert!(runs > 0 && runs < 5000, "interrupted mid-way: {runs}");
    assert_eq!(
        text.lines().count() as u64,
        runs + 1,
        "a line per seed that ran"
    );
    let merged = faultline(&dir, &["merge", "res/raft-kv-shard-1-of-1.jsonl"]);
    let said = stderr(&merged);
    assert_eq!(merged.status.code(), Some(2), "{said}");
    let partial =
        format!("is partial (res/raft-kv-shard-1-of-1.jsonl): it holds seeds 0..{runs} of 0..5000");
    assert!(said.contains(&partial), "{said}");
    // The shard run again whole (as a scheduler requeues it): the merge
    // counts the whole copy once and is no longer partial.
    let whole = faultline(&dir, &[&sweep[..], &["--out", "again"]].concat());
    assert_eq!(whole.status.code(), Some(1), "{}", stderr(&whole));
    let both = [
        "merge",
        "res/raft-kv-shard-1-of-1.jsonl",
        "again/raft-kv-shard-1-of-1.jsonl",
    ];
    let merged = faultline(&dir, &both);
    assert_eq!(merged.status.code(), Some(1), "{}", stderr(&merged));
    assert!(!stderr(&merged).contains("partial"), "{}", stderr(&merged));
    let total = stdout(&merged);
    assert!(total.contains("raft-kv: 5000 runs,"), "{total}");
}
