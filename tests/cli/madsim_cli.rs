//! The madsim models through the command line: `list` shows them, `explore`
//! finds the async service's bug and writes an artifact, and `replay` in a
//! fresh process reproduces the run with an identical history hash.
#![cfg(madsim)]

use crate::common::cli::faultline;

fn workdir(name: &str) -> std::path::PathBuf {
    crate::common::cli::workdir(&format!("madsim-cli-{name}"))
}

#[test]
fn list_names_the_madsim_models() {
    let out = faultline(&workdir("list"), &["list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("async-kv: "), "{text}");
    assert!(text.contains("raft-kv-madsim: "), "{text}");
    assert!(text.contains("host: madsim"), "{text}");
}

#[test]
fn a_failing_madsim_seed_replays_from_its_artifact() {
    let dir = workdir("replay");
    let out = faultline(
        &dir,
        &[
            "explore",
            "async-kv",
            "--seeds",
            "200",
            "--faults",
            "partitions",
            "--bug",
            "unawaited-replication",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "the bug was found");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &summary["failed"][0];
    assert_eq!(first["kind"], "invariant");
    let artifact = first["artifact"].as_str().unwrap().to_string();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(&artifact)).unwrap()).unwrap();

    let replayed = faultline(&dir, &["replay", &artifact]);
    let text = String::from_utf8_lossy(&replayed.stdout);
    assert_eq!(replayed.status.code(), Some(0), "{text}");
    let hash = written["trace_hash"].as_str().unwrap();
    assert!(
        text.contains(&format!("history hash {hash}: identical to the artifact")),
        "{text}"
    );
    assert!(text.contains("lacks client"), "the same failure: {text}");
    for event in [
        "client op #",
        "reply to op #",
        " send #",
        " deliver #",
        "fault {",
    ] {
        assert!(
            text.contains(event),
            "the event trace shows `{event}`: {text}"
        );
    }
}

#[test]
fn the_correct_service_passes_a_short_sweep() {
    let out = faultline(
        &workdir("sweep"),
        &["explore", "async-kv", "--seeds", "40", "--json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["runs"], 40);
    assert!(summary["ops"].as_u64().unwrap() > 1000);
}
