//! Histories in the forms other people's tools write (Jepsen's logs, etcd's
//! and Knossos's conventions, Porcupine's kv files), as small histories of
//! our own in the same forms: the verdicts those tools give, and errors that
//! name the line that is wrong.

use std::process::Command;

fn run(name: &str, args: &[&str], text: &str) -> (i32, String, String) {
    let dir = std::env::temp_dir().join(format!("faultline-public-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .arg("check-history")
        .args(args)
        .arg(&file)
        .output()
        .expect("run faultline");
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// etcd's Jepsen logs: a read that times out is `:fail :read :timed-out`, and
/// the same process goes on to its next operation.
#[test]
fn a_timed_out_read_completes_unknown_and_its_process_goes_on() {
    let log = "\
INFO  jepsen.util - 3\t:invoke\t:read\tnil
INFO  jepsen.util - 3\t:fail\t:read\t:timed-out
INFO  jepsen.util - 3\t:invoke\t:write\t4
INFO  jepsen.util - 3\t:ok\t:write\t4
INFO  jepsen.util - 1\t:invoke\t:read\tnil
INFO  jepsen.util - 1\t:ok\t:read\t4
INFO  jepsen.util - 3\t:invoke\t:cas\t[4 2]
INFO  jepsen.util - 3\t:fail\t:cas\t[4 2]
";
    let (code, out, err) = run("etcd.log", &["--spec", "register"], log);
    assert_eq!(code, 1, "the cas of 4 failed while 4 was there: {out}{err}");
    let ok = log.replace("3\t:fail\t:cas\t[4 2]", "3\t:ok\t:cas\t[4 2]");
    let (code, out, err) = run("etcd-ok.log", &["--spec", "register"], &ok);
    assert_eq!((code, out.trim()), (0, "linearizable"), "{err}");
}

/// Knossos and older Jepsen tests store a history as one EDN list.
#[test]
fn a_history_stored_as_one_list_is_read() {
    let list = "({:process 0, :type :invoke, :f :write, :value 1}\n {:process 0, :type :ok, :f :write, :value 1}\n {:process 1, :type :invoke, :f :read, :value nil}\n {:process 1, :type :ok, :f :read, :value 2})\n";
    let (code, out, err) = run("list.edn", &["--spec", "register"], list);
    assert_eq!(code, 1, "a read of 2, never written: {out}{err}");
    let vector = list.replacen('(', "[", 1).replace("})\n", "}]\n");
    assert_eq!(run("vector.edn", &["--spec", "register"], &vector).0, 1);
}

#[test]
fn a_history_with_no_client_operations_is_linearizable() {
    let nemesis = "{:process :nemesis, :type :info, :f :start, :value nil}\n{:process :nemesis, :type :info, :f :stop, :value nil}\n";
    for spec in ["register", "kv"] {
        let (code, out, err) = run(&format!("nemesis-{spec}.edn"), &["--spec", spec], nemesis);
        assert_eq!((code, out.trim()), (0, "linearizable"), "{err}");
    }
    let (code, out, _) = run("empty.edn", &["--spec", "kv"], "");
    assert_eq!((code, out.trim()), (0, "linearizable"));
}

/// Knossos's `cas-register` starts at 0, and a read of nil there means the
/// read's value is unknown.
#[test]
fn knossos_conventions_are_options() {
    let cas_from_zero = "{:process 0, :type :invoke, :f :cas, :value [0 5]}\n{:process 0, :type :ok, :f :cas, :value [0 5]}\n{:process 1, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value 5}\n";
    assert_eq!(run("cas.edn", &["--spec", "register"], cas_from_zero).0, 1);
    let (code, out, err) = run(
        "cas0.edn",
        &["--spec", "register", "--initial", "0"],
        cas_from_zero,
    );
    assert_eq!((code, out.trim()), (0, "linearizable"), "{err}");
    let nil_read = "{:process 0, :type :invoke, :f :write, :value 3}\n{:process 0, :type :ok, :f :write, :value 3}\n{:process 1, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value nil}\n";
    assert_eq!(run("nil.edn", &["--spec", "register"], nil_read).0, 1);
    let (code, _, err) = run(
        "nil-any.edn",
        &["--spec", "register", "--nil-reads-match-any"],
        nil_read,
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(
        "kv-initial.edn",
        &["--spec", "kv", "--initial", "0"],
        nil_read,
    );
    assert_eq!(code, 2, "--initial is for the register: {err}");
}

/// A kv history in Porcupine's form: the keys are checked apart, or as one
/// object, with the same verdict.
#[test]
fn no_partition_gives_the_same_verdicts() {
    let mut h = String::new();
    for (p, k, v) in [(0, "a", "x"), (1, "b", "y"), (2, "a", "z")] {
        h.push_str(&format!(
            "{{:process {p}, :type :invoke, :f :append, :key \"{k}\", :value \"{v}\"}}\n"
        ));
        h.push_str(&format!(
            "{{:process {p}, :type :ok, :f :append, :key \"{k}\", :value \"{v}\"}}\n"
        ));
    }
    let read = |value: &str| {
        format!("{h}{{:process 3, :type :invoke, :f :get, :key \"a\", :value nil}}\n{{:process 3, :type :ok, :f :get, :key \"a\", :value \"{value}\"}}\n")
    };
    for (value, code) in [("xz", 0), ("zx", 1)] {
        let text = read(value);
        assert_eq!(
            run(&format!("kv-{value}.edn"), &["--spec", "kv"], &text).0,
            code
        );
        let one = run(
            &format!("kv1-{value}.edn"),
            &["--spec", "kv", "--no-partition"],
            &text,
        );
        assert_eq!(one.0, code, "{}", one.2);
    }
}

/// Every error a user can hit names the line that is wrong and what is wrong.
#[test]
fn errors_name_the_line_that_is_wrong() {
    let cases = [
        (
            "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :invoke, :f :read, :value nil}\n",
            "line 2",
            "still pending",
        ),
        (
            "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value nil}\n",
            "line 2",
            "never invoked",
        ),
        (
            "{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok, :f :write, :value 1}\n{:process 0, :type :invoke, :f :write, :value \"one\"}\n",
            "line 3",
            "write value",
        ),
        (
            "{:process 0, :type :invoke, :f :cas, :value [1]}\n",
            "line 1",
            "cas value",
        ),
        (
            "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :done, :f :read, :value nil}\n",
            "line 2",
            ":done",
        ),
        (
            "{:process 0, :type :invoke, :value nil}\n",
            "line 1",
            "no :f",
        ),
    ];
    for (i, (text, line, what)) in cases.into_iter().enumerate() {
        let (code, _, err) = run(&format!("err{i}.edn"), &["--spec", "register"], text);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(line) && err.contains(what), "case {i}: {err}");
    }
}

/// A non-linearizable key is reported at once, even when another key is
/// too hard to finish: the others are stopped, as Porcupine stops them.
#[test]
fn one_bad_key_decides_without_waiting_for_a_hard_one() {
    use sim::history::History;
    use sim::linearizability::{check, Verdict};
    use sim::spec::kv::{Kv, KvInput, KvOutput};
    let mut h: History<KvInput, KvOutput> = History::new();
    // Key "hard": 60 concurrent puts and reads of every value; a search
    // through their orders is long.
    for p in 0..60u64 {
        h.invoke(p, 0, KvInput::Put("hard".into(), p.to_string()));
    }
    for p in 60..120u64 {
        h.invoke(p, 1, KvInput::Get("hard".into()));
    }
    for p in 0..60u64 {
        h.ok(p, 2, KvOutput::Done);
    }
    for p in 60..120u64 {
        h.ok(p, 3, KvOutput::Value(((p * 7) % 60).to_string()));
    }
    // Key "easy": a read of a value never written.
    h.invoke(200, 4, KvInput::Get("easy".into()));
    h.ok(200, 5, KvOutput::Value("ghost".into()));
    match check(&Kv, &h).unwrap() {
        Verdict::NotLinearizable(c) => {
            assert_eq!(c.key.as_deref(), Some("easy"));
            assert_eq!(c.partitions_stopped, 1, "the hard key was stopped");
        }
        other => panic!("{other:?}"),
    }
}

/// elle-cli's JSON, pretty-printed: an error names the line the bad event
/// starts on, not its position in the array, for both checkers.
#[test]
fn json_errors_name_the_true_line_even_pretty_printed() {
    let pretty = "[\n  {\n    \"process\": 0,\n    \"type\": \"invoke\",\n    \"f\": \"read\",\n    \"value\": null\n  },\n\n  {\n    \"process\": 0,\n    \"type\": \"done\",\n    \"f\": \"read\",\n    \"value\": 1\n  }\n]\n";
    let (code, _, err) = run("pretty.json", &["--spec", "register"], pretty);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 9:") && err.contains("done"), "{err}");
    let txn = pretty
        .replace("\"read\"", "\"txn\"")
        .replace("null", "[[\"r\", 1, null]]")
        .replace("\"value\": 1", "\"value\": [[\"r\", 1, 1]]");
    let dir = std::env::temp_dir().join(format!("faultline-public-{}", std::process::id()));
    let file = dir.join("pretty-txn.json");
    std::fs::write(&file, &txn).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["check-txn", file.to_str().unwrap()])
        .output()
        .expect("run faultline");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("line 9:") && err.contains("done"), "{err}");
}
