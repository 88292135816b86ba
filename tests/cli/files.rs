//! The files faultline writes, through the command line: a report never
//! lands on an existing file (an artifact, the regression file, anything
//! else), and is refused before the sweep starts; two sweeps that keep
//! failures in one regression file at once both land; a symlinked
//! regression file stays a link, and its target is updated.

use crate::common::cli::{faultline, stderr, stdout, workdir};
use std::path::Path;

/// A sweep that fails at its first seeds, and keeps them in `file`.
fn failing_sweep<'a>(start: &'a str, file: &'a str) -> Vec<&'a str> {
    vec![
        "explore",
        "raft-kv",
        "--bug",
        "read-from-follower",
        "--faults",
        "none",
        "--start",
        start,
        "--seeds",
        "1",
        "--regressions",
        file,
    ]
}

fn entries(file: &Path) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let kept: serde_json::Value = serde_json::from_str(&text).unwrap();
    kept["entries"].as_array().unwrap().len()
}

#[test]
fn a_report_is_refused_on_any_existing_file_before_the_sweep() {
    let dir = workdir("files-report");
    std::fs::write(dir.join("mine.html"), "my notes").unwrap();
    let over = [
        "explore",
        "register",
        "--seeds",
        "2",
        "--report",
        "mine.html",
    ];
    let out = faultline(&dir, &over);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert!(!stdout(&out).contains("runs,"), "refused before the sweep");
    assert!(!dir.join("target").exists(), "no run wrote an artifact");
    assert_eq!(
        std::fs::read_to_string(dir.join("mine.html")).unwrap(),
        "my notes"
    );
    // The regression file, even before it exists.
    let mut same = failing_sweep("0", "r.json");
    same.extend(["--report", "r.json"]);
    let out = faultline(&dir, &same);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is the regression file"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("r.json").exists());
    // replay --html onto the artifact it replays.
    let kept = faultline(&dir, &failing_sweep("0", "kept.json"));
    assert_eq!(kept.status.code(), Some(1), "{}", stderr(&kept));
    let artifact = "target/faultline/raft-kv-seed-0.json";
    let before = std::fs::read(dir.join(artifact)).unwrap();
    let out = faultline(&dir, &["replay", artifact, "--html", artifact]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.join(artifact)).unwrap(), before);
}

#[test]
fn two_sweeps_keeping_failures_in_one_file_at_once_both_land() {
    let dir = workdir("files-race");
    let exe = env!("CARGO_BIN_EXE_faultline");
    for round in 0..8 {
        let file = format!("r{round}.json");
        let children: Vec<_> = ["0", "1"]
            .iter()
            .map(|start| {
                std::process::Command::new(exe)
                    .args(failing_sweep(start, &file))
                    .current_dir(&dir)
                    .env("FAULTLINE_ARTIFACTS", dir.join("target/faultline"))
                    .stderr(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut c in children {
            assert_eq!(c.wait().unwrap().code(), Some(1));
        }
        assert_eq!(
            entries(&dir.join(&file)),
            2,
            "round {round}: both seeds kept"
        );
    }
}

#[test]
fn a_symlinked_regression_file_stays_a_link_and_its_target_is_updated() {
    let dir = workdir("files-link");
    std::fs::create_dir_all(dir.join("shared")).unwrap();
    std::os::unix::fs::symlink("shared/real.json", dir.join("link.json")).unwrap();
    let out = faultline(&dir, &failing_sweep("0", "link.json"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let link = dir.join("link.json");
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(entries(&dir.join("shared/real.json")), 1);
}
