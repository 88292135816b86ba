//! The regression file through `faultline explore`: a failure is kept (with
//! its shrunk plan), re-run first by the next sweep of the model and bug
//! switch, reported as fixed once it passes (and kept until removed); a
//! malformed file is reported, exit 2, and left untouched.

use crate::common::cli::{faultline, stderr, workdir};

#[test]
fn a_failure_is_kept_re_run_first_and_reported_fixed() {
    let dir = workdir("regressions-kept");
    // Outside a project the file is opt-in: the first sweep names it, and
    // later sweeps find it here.
    let hunt = [
        "explore",
        "raft-kv",
        "--bug",
        "read-from-follower",
        "--seeds",
        "3",
        "--faults",
        "none",
        "--regressions",
        "faultline-regressions.json",
    ];
    let first = faultline(&dir, &hunt);
    assert_eq!(first.status.code(), Some(1));
    let file = dir.join("faultline-regressions.json");
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let entries = kept["entries"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        1,
        "one failure kind, its lowest seed: {kept}"
    );
    assert_eq!(entries[0]["model"], "raft-kv");
    assert_eq!(entries[0]["bug"], "read-from-follower");
    assert_eq!(entries[0]["seed"], 0);
    // The next sweep re-runs it first (even one that starts elsewhere).
    let again = faultline(
        &dir,
        &[
            "explore",
            "raft-kv",
            "--bug",
            "read-from-follower",
            "--start",
            "100",
            "--seeds",
            "1",
        ],
    );
    assert!(
        stderr(&again).contains("kept failure, seed 0") && stderr(&again).contains("fails again"),
        "{}",
        stderr(&again)
    );
    // The same plan with the bug switched off passes: fixed, and still kept.
    let without_bug = std::fs::read_to_string(&file)
        .unwrap()
        .replace("\"bug\": \"read-from-follower\"", "\"bug\": null");
    std::fs::write(&file, &without_bug).unwrap();
    let fixed = faultline(&dir, &["explore", "raft-kv", "--seeds", "2"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    assert!(
        stderr(&fixed).contains("fixed, it no longer fails"),
        "{}",
        stderr(&fixed)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        without_bug,
        "a fixed entry stays"
    );
}

/// A sweep in a folder that is no project keeps no file unless asked, and
/// says how to ask.
#[test]
fn outside_a_project_no_regression_file_is_written_unasked() {
    let dir = workdir("regressions-bare");
    let hunt = [
        "explore",
        "raft-kv",
        "--bug",
        "read-from-follower",
        "--seeds",
        "2",
    ];
    let out = faultline(&dir, &hunt);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!dir.join("faultline-regressions.json").exists());
    assert!(
        stderr(&out).contains("keep failures with --regressions"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_malformed_file_is_reported_and_left_alone_and_it_can_be_turned_off() {
    let dir = workdir("regressions-bad");
    let file = dir.join("faultline-regressions.json");
    std::fs::write(
        &file,
        "{\"faultline_regressions\": 1, \"entries\": [{\"seed\": \"x\"}]}",
    )
    .unwrap();
    let before = std::fs::read(&file).unwrap();
    let out = faultline(&dir, &["explore", "register", "--seeds", "2"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("faultline-regressions.json: line 1"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let off = faultline(
        &dir,
        &[
            "explore",
            "raft-kv",
            "--bug",
            "read-from-follower",
            "--seeds",
            "2",
            "--no-regressions",
        ],
    );
    assert_eq!(off.status.code(), Some(1));
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "--no-regressions neither reads nor writes it"
    );
}

/// Keeps one failure of raft-kv in `r.json` in a fresh `dir`, changes
/// the kept file with `edit`, and runs the same sweep again: returns its
/// stderr after checking that it exits 2 and leaves the file as edited.
fn edited_entry_is_refused(dir: &str, edit: impl FnOnce(&str) -> String) -> String {
    let dir = workdir(dir);
    let keep = [
        "explore",
        "raft-kv",
        "--bug",
        "read-from-follower",
        "--faults",
        "none",
        "--seeds",
        "1",
        "--regressions",
        "r.json",
    ];
    assert_eq!(faultline(&dir, &keep).status.code(), Some(1));
    let file = dir.join("r.json");
    let text = std::fs::read_to_string(&file).unwrap();
    let bad = edit(&text);
    assert_ne!(bad, text, "the edit changes the entry");
    std::fs::write(&file, &bad).unwrap();
    let again = faultline(&dir, &keep);
    let err = stderr(&again);
    assert_eq!(again.status.code(), Some(2), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), bad);
    err
}

/// A kept failure with a mix no faultline knows is bad input (it ran as
/// `all`, under faults it was not found with): exit 2, the entry named,
/// the file untouched.
#[test]
fn an_entry_with_an_unknown_mix_is_refused() {
    let err = edited_entry_is_refused("regressions-unknown-mix", |text| {
        text.replace("\"faults\": \"none\"", "\"faults\": \"meteors\"")
    });
    assert!(
        err.contains("r.json: kept failure, seed 0: faults: unknown fault mix `meteors`"),
        "{err}"
    );
}

/// A kept failure that lists a fault point the model does not have is bad
/// input, named with its seed and the model's fault points; the file is
/// left as it was. Before, the site silently never fired.
#[test]
fn an_entry_with_an_unknown_fault_point_is_refused() {
    let err = edited_entry_is_refused("regressions-unknown-site", |text| {
        let mut kept: serde_json::Value = serde_json::from_str(text).unwrap();
        kept["entries"][0]["buggify"] = serde_json::json!(["raft-kv: no such site"]);
        serde_json::to_string_pretty(&kept).unwrap()
    });
    assert!(
        err.contains("r.json: kept failure, seed 0: buggify lists `raft-kv: no such site`")
            && err.contains("it has: raft-kv: election timeout cut short"),
        "{err}"
    );
}
