//! A sweep split into shards, run as separate processes with the variables
//! cluster engines set, and merged, is the sweep run whole: the same runs,
//! failures, failing seeds, operation counts, latencies and trace hashes.
//! `merge` reports missing and duplicated shards, and seeds that ran
//! differently.

use crate::common::cli::{seed_lines, stdout, workdir};
use std::path::Path;
use std::process::{Command, Output};

fn faultline_with(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_faultline"));
    cmd.args(args)
        .current_dir(dir)
        .env("FAULTLINE_ARTIFACTS", dir.join("target/faultline"));
    for var in [
        "FAULTLINE_SHARD",
        "FAULTLINE_SHARD_INDEX",
        "FAULTLINE_SHARD_COUNT",
        "JOB_COMPLETION_INDEX",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run faultline")
}

fn summary_without_speed(o: &Output) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a JSON summary");
    v.as_object_mut().unwrap().remove("seeds_per_s");
    for f in v["failed"].as_array_mut().unwrap() {
        f.as_object_mut().unwrap().remove("artifact"); // paths differ by directory
    }
    v
}

#[test]
fn four_shards_merged_are_the_whole_sweep() {
    let dir = workdir("shards-four");
    // Every failure keeps its artifact (the cap is per run: four shards
    // under it would keep more than one whole sweep).
    let sweep = [
        "explore",
        "raft-kv",
        "--seeds",
        "60",
        "--bug",
        "read-from-follower",
        "--max-artifacts",
        "1000",
        "--json",
    ];
    let whole = faultline_with(
        &dir,
        &[&sweep[..], &["--out", "whole", "--artifacts", "a-whole"]].concat(),
        &[],
    );
    assert_eq!(
        whole.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&whole.stderr)
    );
    for index in 0..4 {
        let env = [
            ("JOB_COMPLETION_INDEX", index.to_string()),
            ("FAULTLINE_SHARD_COUNT", "4".to_string()),
        ];
        let part = faultline_with(
            &dir,
            &[&sweep[..], &["--out", "parts", "--artifacts", "a-parts"]].concat(),
            &env,
        );
        assert!(
            matches!(part.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&part.stderr)
        );
    }
    let merged = faultline_with(&dir, &["merge", "parts", "--json"], &[]);
    assert_eq!(
        merged.status.code(),
        Some(1),
        "a failure was found: {}",
        stdout(&merged)
    );
    let (w, m) = (
        summary_without_speed(&whole),
        summary_without_speed(&merged),
    );
    assert_eq!(w, m);
    assert!(
        w["failed"].as_array().unwrap().len() > 10,
        "failing seeds are compared: {w}"
    );
    assert_eq!(
        seed_lines(&dir.join("whole")),
        seed_lines(&dir.join("parts"))
    );
    assert_eq!(seed_lines(&dir.join("parts")).len(), 60);
}

#[test]
fn merge_reports_missing_duplicated_and_divergent_shards() {
    let dir = workdir("shards-problems");
    for index in 1..=3 {
        let env = [
            ("FAULTLINE_SHARD_INDEX", index.to_string()),
            ("FAULTLINE_SHARD_COUNT", "3".to_string()),
        ];
        faultline_with(
            &dir,
            &["explore", "register", "--seeds", "12", "--out", "r"],
            &env,
        );
    }
    let ok = faultline_with(&dir, &["merge", "r"], &[]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(
        stdout(&ok).starts_with("register: 12 runs, 0 failures"),
        "{}",
        stdout(&ok)
    );
    let first = dir.join("r/register-shard-1-of-3.jsonl");
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(dir.join("r/copy.jsonl"), &text).unwrap();
    let dup = faultline_with(&dir, &["merge", "r"], &[]);
    assert_eq!(dup.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&dup.stderr).contains("appears twice"));
    // The copy's first hash is changed, as a machine that ran differently would.
    let at = text.find("\"trace_hash\":\"").unwrap() + 14;
    let flipped = if &text[at..at + 1] == "0" { "1" } else { "0" };
    std::fs::write(
        dir.join("r/copy.jsonl"),
        format!("{}{flipped}{}", &text[..at], &text[at + 1..]),
    )
    .unwrap();
    let diverged = faultline_with(&dir, &["merge", "r"], &[]);
    assert_eq!(diverged.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&diverged.stderr).contains("DETERMINISM FAILURE: seed 0"));
    std::fs::remove_file(dir.join("r/copy.jsonl")).unwrap();
    std::fs::remove_file(dir.join("r/register-shard-2-of-3.jsonl")).unwrap();
    let missing = faultline_with(&dir, &["merge", "r"], &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("missing shards 2/3"));
}

#[test]
fn the_flag_wins_over_the_environment_and_bad_shards_exit_2() {
    let dir = workdir("shards-flag");
    let env = [("FAULTLINE_SHARD", "1/2".to_string())];
    let out = faultline_with(
        &dir,
        &[
            "explore", "register", "--seeds", "4", "--shard", "2/2", "--out", "r",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.join("r/register-shard-2-of-2.jsonl").is_file());
    for bad in ["0/2", "3/2", "2", "a/b"] {
        let out = faultline_with(
            &dir,
            &["explore", "register", "--seeds", "4", "--shard", bad],
            &[],
        );
        assert_eq!(out.status.code(), Some(2), "--shard {bad}");
    }
    let env = [("JOB_COMPLETION_INDEX", "1".to_string())];
    let out = faultline_with(&dir, &["explore", "register", "--seeds", "4"], &env);
    assert_eq!(out.status.code(), Some(2), "an index without a count");
    assert!(String::from_utf8_lossy(&out.stderr).contains("FAULTLINE_SHARD_COUNT"));
}

/// Counts no sweep produces are refused, not summed: a seed with more
/// operations ok than it had, and sums that would wrap. A huge shard count
/// names its missing shards as one range.
#[test]
fn merge_refuses_impossible_counts_and_names_missing_shards_as_ranges() {
    let dir = workdir("shards-counts");
    let run = ["explore", "register", "--seeds", "2", "--out", "r"];
    let ran = faultline_with(&dir, &run, &[]);
    assert_eq!(ran.status.code(), Some(0));
    let file = dir.join("r/register-shard-1-of-1.jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rewrite = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut edited = lines.clone();
        edited
            .iter_mut()
            .filter(|l| l["type"] == "seed")
            .for_each(edit);
        let out: Vec<String> = edited.iter().map(|l| l.to_string()).collect();
        std::fs::write(&file, out.join("\n") + "\n").unwrap();
        faultline_with(&dir, &["merge", "r"], &[])
    };
    let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).to_string();
    let huge = rewrite(&|l| {
        l["ops"] = serde_json::json!(u64::MAX - 5);
        l["ok"] = serde_json::json!(0);
    });
    assert_eq!(huge.status.code(), Some(2), "{}", stdout(&huge));
    assert!(
        stderr(&huge).contains("the ops counts overflow"),
        "{}",
        stderr(&huge)
    );
    let more_ok = rewrite(&|l| l["ok"] = serde_json::json!(l["ops"].as_u64().unwrap() + 1));
    assert_eq!(more_ok.status.code(), Some(2));
    assert!(stderr(&more_ok).contains("seed 0:"), "{}", stderr(&more_ok));
    // The one shard of a sweep cut in 1,048,576.
    std::fs::remove_file(&file).unwrap();
    let sharded = ["explore", "register", "--seeds", "2", "--out", "r"];
    let env = [("FAULTLINE_SHARD", "1/1048576".to_string())];
    assert_eq!(faultline_with(&dir, &sharded, &env).status.code(), Some(0));
    let missing = faultline_with(&dir, &["merge", "r"], &[]);
    assert_eq!(missing.status.code(), Some(2));
    let said = stderr(&missing);
    assert!(
        said.contains("missing shards 2-1048576 of 1048576"),
        "{said}"
    );
    assert!(said.len() < 1000, "one range, not a million shards");
}

/// Shards run with different settings are refused by name: one with
/// `--no-buggify`, one from another faultline version.
#[test]
fn merge_refuses_shards_of_different_settings_and_names_the_setting() {
    let dir = workdir("shards-settings");
    let shard = |k: &str, extra: &[&str]| {
        let mut args = vec!["explore", "register", "--seeds", "4", "--out", "r"];
        args.extend_from_slice(extra);
        let env = [("FAULTLINE_SHARD", format!("{k}/2"))];
        assert_eq!(faultline_with(&dir, &args, &env).status.code(), Some(0));
    };
    shard("1", &[]);
    shard("2", &["--no-buggify"]);
    let merged = faultline_with(&dir, &["merge", "r"], &[]);
    let said = String::from_utf8_lossy(&merged.stderr).to_string();
    assert_eq!(merged.status.code(), Some(2), "{said}");
    assert!(
        said.contains("its fault points (--no-buggify) differs"),
        "{said}"
    );
    std::fs::remove_file(dir.join("r/register-shard-2-of-2.jsonl")).unwrap();
    shard("2", &[]);
    let file = dir.join("r/register-shard-2-of-2.jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    let version = format!("\"faultline_version\":\"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&version));
    std::fs::write(
        &file,
        text.replace(&version, "\"faultline_version\":\"0.0.1\""),
    )
    .unwrap();
    let merged = faultline_with(&dir, &["merge", "r"], &[]);
    let said = String::from_utf8_lossy(&merged.stderr).to_string();
    assert_eq!(merged.status.code(), Some(2), "{said}");
    assert!(said.contains("its faultline version differs"), "{said}");
}

/// `merge` streams a results file line by line: a line past the cap, or an
/// input that never ends (`/dev/zero`), is refused at once with the line's
/// number, without reading the rest into memory.
#[test]
fn merge_streams_and_refuses_a_line_past_the_cap_and_an_endless_input() {
    let dir = workdir("merge-stream");
    let long = format!(
        "{{\"type\":\"seed\",\"seed\":0,\"trace_hash\":\"{}\"}}\n",
        "a".repeat(3 << 20)
    );
    std::fs::write(dir.join("long.jsonl"), format!("\n{long}")).unwrap();
    let out = faultline_with(&dir, &["merge", "long.jsonl"], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("long.jsonl:2: a line longer than"), "{err}");
    let out = faultline_with(&dir, &["merge", "/dev/zero"], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("/dev/zero:1: a line longer than"), "{err}");
}
