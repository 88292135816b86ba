//! `faultline explore`, `replay`, `shrink` and `list` end to end: the buggy
//! register is found, shrunk and replayed; the correct one passes; bad input
//! exits 2 and leaves files alone; artifacts are never overwritten.

use crate::common::cli::{faultline, stdout};

fn workdir(name: &str) -> std::path::PathBuf {
    crate::common::cli::workdir(&format!("explore-{name}"))
}

#[test]
fn the_bug_is_found_shrunk_and_replayed() {
    let dir = workdir("bug");
    let out = faultline(
        &dir,
        &[
            "explore",
            "register",
            "--seeds",
            "200",
            "--bug",
            "ack-before-replication",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "a failure was found");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &summary["failed"][0];
    assert_eq!(first["kind"], "linearizability");
    let artifact = first["artifact"].as_str().unwrap().to_string();

    let shrunk = faultline(&dir, &["shrink", &artifact]);
    assert_eq!(
        shrunk.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&shrunk.stderr)
    );
    let text = stdout(&shrunk);
    let faults: usize = text.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!(faults <= 2, "shrunk to at most 2 faults: {text}");
    let shrunk_path = text
        .lines()
        .find_map(|l| l.strip_prefix("wrote "))
        .unwrap()
        .to_string();
    assert_ne!(shrunk_path, artifact, "the original is not overwritten");

    for file in [&artifact, &shrunk_path] {
        let replay = faultline(&dir, &["replay", file]);
        assert_eq!(replay.status.code(), Some(0), "{file}: {}", stdout(&replay));
        let text = stdout(&replay);
        assert!(text.contains("identical to the artifact"), "{text}");
        assert!(
            text.contains("linearizability failure"),
            "the failure reproduces: {text}"
        );
        assert!(text.contains("deliver #"), "the trace is printed");
    }
    let timeline = faultline(&dir, &["replay", "--timeline", &shrunk_path]);
    assert_eq!(timeline.status.code(), Some(0));
    let text = stdout(&timeline);
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("n0") && header.contains("n2") && header.ends_with("faults"),
        "{header}"
    );
    assert!(
        text.contains("op #") && text.contains("<-n"),
        "events sit in node columns"
    );
}

#[test]
fn the_correct_register_passes_a_sweep() {
    let dir = workdir("ok");
    let out = faultline(
        &dir,
        &["explore", "register", "--seeds", "40", "--faults", "all"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with("register: 40 runs, 0 failures"), "{text}");
    assert!(text.contains("latency read: p50"), "{text}");
    assert!(
        !dir.join("target/faultline").exists(),
        "no failure, no artifact"
    );
}

/// A sweep with many failures writes the first `--max-artifacts` of each
/// failure kind, and counts the rest.
#[test]
fn a_sweep_keeps_the_first_artifacts_of_each_failure_kind_and_counts_the_rest() {
    let dir = workdir("cap");
    let args = [
        "explore",
        "register",
        "--bug",
        "ack-before-replication",
        "--seeds",
        "80",
    ];
    let cap = ["--max-artifacts", "2", "--no-regressions", "--json"];
    let out = faultline(&dir, &[&args[..], &cap[..]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let failures: u64 = summary["failures"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    let kinds = summary["failures"].as_object().unwrap().len();
    let written = std::fs::read_dir(dir.join("target/faultline"))
        .unwrap()
        .count();
    let kept = summary["failed"].as_array().unwrap().len();
    assert!(
        failures > 2 * kinds as u64,
        "enough failures to pass the cap: {failures}"
    );
    assert_eq!(written, kept, "one artifact per failure listed");
    assert!(
        kept <= 2 * kinds,
        "at most 2 per kind: {kept} of {kinds} kinds"
    );
    let uncounted = summary["failed_without_artifact"].as_u64().unwrap();
    assert_eq!(kept as u64 + uncounted, failures, "the rest are counted");
}

#[test]
fn artifacts_are_never_overwritten() {
    let dir = workdir("twice");
    for _ in 0..2 {
        let out = faultline(
            &dir,
            &[
                "explore",
                "register",
                "--seed",
                "5",
                "--bug",
                "ack-before-replication",
            ],
        );
        assert_eq!(out.status.code(), Some(1));
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.join("target/faultline"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["register-seed-5-2.json", "register-seed-5.json"]);
}

#[test]
fn bad_input_exits_2_with_a_clear_error() {
    let dir = workdir("bad");
    let cases: [(&[&str], &str); 9] = [
        (&["explore", "raft"], "unknown model `raft`"),
        (
            &["explore", "register", "--report", "no/such/folder/r.html"],
            "--report no/such/folder/r.html: its folder does not exist",
        ),
        (
            &["explore", "register", "--report", "."],
            "--report .: is a folder; name a file",
        ),
        (
            &["explore", "register", "--bug", "nope"],
            "no bug switch `nope`",
        ),
        (
            &["explore", "register", "--faults", "meteors"],
            "invalid value 'meteors' for '--faults",
        ),
        (
            &["explore", "register", "--seeds", "0"],
            "--seeds must be at least 1",
        ),
        (&["replay", "missing.json"], "cannot read missing.json"),
        (
            &["explore", "raft-kv", "--faults", "surge"],
            "--faults surge: raft-kv takes none of its faults (surge)",
        ),
        (
            &["explore", "async-kv", "--faults", "scale", "--guided"],
            "--faults scale: async-kv takes none of its faults (scale)",
        ),
    ];
    for (args, expect) in cases {
        let out = faultline(&dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}

/// A truncated and a corrupt artifact, and a report that cannot be
/// written: exit 2, the problem named, every file untouched.
#[test]
fn bad_artifacts_exit_2_and_stay_untouched() {
    let dir = workdir("bad-artifacts");
    let good = faultline(
        &dir,
        &[
            "explore",
            "register",
            "--seed",
            "1",
            "--bug",
            "ack-before-replication",
            "--json",
        ],
    );
    let summary: serde_json::Value = serde_json::from_slice(&good.stdout).unwrap();
    let artifact = summary["failed"][0]["artifact"]
        .as_str()
        .unwrap()
        .to_string();
    let text = std::fs::read_to_string(dir.join(&artifact)).unwrap();
    let variants = [
        (
            "truncated.json",
            text[..text.len() / 2].to_string(),
            "not a valid artifact: line",
        ),
        (
            "wrong-model.json",
            text.replace("\"register\"", "\"raft\""),
            "unknown model `raft`",
        ),
        (
            "bad-node.json",
            text.replacen("\"node\": ", "\"node\": 9", 1),
            "not a valid artifact",
        ),
    ];
    // A report that cannot be written: exit 2, the artifact untouched.
    let out = faultline(&dir, &["replay", &artifact, "--html", "no/such/r.html"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no/such/r.html: its folder does not exist"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 2, "{err}"); // the replay line, then the error
    assert_eq!(std::fs::read_to_string(dir.join(&artifact)).unwrap(), text);
    for (name, body, expect) in variants {
        std::fs::write(dir.join(name), &body).unwrap();
        for cmd in ["replay", "shrink"] {
            let out = faultline(&dir, &[cmd, name]);
            assert_eq!(out.status.code(), Some(2), "{cmd} {name}");
            assert!(
                String::from_utf8_lossy(&out.stderr).contains(expect),
                "{cmd} {name}"
            );
            assert_eq!(
                std::fs::read_to_string(dir.join(name)).unwrap(),
                body,
                "{name} is left untouched"
            );
        }
    }
}

#[test]
fn list_names_models_invariants_and_bugs() {
    let out = faultline(&workdir("list"), &["list"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("register:")
            && text.contains("unique timestamps")
            && text.contains("ack-before-replication")
    );
}

#[test]
fn the_models_pass_and_their_bugs_are_found_shrunk_and_replayed() {
    for (model, bug, seeds) in [
        ("raft-kv", "read-from-follower", "20"),
        ("primary-backup", "ack-before-backup", "20"),
        ("leased-work", "no-fencing", "40"),
    ] {
        let dir = workdir(model);
        let ok = faultline(&dir, &["explore", model, "--seeds", "20"]);
        let text = stdout(&ok);
        assert_eq!(ok.status.code(), Some(0), "{text}");
        assert!(
            text.starts_with(&format!("{model}: 20 runs, 0 failures")),
            "{text}"
        );
        assert!(
            text.contains("latency ") && text.contains(": p50"),
            "{text}"
        );

        let out = faultline(
            &dir,
            &["explore", model, "--seeds", seeds, "--bug", bug, "--json"],
        );
        assert_eq!(out.status.code(), Some(1), "{model} {bug} is found");
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let artifact = summary["failed"][0]["artifact"]
            .as_str()
            .unwrap()
            .to_string();
        let shrunk = faultline(&dir, &["shrink", &artifact]);
        assert_eq!(shrunk.status.code(), Some(0), "{}", stdout(&shrunk));
        let shrunk_path = stdout(&shrunk)
            .lines()
            .find_map(|l| l.strip_prefix("wrote "))
            .unwrap()
            .to_string();
        for file in [&artifact, &shrunk_path] {
            let replay = faultline(&dir, &["replay", file]);
            let text = stdout(&replay);
            assert_eq!(replay.status.code(), Some(0), "{file}: {text}");
            assert!(text.contains("identical to the artifact"), "{text}");
        }
    }
    let list = stdout(&faultline(&workdir("list-kv"), &["list"]));
    for name in [
        "raft-kv:",
        "leader completeness",
        "commit-previous-term",
        "primary-backup:",
        "promote-stale-backup",
        "leased-work:",
        "no two live leases",
    ] {
        assert!(list.contains(name), "{name} in {list}");
    }
}

#[test]
fn a_sweep_report_writes_run_reports_for_the_first_twenty_failures_only() {
    let dir = workdir("report-cap");
    let out = faultline(
        &dir,
        &[
            "explore",
            "register",
            "--bug",
            "ack-before-replication",
            "--seeds",
            "25",
            "--max-artifacts",
            "100",
            "--no-regressions",
            "--artifacts",
            "a",
            "--report",
            "sweep.html",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let count = |ext: &str| {
        std::fs::read_dir(dir.join("a"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == ext)
            })
            .count()
    };
    assert_eq!(count("json"), 25);
    assert_eq!(count("html"), faultline::MAX_RUN_REPORTS);
    let page = std::fs::read_to_string(dir.join("sweep.html")).unwrap();
    assert_eq!(
        page.matches("run report</a>").count(),
        faultline::MAX_RUN_REPORTS
    );
    assert_eq!(page.matches("(replay --html)").count(), 5);
}

/// A mix some of whose kinds the model never draws runs, and says which
/// it runs without.
#[test]
fn a_mix_the_model_takes_only_in_part_is_named_in_a_warning() {
    let out = faultline(
        &workdir("mix-in-part"),
        &["explore", "register", "--faults", "upgrade", "--seeds", "1"],
    );
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: register takes no upgrade faults; `upgrade` runs without them"),
        "{err}"
    );
    let all = faultline(
        &workdir("mix-all"),
        &["explore", "register", "--seeds", "1"],
    );
    assert!(!String::from_utf8_lossy(&all.stderr).contains("warning"));
}

/// Without `--artifacts` or `$FAULTLINE_ARTIFACTS`, the command line
/// writes its artifacts where `cargo test` sweeps write theirs:
/// `faultline/` in the cargo target directory it was built in, not under
/// the directory it runs in.
#[test]
fn the_command_line_writes_artifacts_where_tests_do() {
    let dir = workdir("one-place");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["explore", "register", "--bug", "ack-before-replication"])
        .args(["--seed", "0", "--no-regressions", "--json"])
        .current_dir(&dir)
        .env_remove("FAULTLINE_ARTIFACTS")
        .output()
        .expect("run faultline");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let path = summary["failed"][0]["artifact"]
        .as_str()
        .expect("an artifact");
    let path = std::path::Path::new(path);
    let place = path.parent().expect("in a folder");
    let target = place.parent().expect("in the target directory");
    let test = std::env::current_exe().unwrap();
    assert!(place.ends_with("faultline"), "{}", path.display());
    assert!(target.join("CACHEDIR.TAG").is_file(), "{}", path.display());
    assert!(
        test.starts_with(target),
        "the tests' target: {}",
        path.display()
    );
    assert!(path.is_file() && !dir.join("target").exists());
    std::fs::remove_file(path).unwrap();
}
