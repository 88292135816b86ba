//! `faultline shrink` takes the Raft paper's figure-8 failure
//! (`commit-previous-term`) down to the few leader cuts it needs:
//! delta debugging alone stops at a dozen faults, because the isolations
//! left are timed for a run that had them all; dropping one and moving the
//! others (`sim::reshape`) gets past that. Each isolation left is then
//! pinned to the leader it hit (`sim::narrow`). The shrunk artifact replays.

use crate::common::cli::{faultline, stdout, workdir};

/// The faults and the reruns from `shrunk to N faults in M reruns`.
fn shrunk_size(text: &str) -> (usize, usize) {
    let words: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(words.first(), Some(&"shrunk"), "{text}");
    (words[2].parse().unwrap(), words[5].parse().unwrap())
}

#[test]
fn the_figure_8_failure_shrinks_to_a_few_leader_cuts() {
    let dir = workdir("figure-8");
    let explore = [
        "explore",
        "raft-kv",
        "--bug",
        "commit-previous-term",
        "--start",
        "801",
        "--seeds",
        "1",
        "--no-regressions",
        "--json",
    ];
    let out = faultline(&dir, &explore);
    // Seed 1029 was this test's until raft-kv gained pre-vote, which makes
    // figure 8 rarer; of the first eight failing seeds since with a storm of
    // faults, seed 801's shrinks furthest within this budget.
    assert_eq!(out.status.code(), Some(1), "seed 801 fails");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let artifact = summary["failed"][0]["artifact"]
        .as_str()
        .unwrap()
        .to_string();
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(&artifact)).unwrap()).unwrap();
    let planned = original["plan"]["faults"].as_array().unwrap().len();
    assert!(planned > 100, "a storm of isolations: {planned}");

    // Enough reruns to get there (about 1,100), not to prove it minimal.
    let shrink = faultline(&dir, &["shrink", &artifact, "--max-trials", "1500"]);
    assert_eq!(shrink.status.code(), Some(0));
    let text = stdout(&shrink);
    let (faults, reruns) = shrunk_size(&text);
    assert!(faults <= 6, "a few cuts, two never healed: {text}");
    assert!(reruns <= 1_600, "{text}");
    // Three or four cuts of successive leaders, each pinned to the node it
    // hit and narrowed (a tenth of the reruns is kept for that).
    let cuts = text
        .lines()
        .filter(|l| l.contains(" ms .. ") && (l.contains("isolate n") || l.contains("cut n")));
    assert!((3..=4).contains(&cuts.count()), "{text}");
    assert!(!text.contains("the focus"), "{text}");
    assert!(text.contains("leader completeness"), "{text}");

    let written = text.lines().find_map(|l| l.strip_prefix("wrote ")).unwrap();
    let replay = faultline(&dir, &["replay", written]);
    assert_eq!(replay.status.code(), Some(0), "{}", stdout(&replay));
    assert!(stdout(&replay).contains("identical to the artifact"));
}
