//! The hostile-input contract, as a property: valid artifacts and histories,
//! corrupted (truncated, bit-flipped, duplicated, nested, enlarged,
//! retyped), make `faultline` exit 0, 1 or 2, never panic, finish within
//! 20 s and 1 GB, and leave the input untouched.
//!
//! CI runs a few dozen cases of each; `FAULTLINE_HOSTILE_CASES=10000 cargo
//! test --release --test cli hostile_fuzz` runs the full suite docs/reliability.md
//! quotes. Peak memory is read with GNU `time` (`crate::common::tools`: where it is
//! missing the tests are skipped, unless `FAULTLINE_REQUIRE_TOOLS` is set, as
//! `.ci/run` sets it).

use crate::common::cli::{faultline, workdir};
use crate::common::tools::{require, Tool};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRng, TestRunner};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest a case may run.
const TIME_LIMIT: Duration = Duration::from_secs(20);
/// The most memory a case may use, in kilobytes.
const MEMORY_LIMIT_KB: u64 = 1 << 20;

fn cases() -> u32 {
    let var = std::env::var("FAULTLINE_HOSTILE_CASES").ok();
    var.and_then(|v| v.parse().ok()).unwrap_or(24)
}

/// One way to spoil a text.
#[derive(Clone, Debug)]
enum Corruption {
    Truncate(usize),
    FlipBit(usize, u8),
    Duplicate(usize, usize),
    Nest(usize, usize),
    Enlarge(usize, &'static str),
    Retype(usize, &'static str),
}

fn corruption() -> impl Strategy<Value = Corruption> {
    let big = prop::sample::select(vec![
        "18446744073709551615",
        "-9223372036854775809",
        "1e999",
        "-1",
    ]);
    let other = prop::sample::select(vec!["null", "\"s\"", "[]", "{}", "true", "nil", ":kw"]);
    prop_oneof![
        any::<usize>().prop_map(Corruption::Truncate),
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Corruption::FlipBit(at, bit)),
        (any::<usize>(), 1usize..200).prop_map(|(at, len)| Corruption::Duplicate(at, len)),
        (any::<usize>(), 1usize..3000).prop_map(|(at, depth)| Corruption::Nest(at, depth)),
        (any::<usize>(), big).prop_map(|(at, n)| Corruption::Enlarge(at, n)),
        (any::<usize>(), other).prop_map(|(at, v)| Corruption::Retype(at, v)),
    ]
}

/// `text` spoiled by `c` (positions are taken modulo the length).
fn spoil(text: &[u8], c: &Corruption) -> Vec<u8> {
    let at = |i: usize| i % text.len().max(1);
    let mut out = text.to_vec();
    match *c {
        Corruption::Truncate(i) => out.truncate(at(i)),
        Corruption::FlipBit(i, bit) => out[at(i)] ^= 1 << bit,
        Corruption::Duplicate(i, len) => {
            let (from, to) = (at(i), (at(i) + len).min(text.len()));
            out.splice(from..from, text[from..to].iter().copied());
        }
        Corruption::Nest(i, depth) => {
            let i = at(i);
            out.splice(i..i, std::iter::repeat_n(b'[', depth));
            out.extend(std::iter::repeat_n(b']', depth));
        }
        Corruption::Enlarge(i, n) | Corruption::Retype(i, n) => {
            // Replace the number or token at (or after) i.
            let i = at(i);
            let start = (i..text.len())
                .find(|&j| text[j].is_ascii_alphanumeric())
                .unwrap_or(i);
            let end = (start..text.len())
                .find(|&j| !text[j].is_ascii_alphanumeric())
                .unwrap_or(text.len());
            out.splice(start..end, n.bytes());
        }
    }
    out
}

/// What the cases did: exit codes, the slowest, the peak memory (KB).
#[derive(Debug, Default)]
struct Seen {
    exits: [u64; 3],
    slowest: Duration,
    peak_kb: u64,
}

/// Runs `faultline ARGS` on a spoiled copy of an input; checks the contract.
fn run_case(
    time: &Path,
    dir: &Path,
    name: &str,
    body: &[u8],
    args: &[&str],
    seen: &mut Seen,
) -> Result<(), TestCaseError> {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    let rss_file = dir.join(format!("{name}.rss"));
    let mut child = Command::new(time)
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .arg(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .arg(&path)
        .current_dir(dir)
        .env("FAULTLINE_ARTIFACTS", dir.join("target/faultline"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("GNU time runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(TestCaseError::fail(format!(
                "{args:?} {name}: over {TIME_LIMIT:?}"
            )));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    prop_assert!(
        matches!(status.code(), Some(0..=2)),
        "{args:?} {name}: {status:?}\n{err}"
    );
    prop_assert!(!err.contains("panicked"), "{args:?} {name}: a panic\n{err}");
    let rss = crate::common::tools::peak_kb(&rss_file);
    prop_assert!(rss.is_some(), "{args:?} {name}: GNU time wrote no peak");
    let rss = rss.unwrap_or_default();
    prop_assert!(rss < MEMORY_LIMIT_KB, "{args:?} {name}: {rss} KB");
    seen.exits[status.code().unwrap_or(0) as usize] += 1;
    seen.slowest = seen.slowest.max(started.elapsed());
    seen.peak_kb = seen.peak_kb.max(rss);
    prop_assert_eq!(
        std::fs::read(&path).unwrap(),
        body.to_vec(),
        "the input is untouched"
    );
    Ok(())
}

fn fuzz(inputs: Vec<(PathBuf, Vec<Vec<&str>>)>, tag: &str) {
    let Some(time) = require(Tool::GnuTime, tag) else {
        return;
    };
    let dir = workdir(tag);
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(config.rng_algorithm);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let corpus: Vec<(Vec<u8>, Vec<Vec<&str>>)> = inputs
        .into_iter()
        .map(|(p, cmds)| (std::fs::read(p).unwrap(), cmds))
        .collect();
    let strategy = (0..corpus.len(), corruption(), any::<prop::sample::Index>());
    let seen = std::cell::RefCell::new(Seen::default());
    runner
        .run(&strategy, |(which, c, cmd)| {
            let (text, cmds) = &corpus[which];
            let body = spoil(text, &c);
            let args = cmd.get(cmds);
            run_case(
                &time,
                &dir,
                &format!("case-{which}"),
                &body,
                args,
                &mut seen.borrow_mut(),
            )
        })
        .unwrap();
    let seen = seen.into_inner();
    eprintln!(
        "{tag}: {} cases; exits 0/1/2: {:?}; slowest {:?}; peak {} KB",
        cases(),
        seen.exits,
        seen.slowest,
        seen.peak_kb
    );
}

/// A failing register artifact, as `explore` writes it.
fn artifact(dir: &Path) -> PathBuf {
    let out = faultline(
        dir,
        &[
            "explore",
            "register",
            "--seed",
            "3",
            "--bug",
            "ack-before-replication",
            "--json",
        ],
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    dir.join(summary["failed"][0]["artifact"].as_str().unwrap())
}

#[test]
fn corrupted_artifacts_keep_the_contract() {
    let dir = workdir("fuzz-artifact-src");
    let path = artifact(&dir);
    let cmds = vec![
        vec!["replay"],
        vec!["replay", "--timeline"],
        vec!["shrink", "--max-trials", "20"],
    ];
    fuzz(vec![(path, cmds)], "fuzz-artifact");
}

#[test]
fn corrupted_histories_keep_the_contract() {
    let dir = workdir("fuzz-history-src");
    let mut edn = String::new();
    for i in 0..40 {
        let (p, k) = (i % 4, i % 3);
        edn.push_str(&format!(
            "{{:process {p}, :type :invoke, :f :append, :key \"{k}\", :value \"x {i} y\"}}\n"
        ));
        edn.push_str(&format!(
            "{{:process {p}, :type :ok, :f :append, :key \"{k}\", :value \"x {i} y\"}}\n"
        ));
    }
    let mut log = String::new();
    for i in 0..40 {
        let p = i % 3;
        log.push_str(&format!("INFO  jepsen.util - {p}\t:invoke\t:write\t{i}\n"));
        log.push_str(&format!("INFO  jepsen.util - {p}\t:ok\t:write\t{i}\n"));
        log.push_str(&format!(
            "INFO  jepsen.util - {p}\t:invoke\t:cas\t[{i} 7]\n"
        ));
        log.push_str(&format!("INFO  jepsen.util - {p}\t:fail\t:cas\t[{i} 7]\n"));
    }
    let (e, l) = (dir.join("h.edn"), dir.join("h.log"));
    std::fs::write(&e, edn).unwrap();
    std::fs::write(&l, log).unwrap();
    let kv = vec![
        vec!["check-history", "--spec", "kv"],
        vec!["check-history", "--spec", "kv", "--json"],
    ];
    let register = vec![vec!["check-history", "--spec", "register"]];
    fuzz(vec![(e, kv), (l, register)], "fuzz-history");
}

#[test]
fn corrupted_transactional_histories_keep_the_contract() {
    let dir = workdir("fuzz-txn-src");
    let mut edn = String::new();
    let mut json = String::from("[");
    for i in 0..40 {
        let (p, k) = (i % 4, i % 3);
        let reads = (0..i)
            .filter(|j| j % 3 == k)
            .map(|j| j.to_string())
            .collect::<Vec<_>>();
        edn.push_str(&format!(
            "{{:process {p}, :type :invoke, :f :txn, :value [[:r {k} nil] [:append {k} {i}]]}}\n"
        ));
        edn.push_str(&format!(
            "{{:process {p}, :type :ok, :f :txn, :value [[:r {k} [{}]] [:append {k} {i}]]}}\n",
            reads.join(" ")
        ));
        let sep = if i == 0 { "" } else { ",\n" };
        json.push_str(&format!("{sep}{{\"process\":{p},\"type\":\"invoke\",\"value\":[[\"w\",\"k{k}\",{i}],[\"r\",\"k{k}\",null]]}},\n"));
        json.push_str(&format!("{{\"process\":{p},\"type\":\"ok\",\"value\":[[\"w\",\"k{k}\",{i}],[\"r\",\"k{k}\",{i}]]}}"));
    }
    json.push(']');
    let (e, j) = (dir.join("t.edn"), dir.join("t.json"));
    std::fs::write(&e, edn).unwrap();
    std::fs::write(&j, json).unwrap();
    let commands = vec![
        vec!["check-txn"],
        vec!["check-txn", "--model", "strict-serializable", "--json"],
        vec!["check-txn", "--emit", "json"],
    ];
    fuzz(vec![(e, commands.clone()), (j, commands)], "fuzz-txn");
}

#[test]
fn corrupted_workload_histories_and_records_keep_the_contract() {
    let dir = workdir("fuzz-workload-src");
    let mut bank = String::from("[");
    let mut records = String::new();
    for i in 0..30u64 {
        let (p, a, b) = (i % 3, i % 4, (i + 1) % 4);
        let sep = if i == 0 { "" } else { ",\n" };
        bank.push_str(&format!(
            "{sep}{{\"type\":\"invoke\",\"f\":\"read\",\"process\":{p}}},\n"
        ));
        bank.push_str(&format!(
            "{{\"type\":\"ok\",\"f\":\"read\",\"process\":{p},\"value\":{{\"{a}\":{i},\"{b}\":{}}}}}",
            60 - i
        ));
        records.push_str(&format!(
            "{{\"type\": \"write\", \"session\": {p}, \"call\": {}, \"ret\": {}, \"key\": {a}, \"value\": {i}, \"version\": {}}}\n",
            i * 10,
            i * 10 + 5,
            i + 1
        ));
        records.push_str(&format!(
            "{{\"type\": \"read\", \"session\": {p}, \"call\": {}, \"ret\": {}, \"key\": {a}, \"value\": {i}, \"at\": {}}}\n",
            i * 10 + 6,
            i * 10 + 9,
            i + 1
        ));
    }
    bank.push(']');
    let mut delivery = String::new();
    for i in 0..30u64 {
        delivery.push_str(&format!(
            "{{\"type\": \"publish\", \"id\": {i}, \"producer\": {}, \"call\": {}, \"acked\": {}}}\n",
            i % 2,
            i * 10,
            i * 10 + 3
        ));
        delivery.push_str(&format!(
            "{{\"type\": \"applied\", \"id\": {i}, \"count\": 1, \"at\": {}}}\n",
            i * 10 + 7
        ));
    }
    let (b, r, d) = (
        dir.join("bank.json"),
        dir.join("reads.json"),
        dir.join("delivery.json"),
    );
    std::fs::write(&b, bank).unwrap();
    std::fs::write(&r, records).unwrap();
    std::fs::write(&d, delivery).unwrap();
    let workloads = vec![
        vec!["check-history", "--spec", "bank"],
        vec!["check-history", "--spec", "set-full", "--json"],
        vec!["check-history", "--spec", "long-fork"],
    ];
    let reads = vec![vec!["check-reads", "--bound", "1ms"]];
    let deliveries = vec![vec!["check-delivery", "--complete", "--fifo"]];
    fuzz(
        vec![(b, workloads), (r, reads), (d, deliveries)],
        "fuzz-workload",
    );
}
