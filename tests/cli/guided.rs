//! `explore --guided` reproduces from its root seed: the same runs, corpus,
//! coverage growth, failures and artifacts (with their trace hashes), on
//! one thread or two; a failure it finds replays from its artifact with
//! the same hash; and it stops at the first failure when asked.

use crate::common::cli::{faultline, workdir};

fn guided(dir: &std::path::Path, root: &str, jobs: &str) -> serde_json::Value {
    let out = faultline(
        dir,
        &[
            "explore",
            "raft-kv",
            "--bug",
            "commit-previous-term",
            "--guided",
            "--seed",
            root,
            "--seeds",
            "300",
            "--until-failure",
            "--no-regressions",
            "--jobs",
            jobs,
            "--json",
        ],
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a json summary")
}

/// The summary without the artifact paths (each run writes new files).
fn without_paths(mut v: serde_json::Value) -> serde_json::Value {
    for f in v["failures"].as_array_mut().expect("failures") {
        f.as_object_mut().expect("an object").remove("artifact");
    }
    v
}

#[test]
fn a_guided_search_is_the_same_from_the_same_root_on_any_thread_count() {
    let dir = workdir("guided");
    let one = guided(&dir, "4", "1");
    let two = guided(&dir, "4", "2");
    assert_eq!(without_paths(one.clone()), without_paths(two));
    assert!(one["corpus"].as_u64().unwrap() > 0, "{one}");
    let failures = one["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "it stops at the first failure: {one}");
    assert_eq!(one["runs"], failures[0]["run"]);
    let artifact = failures[0]["artifact"].as_str().unwrap();
    let replay = faultline(&dir, &["replay", artifact]);
    assert_eq!(
        replay.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&replay.stdout)
    );
    let other = guided(&dir, "5", "2");
    assert_ne!(
        without_paths(one),
        without_paths(other),
        "another root searches elsewhere"
    );
}

/// `--guided` on a model that declares no coverage probes says that
/// nothing guides the search, rather than search in silence; on a model
/// with probes it says nothing of the kind.
#[test]
fn a_guided_search_without_probes_says_so() {
    let dir = workdir("guided-no-probes");
    let run = |model: &str| {
        let args = [
            "explore",
            model,
            "--guided",
            "--seeds",
            "4",
            "--no-regressions",
        ];
        let out = faultline(&dir, &args);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{model}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let unguided = run("async-kv");
    assert!(
        unguided.contains("declares no coverage probes"),
        "{unguided}"
    );
    let guided = run("register");
    assert!(!guided.contains("declares no coverage probes"), "{guided}");
}
