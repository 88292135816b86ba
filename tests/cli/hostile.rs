//! Hostile input, one exact test per case an outside review found: never a
//! crash, never a hang, never a wrong verdict, and an error that points at
//! the right place. Each runs the `faultline` binary in a scratch directory.

use crate::common::cli::{faultline, stderr, stdout, workdir};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Writes `text` to `name` in `dir` and runs `check-history --spec SPEC` on it.
fn check(dir: &Path, spec: &str, name: &str, text: &str) -> Output {
    std::fs::write(dir.join(name), text).unwrap();
    faultline(dir, &["check-history", "--spec", spec, name])
}

/// Asserts exit 2 with one line on stderr that contains every `expect`.
fn assert_bad(out: &Output, expect: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    for e in expect {
        assert!(err.contains(e), "`{e}` in: {err}");
    }
}

// ---- Wrong verdicts, or input silently dropped ----

#[test]
fn a_log_line_with_extra_spaces_keeps_its_value() {
    let dir = workdir("spacing");
    let log = "INFO jepsen.util - 1 :invoke :read nil\nINFO jepsen.util - 1 :ok  :read 7\n";
    let out = check(&dir, "register", "h.log", log);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a read of 7, never written: {}",
        stdout(&out)
    );
    let tabs = "INFO  jepsen.util -  1\t:invoke\t:write\t3\nINFO jepsen.util - 1  :ok   :write  3\nINFO jepsen.util - 2 :invoke :read nil\nINFO jepsen.util - 2 :ok :read 4\n";
    assert_eq!(
        check(&dir, "register", "tabs.log", tabs).status.code(),
        Some(1)
    );
}

#[test]
fn edn_mentioning_jepsen_util_in_a_string_is_still_edn() {
    let dir = workdir("detect");
    let edn = "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value 3, :error \"INFO jepsen.util - 0 :ok :read 3\"}\n";
    let out = check(&dir, "register", "h.edn", edn);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn log_lines_of_the_colon_form_are_read() {
    let dir = workdir("colon");
    let log =
        "INFO [2020] jepsen.util: 1 :invoke :read nil\nINFO [2020] jepsen.util: 1 :ok :read 5\n";
    let out = check(&dir, "register", "h.log", log);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
}

#[test]
fn a_process_that_is_not_a_number_or_a_name_is_an_error() {
    let dir = workdir("process");
    for (bad, name) in [("-1", "neg.edn"), ("1.5", "float.edn"), ("[1]", "vec.edn")] {
        let edn = format!("{{:process 0, :type :invoke, :f :read, :value nil}}\n{{:process {bad}, :type :invoke, :f :write, :value 1}}\n");
        assert_bad(
            &check(&dir, "register", name, &edn),
            &["line 2", ":process"],
        );
    }
    // A named process (the nemesis) is skipped, as before.
    let named = "{:process :nemesis, :type :info, :f :start, :value nil}\n";
    assert_eq!(
        check(&dir, "register", "nemesis.edn", named).status.code(),
        Some(0)
    );
}

#[test]
fn a_key_twice_in_one_map_is_an_error() {
    let dir = workdir("dupkey");
    let edn = "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read,\n :value 1, :value nil}\n";
    assert_bad(
        &check(&dir, "register", "h.edn", edn),
        &["line 3", ":value twice"],
    );
}

// ---- Crashes ----

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let dir = workdir("deep");
    for (name, open) in [
        ("v", "["),
        ("l", "("),
        ("m", "{:a "),
        ("s", "#{"),
        ("d", "#_ ["),
    ] {
        let text = open.repeat(15_000);
        assert_bad(&check(&dir, "kv", name, &text), &["nested more than"]);
    }
    let log = format!(
        "INFO jepsen.util - 0 :invoke :write {}\n",
        "[".repeat(15_000)
    );
    assert_bad(
        &check(&dir, "register", "deep.log", &log),
        &["line 1", "nested"],
    );
    let json = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    assert_bad(&check(&dir, "kv", "deep.json", &json), &["nested"]);
    let artifact = format!("{{\"model\": {}", "[".repeat(20_000));
    std::fs::write(dir.join("deep-artifact.json"), artifact).unwrap();
    assert_bad(
        &faultline(&dir, &["replay", "deep-artifact.json"]),
        &["not a valid artifact"],
    );
}

/// Starts `faultline ARGS` and checks it is still running, sanely, after a second.
fn still_running_after_a_second(dir: &Path, args: &[&str]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .current_dir(dir)
        .env("FAULTLINE_ARTIFACTS", dir.join("target/faultline"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(1));
    let status = child.try_wait().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(status.is_none(), "{args:?} ended early: {status:?}");
}

#[test]
fn huge_seed_counts_run_in_bounded_memory_instead_of_crashing() {
    let dir = workdir("huge-seeds");
    still_running_after_a_second(
        &dir,
        &[
            "explore",
            "register",
            "--seeds",
            "18446744073709551615",
            "--faults",
            "none",
        ],
    );
    still_running_after_a_second(
        &dir,
        &[
            "explore",
            "register",
            "--seeds",
            "1000000000000",
            "--faults",
            "none",
        ],
    );
    let out = faultline(
        &dir,
        &[
            "explore",
            "register",
            "--start",
            "18446744073709551615",
            "--seeds",
            "2",
        ],
    );
    assert_bad(&out, &["overflows"]);
}

#[test]
fn absurd_job_counts_are_refused_and_many_jobs_work() {
    let dir = workdir("jobs");
    assert_bad(
        &faultline(&dir, &["explore", "register", "--jobs", "100000"]),
        &["--jobs"],
    );
    let out = faultline(
        &dir,
        &["explore", "register", "--seeds", "3", "--jobs", "1000"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

// ---- Hangs and memory ----

/// A failing register artifact, as `explore` writes it, as JSON.
fn register_artifact(dir: &Path) -> Value {
    let out = faultline(
        dir,
        &[
            "explore",
            "register",
            "--seed",
            "1",
            "--bug",
            "ack-before-replication",
            "--json",
            "--faults",
            "none",
        ],
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    let path = dir.join(summary["failed"][0]["artifact"].as_str().unwrap());
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Writes `artifact` as `name` and replays it, within `limit` of wall time.
fn replay_within(dir: &Path, name: &str, artifact: &Value, limit: Duration) -> Output {
    std::fs::write(
        dir.join(name),
        serde_json::to_string_pretty(artifact).unwrap(),
    )
    .unwrap();
    let started = Instant::now();
    let out = faultline(dir, &["replay", name]);
    assert!(
        started.elapsed() < limit,
        "{name} took {:?}",
        started.elapsed()
    );
    out
}

fn all_links(latency: Value) -> Value {
    json!({"at": 0, "fault": {"kind": "set_all_links", "config": {"latency": latency}}})
}

#[test]
fn zero_and_tiny_latencies_end_as_runaways_within_the_budget() {
    let dir = workdir("zero-latency");
    let mut artifact = register_artifact(&dir);
    artifact["config"]["budget"] =
        json!({"events_per_phase": 300000, "pending_events": 100000, "events_per_instant": 100000});
    let latencies = [
        ("zero.json", json!({"fixed": 0})),
        ("one-ns.json", json!({"fixed": 1})),
        (
            "exp-zero.json",
            json!({"exponential": {"floor": 0, "mean": 0}}),
        ),
    ];
    for (name, latency) in latencies {
        artifact["plan"]["faults"] = json!([all_links(latency)]);
        let out = replay_within(&dir, name, &artifact, Duration::from_secs(60));
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: {}",
            stderr(&out)
        );
        assert!(
            stdout(&out).contains("runaway failure"),
            "{name}: {}",
            stdout(&out)
        );
    }
}

/// Recording is bounded: a replay of a run that passes a million events
/// keeps the first `MAX_RECORDED` and says the recording stopped, while the
/// run goes on to its budget under the same hash.
#[test]
fn a_replay_records_at_most_its_bound_and_says_so() {
    let dir = workdir("record-bound");
    let mut artifact = register_artifact(&dir);
    artifact["config"]["budget"] = json!({"events_per_phase": 1500000, "pending_events": 1000000, "events_per_instant": 2000000});
    artifact["plan"]["faults"] = json!([all_links(json!({"fixed": 1}))]);
    let out = replay_within(&dir, "long.json", &artifact, Duration::from_secs(120));
    let text = stdout(&out);
    let cut = format!(
        "recording stopped after {} events",
        sim::trace::MAX_RECORDED
    );
    assert!(text.contains(&cut), "{}", stderr(&out));
    assert!(text.contains("runaway failure"), "{}", stderr(&out));
}

/// Duplication of every message ends (the register ignores copies; a
/// protocol that answers each copy multiplies them, and its budget of
/// pending events ends it: `tests/runaway.rs`).
#[test]
fn duplication_of_every_message_ends_within_the_budget() {
    let dir = workdir("dup");
    let mut artifact = register_artifact(&dir);
    artifact["config"]["budget"] = json!({"events_per_phase": 2000000, "pending_events": 20000});
    let config = json!({"latency": {"fixed": 1000000}, "duplicate": {"num": 1, "den": 1}});
    artifact["plan"]["faults"] =
        json!([{"at": 0, "fault": {"kind": "set_all_links", "config": config}}]);
    let out = replay_within(&dir, "dup.json", &artifact, Duration::from_secs(60));
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
}

#[test]
fn a_madsim_fault_far_past_the_run_does_not_stretch_it() {
    let dir = workdir("late-fault");
    let out = faultline(
        &dir,
        &[
            "explore",
            "async-kv",
            "--seeds",
            "50",
            "--bug",
            "unawaited-replication",
            "--json",
        ],
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    let path = dir.join(summary["failed"][0]["artifact"].as_str().unwrap());
    let mut artifact: Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let late = json!({"at": 1_000_000_000_000_000u64, "fault": {"kind": "crash", "node": 1}});
    artifact["plan"]["faults"]
        .as_array_mut()
        .unwrap()
        .push(late);
    let out = replay_within(&dir, "late.json", &artifact, Duration::from_secs(30));
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
}

/// An engine run's liveness phase waits for the plan's last fault before it
/// heals: a fault far past the run's end (its safety and liveness phases)
/// is refused by name, not awaited while the trace is recorded.
#[test]
fn an_engine_fault_far_past_the_run_is_refused_not_awaited() {
    let dir = workdir("late-engine-fault");
    let mut artifact = register_artifact(&dir);
    let late = json!({"at": 1_000_000_000_000_000u64, "fault": {"kind": "crash", "node": 1}});
    let faults = artifact["plan"]["faults"].as_array_mut().unwrap();
    faults.push(late);
    let index = faults.len() - 1;
    let out = replay_within(&dir, "late.json", &artifact, Duration::from_secs(30));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let last = err.trim().lines().last().unwrap_or_default();
    assert!(last.contains(&format!("faults[{index}].at")), "{err}");
    assert!(last.contains("after the run's end"), "{err}");
}

#[test]
fn special_and_huge_files_are_refused_without_reading_them_all() {
    let dir = workdir("special");
    let out = faultline(&dir, &["check-history", "--spec", "kv", "/dev/zero"]);
    assert_bad(&out, &["/dev/zero", "larger than"]);
    assert_bad(&faultline(&dir, &["replay", "/dev/zero"]), &["/dev/zero"]);
    assert_bad(&faultline(&dir, &["replay", "."]), &["not a regular file"]);
}

/// A 50 MB history in each form the checkers read, with an error in its
/// first event (a `[` left open in one, an unknown `:type` in the others):
/// `(form, file, the first event, one later event, the words the error has)`.
/// The later events are valid, so only the first can fail.
type LargeCase = (
    &'static str,
    &'static str,
    &'static str,
    fn(u64) -> String,
    [&'static str; 2],
);

fn large_cases() -> Vec<LargeCase> {
    vec![
        (
            "check-txn",
            "open.edn",
            "{:type :invoke, :f :txn, :value [[:append 0 1]\n",
            |i| {
                format!("{{:type :ok, :f :txn, :value [[:append {i} 1] [:r {i} [1]]], :process 0, :index {i}}}\n")
            },
            ["line 2", "left open"],
        ),
        (
            "check-txn",
            "type.edn",
            "[{:type :bogus, :f :txn, :value [[:append 0 1]], :process 0}\n",
            |i| {
                format!(
                    " {{:type :ok, :f :txn, :value [[:append {i} 1]], :process 0, :index {i}}}\n"
                )
            },
            ["line 1", "bogus"],
        ),
        (
            "check-txn",
            "type.json",
            "[{\"type\": \"bogus\", \"value\": [[\"append\", 0, 1]], \"process\": 0},\n",
            |i| {
                format!(
                    " {{\"type\": \"ok\", \"value\": [[\"append\", {i}, 1]], \"process\": 0}},\n"
                )
            },
            ["line 1", "bogus"],
        ),
        (
            "check-history",
            "type.log",
            "INFO jepsen.util - 0 :bogus :read nil\n",
            |i| format!("INFO jepsen.util - {i} :invoke :write {i}\n"),
            ["line 1", "bogus"],
        ),
    ]
}

/// An error in the first event of a large history is reported where it is
/// found, before the rest is read: in every form, the checker refuses a
/// 50 MB history at its first error in a few megabytes, where reading it
/// whole took more than the file's size.
#[test]
fn an_error_in_the_first_event_of_a_large_history_stops_the_read() {
    let test = "hostile::an_error_in_the_first_event_of_a_large_history_stops_the_read";
    let Some(time) = crate::common::tools::require(crate::common::tools::Tool::GnuTime, test)
    else {
        return;
    };
    let dir = workdir("large-first-event");
    for (command, name, first, later, expect) in large_cases() {
        let mut text = String::from(first);
        let mut i = 1;
        while text.len() < 50 << 20 {
            text.push_str(&later(i));
            i += 1;
        }
        std::fs::write(dir.join(name), text).unwrap();
        let mut args = vec![command, name];
        if command == "check-history" {
            args.splice(1..1, ["--spec", "register"]);
        }
        let out = std::process::Command::new(&time)
            .args(["-f", "%M", "-o", "rss"])
            .arg(env!("CARGO_BIN_EXE_faultline"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_bad(&out, &[name, expect[0], expect[1]]);
        let rss = crate::common::tools::peak_kb(&dir.join("rss")).expect("GNU time's figure");
        assert!(
            rss < 24 << 10,
            "{name}: {rss} KB for an error in the first event"
        );
        std::fs::remove_file(dir.join(name)).unwrap();
    }
}

#[test]
fn errors_quote_at_most_a_few_dozen_characters_of_the_input() {
    let dir = workdir("echo");
    let big = format!(
        "INFO jepsen.util - 0 :invoke :write [{}]\n",
        "1 ".repeat(500_000)
    );
    let out = check(&dir, "register", "big.log", &big);
    assert_bad(&out, &["line 1"]);
    assert!(stderr(&out).len() < 300, "{} bytes", stderr(&out).len());
}

// ---- Errors that point at the right place ----

#[test]
fn an_error_inside_one_wrapping_vector_names_its_own_line() {
    let dir = workdir("wrapped");
    let edn = "[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0, :type :ok, :f :read, :value nil}\n {:process 0, :type :invoke, :f :write, :value \"x\"}\n {:process 0, :type :ok, :f :write, :value \"x\"}]\n";
    assert_bad(
        &check(&dir, "register", "h.edn", edn),
        &["line 3", "write value"],
    );
}

#[test]
fn an_unclosed_form_is_reported_where_it_opens() {
    let dir = workdir("unclosed");
    let edn = "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value nil\n\n\n\n";
    assert_bad(
        &check(&dir, "register", "map.edn", edn),
        &["line 2, column 1", "never closed"],
    );
    let edn = "{:process 0, :type :invoke, :f :append, :key \"a\", :value \"x\n\n\n";
    assert_bad(
        &check(&dir, "kv", "str.edn", edn),
        &["line 1", "never closed"],
    );
}

#[test]
fn a_plan_out_of_time_order_names_both_faults() {
    let dir = workdir("order");
    let mut artifact = register_artifact(&dir);
    artifact["plan"]["faults"] = json!([
        {"at": 7, "fault": {"kind": "heal"}},
        {"at": 5, "fault": {"kind": "heal"}}
    ]);
    let out = replay_within(&dir, "order.json", &artifact, Duration::from_secs(30));
    assert_bad(
        &out,
        &[
            "plan.faults[1].at",
            "5 ns is earlier than faults[0].at at 7 ns",
        ],
    );
}

#[test]
fn a_bad_node_is_reported_on_its_own_line() {
    let dir = workdir("node");
    let text = "{\n\"faultline_version\": \"0.1.0\",\n\"model\": \"register\",\n\"bug\": null,\n\"config\": {\"nodes\": 3, \"clients\": 3, \"link\": {\"latency\": {\"fixed\": 1}}, \"safety_for\": 1, \"liveness_for\": 1, \"client_timeout\": 1},\n\"faults\": \"all\",\n\"seed\": 1,\n\"plan\": {\"faults\": [{\"at\": 1, \"fault\": {\"kind\": \"crash\",\n  \"node\": -1,\n  \"torn_writes\": false}}]},\n\"trace_hash\": \"0000000000000000\",\n\"failure\": {\"kind\": \"invariant\", \"message\": \"x\", \"at\": 0}\n}\n";
    std::fs::write(dir.join("node.json"), text).unwrap();
    assert_bad(
        &faultline(&dir, &["replay", "node.json"]),
        &["line 9", "plan.faults[0].fault", "-1"],
    );
}

#[test]
fn a_negative_clock_offset_keeps_its_sign() {
    let dir = workdir("offset");
    let mut artifact = register_artifact(&dir);
    let fault = json!({"kind": "set_clock", "node": 0, "offset_ns": i64::MIN});
    artifact["plan"]["faults"] = json!([{"at": 0, "fault": fault}]);
    let out = replay_within(&dir, "offset.json", &artifact, Duration::from_secs(30));
    assert_bad(&out, &["-9223372036854775808"]);
}

// ---- Artifacts that load but should not ----

#[test]
fn an_artifact_config_that_cannot_run_is_refused_naming_the_field() {
    let dir = workdir("config");
    let base = register_artifact(&dir);
    let cases = [
        ("nodes", json!(0), "config.nodes"),
        (
            "link",
            json!({"latency": {"fixed": 1}, "drop": {"num": 5, "den": 1}}),
            "config.link.drop",
        ),
        (
            "link",
            json!({"latency": {"fixed": 1}, "drop": {"num": 0, "den": 0}}),
            "config.link.drop",
        ),
        (
            "link",
            json!({"latency": {"uniform": {"min": 9, "max": 1}}}),
            "config.link.latency",
        ),
        ("client_timeout", json!(0), "config.client_timeout"),
    ];
    for (i, (field, value, expect)) in cases.into_iter().enumerate() {
        let mut artifact = base.clone();
        artifact["config"][field] = value;
        let out = replay_within(
            &dir,
            &format!("c{i}.json"),
            &artifact,
            Duration::from_secs(30),
        );
        assert_bad(&out, &[expect]);
    }
}

#[test]
fn an_unknown_mix_or_a_misspelled_field_is_refused() {
    let dir = workdir("fields");
    let mut artifact = register_artifact(&dir);
    artifact["faults"] = json!("meteors");
    let out = replay_within(&dir, "mix.json", &artifact, Duration::from_secs(30));
    assert_bad(&out, &["faults", "unknown fault mix `meteors`"]);
    let mut artifact = register_artifact(&dir);
    artifact["plan"]["faults"] = json!([{"at": 0, "fault": {"kind": "heal"}, "focus_episod": 1}]);
    let out = replay_within(&dir, "typo.json", &artifact, Duration::from_secs(30));
    assert_bad(&out, &["unknown field `focus_episod`", "plan.faults[0]"]);
    let mut artifact = register_artifact(&dir);
    artifact["surprise"] = json!(1);
    let out = replay_within(&dir, "extra.json", &artifact, Duration::from_secs(30));
    assert_bad(&out, &["unknown field `surprise`"]);
}

#[test]
fn a_trace_hash_in_capitals_is_the_same_hash() {
    let dir = workdir("hash-case");
    let mut artifact = register_artifact(&dir);
    let upper = artifact["trace_hash"].as_str().unwrap().to_uppercase();
    artifact["trace_hash"] = json!(upper);
    let out = replay_within(&dir, "upper.json", &artifact, Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("identical to the artifact"));
}

// ---- Flags ----

#[test]
fn explore_honours_the_seed_variables_and_flags_win() {
    let dir = workdir("seed-vars");
    let run = |envs: &[(&str, &str)], args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_faultline"));
        cmd.args(["explore", "register", "--faults", "none"])
            .args(args)
            .current_dir(&dir)
            .env("FAULTLINE_ARTIFACTS", dir.join("target/faultline"));
        cmd.env_remove("FAULTLINE_SEED")
            .env_remove("FAULTLINE_SEEDS");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        stderr(&cmd.output().unwrap())
    };
    assert!(run(&[("FAULTLINE_SEEDS", "7")], &[]).contains("(7 runs)"));
    assert!(run(&[("FAULTLINE_SEED", "42")], &[]).contains("seeds 42..=42 (1 runs)"));
    assert!(run(&[("FAULTLINE_SEEDS", "7")], &["--seeds", "2"]).contains("(2 runs)"));
    assert!(run(&[("FAULTLINE_SEEDS", "lots")], &[]).contains("FAULTLINE_SEEDS=lots"));
}

#[test]
fn impossible_flag_values_are_refused() {
    let dir = workdir("flags");
    assert_bad(
        &faultline(&dir, &["bench", "--requests", "18446744073709551615"]),
        &["--requests"],
    );
    std::fs::write(dir.join("h.edn"), "").unwrap();
    let base = ["check-history", "--spec", "kv", "h.edn"];
    let timeout: Vec<&str> = base.iter().copied().chain(["--timeout-s", "0"]).collect();
    assert_bad(&faultline(&dir, &timeout), &["--timeout-s"]);
    let memory: Vec<&str> = base.iter().copied().chain(["--memory-mib", "0"]).collect();
    let out = faultline(&dir, &memory);
    assert_bad(&out, &["--memory-mib"]);
    assert!(out.stdout.is_empty(), "nothing on stdout");
}

#[test]
fn a_trim_or_fault_point_list_that_does_not_fit_is_refused_and_left_alone() {
    let dir = workdir("bad-trim");
    let good = register_artifact(&dir);
    let cases = [
        (json!({"clients": 100}), "trim.clients"),
        (json!({"safety_for": 0}), "trim.safety_for"),
        (json!({"opz": 1}), "trim.opz"),
    ];
    for (k, (trim, field)) in cases.into_iter().enumerate() {
        let mut a = good.clone();
        a["trim"] = trim;
        let name = format!("trim-{k}.json");
        let out = replay_within(&dir, &name, &a, Duration::from_secs(30));
        assert_bad(&out, &[field]);
        let kept: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(&name)).unwrap()).unwrap();
        assert_eq!(kept, a, "the artifact is left untouched");
    }
    // A config that claims more clients than the model has does not let a
    // trim through.
    let mut lie = good.clone();
    lie["config"]["clients"] = json!(100);
    lie["trim"] = json!({"clients": 50});
    let out = replay_within(&dir, "lie.json", &lie, Duration::from_secs(30));
    assert_bad(&out, &["lie.json", "trim.clients"]);
    for (k, sites) in [json!([""]), json!(["a", "a"]), json!([7])]
        .into_iter()
        .enumerate()
    {
        let mut a = good.clone();
        a["buggify"] = sites;
        let out = replay_within(
            &dir,
            &format!("sites-{k}.json"),
            &a,
            Duration::from_secs(30),
        );
        assert_bad(&out, &["buggify["]);
    }
}

/// A fault point the model does not have is bad input, not a site that
/// silently never fires: a replay that matches the artifact's hash ran as
/// the failure did, so every site the artifact lists must fire again.
#[test]
fn an_unknown_fault_point_in_an_artifact_is_refused_by_name() {
    let dir = workdir("unknown-site");
    let mut artifact = register_artifact(&dir);
    artifact["buggify"] = json!(["no-such-site"]);
    let out = replay_within(&dir, "site.json", &artifact, Duration::from_secs(30));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let last = err.trim().lines().last().unwrap_or_default();
    assert!(
        last.contains("site.json") && last.contains("`no-such-site`"),
        "{err}"
    );
}
