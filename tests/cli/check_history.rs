//! `faultline check-history`: verdicts, exit codes, and errors with line numbers.

use std::process::Command;

fn run(args: &[&str], file_text: &str) -> (i32, String, String) {
    let dir = std::env::temp_dir().join(format!("faultline-check-history-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("h{}.txt", args.join("-").replace('/', "_")));
    std::fs::write(&file, file_text).unwrap();
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

const STALE: &str = "\
INFO jepsen.util - 0 :invoke :write 1
INFO jepsen.util - 0 :ok :write 1
INFO jepsen.util - 1 :invoke :write 2
INFO jepsen.util - 1 :ok :write 2
INFO jepsen.util - 2 :invoke :read nil
INFO jepsen.util - 2 :ok :read 1
";

#[test]
fn a_stale_read_exits_1_with_a_counterexample() {
    let (code, out, _) = run(&["--spec", "register"], STALE);
    assert_eq!(code, 1);
    assert!(out.contains("not linearizable"), "{out}");
    assert!(out.contains("p2 Read -> Read(Some(1))"), "{out}");
}

#[test]
fn a_linearizable_history_exits_0() {
    let ok = "{:process 0, :type :invoke, :f :append, :key \"k\", :value \"a\"}\n{:process 0, :type :ok, :f :append, :key \"k\", :value \"a\"}\n{:process 1, :type :invoke, :f :get, :key \"k\", :value nil}\n{:process 1, :type :ok, :f :get, :key \"k\", :value \"a\"}\n";
    let (code, out, _) = run(&["--spec", "kv"], ok);
    assert_eq!((code, out.trim()), (0, "linearizable"));
    let (code, out, _) = run(&["--spec", "kv", "--json"], ok);
    assert_eq!((code, out.trim()), (0, r#"{"verdict":"linearizable"}"#));
}

#[test]
fn malformed_input_exits_2_naming_the_line() {
    let bad = "{:process 0, :type :invoke, :f :get, :key \"k\", :value nil}\n{:process 0, :type :ok :f}\n";
    let (code, out, err) = run(&["--spec", "kv"], bad);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("line 2"), "{err}");
    let (code, _, err) = run(
        &["--spec", "register"],
        "INFO jepsen.util - 0 :invoke :frob 1\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("line 1") && err.contains("frob"), "{err}");
}

#[test]
fn a_missing_file_and_a_bad_spec_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["check-history", "--spec", "kv", "/no/such/history.edn"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /no/such/history.edn"));
    let (code, _, err) = run(&["--spec", "queue"], STALE);
    assert_eq!(code, 2);
    assert!(err.contains("queue"), "{err}");
}

#[test]
fn a_budget_that_runs_out_exits_2_as_unknown() {
    // 30 concurrent writes and a read of a value nobody wrote: exponential.
    let mut h = String::new();
    for p in 0..30 {
        h.push_str(&format!("INFO jepsen.util - {p} :invoke :write {p}\n"));
    }
    for p in 0..30 {
        h.push_str(&format!("INFO jepsen.util - {p} :ok :write {p}\n"));
    }
    for p in 30..60 {
        h.push_str(&format!("INFO jepsen.util - {p} :invoke :write {p}\n"));
    }
    h.push_str("INFO jepsen.util - 99 :invoke :read nil\nINFO jepsen.util - 99 :ok :read -1\n");
    let (code, out, _) = run(&["--spec", "register", "--memory-mib", "4"], &h);
    assert_eq!(code, 2);
    assert!(
        out.starts_with("unknown: the memory budget ran out"),
        "{out}"
    );
    let (code, out, _) = run(
        &[
            "--spec",
            "register",
            "--memory-mib",
            "100000",
            "--timeout-s",
            "1",
        ],
        &h,
    );
    assert_eq!(code, 2);
    assert!(out.starts_with("unknown: the time limit passed"), "{out}");
}
