//! `faultline check-txn`: verdicts and exit codes (0 valid, 1 invalid, 2
//! bad input or unknown), JSON output, conversion between the forms, and
//! one-line errors that name the line.

use crate::common::cli::{faultline, stdout, workdir};
use crate::common::tools::{require, Tool};

const G_SINGLE: &str = r#"[{"index":0,"process":0,"type":"invoke","value":[["append",1,1],["append",2,1]]},
 {"index":1,"process":0,"type":"ok","value":[["append",1,1],["append",2,1]]},
 {"index":2,"process":1,"type":"invoke","value":[["append",1,2],["r",2,null]]},
 {"index":3,"process":1,"type":"ok","value":[["append",1,2],["r",2,[]]]},
 {"index":4,"process":2,"type":"invoke","value":[["r",1,null]]},
 {"index":5,"process":2,"type":"ok","value":[["r",1,[1,2]]]}]
"#;

/// Writes `text` to `name` in `dir`, and returns its path.
fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file.to_string_lossy().to_string()
}

#[test]
fn the_verdict_depends_on_the_model() {
    let dir = workdir("check-txn-models");
    let file = write(&dir, "g-single.json", G_SINGLE);
    let rc = faultline(&dir, &["check-txn", "--model", "read-committed", &file]);
    assert_eq!(rc.status.code(), Some(0), "{}", stdout(&rc));
    let si = faultline(&dir, &["check-txn", "--model", "snapshot-isolation", &file]);
    let text = stdout(&si);
    assert_eq!(si.status.code(), Some(1), "{text}");
    assert!(
        text.contains("G-single-item") && text.contains("rw: it read key 2 at the initial state"),
        "{text}"
    );
    let json = faultline(&dir, &["check-txn", &file, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON object");
    assert_eq!(v["valid?"], serde_json::json!(false));
    assert_eq!(v["anomaly-types"], serde_json::json!(["G-single-item"]));
    // Asked about serializability, real time is not searched: the
    // models that need it stay unknown.
    assert_eq!(
        v["strongest-satisfied"],
        serde_json::json!(["read-committed"])
    );
    assert_eq!(
        v["not"],
        serde_json::json!(["consistent-view", "repeatable-read"])
    );
    let strict = faultline(
        &dir,
        &[
            "check-txn",
            "--model",
            "strict-serializable",
            &file,
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&strict.stdout).expect("one JSON object");
    assert_eq!(
        v["strongest-satisfied"],
        serde_json::json!(["strong-read-committed"])
    );
}

#[test]
fn emit_converts_between_the_forms() {
    let dir = workdir("check-txn-emit");
    let file = write(&dir, "convert.json", G_SINGLE);
    let edn = faultline(&dir, &["check-txn", &file, "--emit", "edn"]);
    assert_eq!(edn.status.code(), Some(0));
    let edn_text = stdout(&edn);
    assert!(
        edn_text.starts_with(
            "{:index 0, :type :invoke, :process 0, :f :txn, :value [[:append 1 1] [:append 2 1]]}"
        ),
        "{edn_text}"
    );
    let edn_file = write(&dir, "convert.edn", &edn_text);
    let back = faultline(&dir, &["check-txn", &edn_file, "--emit", "json"]);
    let json_file = write(&dir, "convert-back.json", &stdout(&back));
    let again = faultline(&dir, &["check-txn", &json_file, "--emit", "edn"]);
    assert_eq!(stdout(&again), edn_text);
}

#[test]
fn bad_input_and_unknown_exit_2_with_one_line() {
    let dir = workdir("check-txn-bad");
    let bad = write(&dir, "bad.edn", "{:process 0, :type :invoke, :f :txn, :value [[:append 1 1]]}\n{:process 0, :type :ok, :f :txn, :value [[:append 1 1]\n");
    let out = faultline(&dir, &["check-txn", &bad]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("line 2"), "{err}");
    let good = write(&dir, "good.json", G_SINGLE);
    let model = faultline(&dir, &["check-txn", "--model", "linearizable", &good]);
    assert_eq!(model.status.code(), Some(2));
    // Two completions and no invocations: real time is unknown (with one
    // transaction it would order nothing, and strict would hold).
    let no_invokes = write(
        &dir,
        "completions.edn",
        "{:process 0, :type :ok, :f :txn, :value [[:append 1 1]]}\n{:process 1, :type :ok, :f :txn, :value [[:r 1 [1]]]}\n",
    );
    let strict = faultline(
        &dir,
        &["check-txn", "--model", "strict-serializable", &no_invokes],
    );
    assert_eq!(strict.status.code(), Some(2), "{}", stdout(&strict));
    assert!(stdout(&strict).contains("unknown"), "{}", stdout(&strict));
    let missing = faultline(&dir, &["check-txn", "no-such-file.edn"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let dir = workdir("check-txn-pipe");
    let lines: String = (0..20_000)
        .map(|i| format!("{{:process 0, :type :ok, :f :txn, :value [[:append 1 {i}]]}}\n"))
        .collect();
    let file = write(&dir, "long.edn", &lines);
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["check-txn", &file, "--emit", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run faultline");
    let mut first = [0u8; 16];
    child
        .stdout
        .take()
        .expect("piped")
        .read_exact(&mut first)
        .expect("some output");
    // The reader goes away, as `| head` does.
    let status = child.wait().expect("it ends");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("piped")
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(status.code(), Some(101), "{err}");
}

/// A file of Elle's public histories, beside the project
/// (`../shared/anchors/elle`), or `None` after saying `test` is skipped.
fn elle_history(name: &str, test: &str) -> Option<String> {
    let dir = require(Tool::ElleHistories, test)?;
    let path = dir.join("elle-histories").join(name);
    assert!(path.exists(), "{} is missing", path.display());
    Some(path.to_string_lossy().to_string())
}

/// Elle's `intermediate-sequential-extension-test`: only G2-item, and
/// snapshot isolation holds; its cycles all have adjacent rw edges, so the
/// G-nonadjacent search must not fire on it.
#[test]
fn elles_si_without_g_single_is_snapshot_isolated() {
    let dir = workdir("check-txn-elle-si");
    let Some(file) = elle_history(
        "si-without-g-single.edn",
        "elles_si_without_g_single_is_snapshot_isolated",
    ) else {
        return;
    };
    let si = faultline(&dir, &["check-txn", "--model", "snapshot-isolation", &file]);
    let text = stdout(&si);
    assert_eq!(si.status.code(), Some(0), "{text}");
    let json = faultline(&dir, &["check-txn", &file, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON object");
    assert_eq!(v["anomaly-types"], serde_json::json!(["G2-item"]));
}

/// A long fork with Jepsen's `nil` reads: invalid under snapshot isolation.
#[test]
fn a_long_fork_read_as_nil_is_not_snapshot_isolated() {
    let dir = workdir("check-txn-long-fork");
    let text = "\
{:process 0, :type :invoke, :f :txn, :value [[:append :x 1]]}
{:process 1, :type :invoke, :f :txn, :value [[:append :y 1]]}
{:process 2, :type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]]}
{:process 3, :type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]]}
{:process 0, :type :ok, :f :txn, :value [[:append :x 1]]}
{:process 1, :type :ok, :f :txn, :value [[:append :y 1]]}
{:process 2, :type :ok, :f :txn, :value [[:r :x [1]] [:r :y nil]]}
{:process 3, :type :ok, :f :txn, :value [[:r :x nil] [:r :y [1]]]}
";
    let file = write(&dir, "long-fork.edn", text);
    let si = faultline(&dir, &["check-txn", "--model", "snapshot-isolation", &file]);
    let out = stdout(&si);
    assert_eq!(si.status.code(), Some(1), "{out}");
    assert!(out.contains("G-nonadjacent-item"), "{out}");
    let rc = faultline(&dir, &["check-txn", "--model", "read-committed", &file]);
    assert_eq!(rc.status.code(), Some(0), "{}", stdout(&rc));
}

/// Elle's own `paper-example.edn` names no `:process`: its events share
/// Jepsen's process `nil`. Elle's verdict is G-single: not snapshot
/// isolation, but read committed.
#[test]
fn events_without_a_process_share_the_process_nil() {
    let Some(file) = elle_history(
        "paper-example.edn",
        "events_without_a_process_share_the_process_nil",
    ) else {
        return;
    };
    let dir = workdir("check-txn-nil-process");
    let si = faultline(&dir, &["check-txn", "--model", "snapshot-isolation", &file]);
    let text = stdout(&si);
    assert_eq!(si.status.code(), Some(1), "{text}");
    assert!(
        text.contains("G-single-item") && text.contains("(process nil)"),
        "{text}"
    );
    let rc = faultline(&dir, &["check-txn", "--model", "read-committed", &file]);
    assert_eq!(rc.status.code(), Some(0), "{}", stdout(&rc));
    // Two invocations in a row of the one nil process are an error.
    let twice = "{:type :invoke, :f :txn, :value [[:append 1 1]]}\n{:type :invoke, :f :txn, :value [[:append 1 2]]}\n";
    let bad = write(&dir, "twice.edn", twice);
    let out = faultline(&dir, &["check-txn", &bad]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("line 2") && err.contains("process nil"),
        "{err}"
    );
    // The number that stands for nil is not a client's: refused, not merged.
    let max = "{\"type\":\"ok\",\"process\":18446744073709551615,\"value\":[[\"append\",1,1]]}\n";
    let bad = write(&dir, "max.json", max);
    let out = faultline(&dir, &["check-txn", &bad]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("line 1") && err.contains("client number"),
        "{err}"
    );
}

/// `-` reads the history from standard input, in pieces as from a file:
/// the same verdict, in each form.
#[test]
fn a_history_on_standard_input_reads_as_from_a_file() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = workdir("check-txn-stdin");
    let edn = faultline(
        &dir,
        &[
            "check-txn",
            "--emit",
            "edn",
            &write(&dir, "g.json", G_SINGLE),
        ],
    );
    for text in [G_SINGLE.to_string(), stdout(&edn)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
            .args(["check-txn", "--model", "snapshot-isolation", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(text.as_bytes()).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(stdout(&out).contains("G-single-item"), "{}", stdout(&out));
    }
}

/// Every model of Elle's lattice by name, and `--anomalies` as elle-cli
/// asks for them: found (exit 1), none found (0), or an unknown name (2).
#[test]
fn every_model_of_the_lattice_and_anomalies_by_name() {
    let dir = workdir("check-txn-lattice");
    let file = write(&dir, "g-single.json", G_SINGLE);
    for (model, code) in [
        ("read-uncommitted", 0),
        ("read-committed", 0),
        ("strong-read-committed", 0),
        ("consistent-view", 1),
        ("repeatable-read", 1),
        ("snapshot-isolation", 1),
        ("conflict-serializable", 1),
        ("strong-serializable", 1),
        ("strong-session-snapshot-isolation", 1),
        // G-cursor is not searched for, and every model that implies
        // cursor stability is ruled out: unknown.
        ("cursor-stability", 2),
    ] {
        let out = faultline(&dir, &["check-txn", "--model", model, &file]);
        assert_eq!(out.status.code(), Some(code), "{model}: {}", stdout(&out));
    }
    let asked = |list: &str| faultline(&dir, &["check-txn", "--anomalies", list, &file]);
    assert_eq!(asked("G1c,G0").status.code(), Some(0));
    let found = asked("G2");
    assert_eq!(found.status.code(), Some(1), "G-single implies G2");
    assert!(stdout(&found).contains("anomalies asked for (G2): found"));
    assert_eq!(asked("G-cursor").status.code(), Some(2));
    let bad = asked("G9");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown anomaly `G9`"));
    let both = faultline(
        &dir,
        &[
            "check-txn",
            "--model",
            "read-committed",
            "--anomalies",
            "G-single",
            &file,
        ],
    );
    assert_eq!(both.status.code(), Some(1), "the anomaly is found");
}

/// An anomaly names the lines its transactions start on, also in
/// pretty-printed JSON, where an event spans many lines.
#[test]
fn anomaly_lines_are_true_lines_in_pretty_printed_json() {
    let dir = workdir("check-txn-pretty-lines");
    let events: serde_json::Value = serde_json::from_str(G_SINGLE).expect("JSON");
    let pretty = serde_json::to_string_pretty(&events).expect("pretty");
    let starts: Vec<usize> = pretty
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "  {")
        .map(|(i, _)| i + 1)
        .collect();
    let file = write(&dir, "pretty.json", &pretty);
    let out = faultline(
        &dir,
        &[
            "check-txn",
            "--model",
            "snapshot-isolation",
            &file,
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let mut lines: Vec<usize> = v["anomalies"][0]["transactions"]
        .as_array()
        .expect("transactions")
        .iter()
        .map(|t| t["line"].as_u64().expect("a line") as usize)
        .collect();
    lines.sort_unstable();
    // The invocations of the first two transactions: events 0 and 2.
    assert_eq!(lines, [starts[0], starts[2]], "{pretty}");
    assert!(starts[2] > 3, "an event spans several lines: {starts:?}");
}
