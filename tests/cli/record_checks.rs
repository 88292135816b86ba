//! `faultline check-reads` and `faultline check-delivery`: the read
//! guarantees and the delivery checker over their JSON records, with the
//! verdicts' exit codes (0, 1) and one-line errors that name the line (2).

use crate::common::cli::{faultline, stderr, stdout, workdir};

fn run(name: &str, args: &[&str], text: &str) -> (i32, String, String) {
    let dir = workdir(&format!("record-checks-{name}"));
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    let mut all: Vec<&str> = args.to_vec();
    let shown = file.to_string_lossy().to_string();
    all.push(&shown);
    let out = faultline(&dir, &all);
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

const WRITE: &str =
    r#"{"type": "write", "session": 1, "call": 0, "ret": 10, "key": 7, "value": 5, "version": 1}"#;

fn read(session: u64, call: u64, at: u64, value: &str, promise: &str) -> String {
    format!(
        r#"{{"type": "read", "session": {session}, "call": {call}, "ret": {}, "key": 7, "value": {value}, "at": {at}, "promise": "{promise}"}}"#,
        call + 10
    )
}

#[test]
fn reads_are_held_to_their_bound_and_their_session() {
    let stale = format!("{WRITE}\n{}\n", read(2, 100, 0, "null", "bounded"));
    let (code, out, err) = run("stale.json", &["check-reads", "--bound", "50ns"], &stale);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("bounded staleness"), "{out}");
    let (code, out, _) = run("loose.json", &["check-reads", "--bound", "200ns"], &stale);
    assert_eq!((code, out.starts_with("valid")), (0, true), "{out}");
    // The writer's own session must read its write, whatever the bound.
    let own = format!("[{WRITE},\n{}]\n", read(1, 100, 0, "null", "session"));
    let (code, out, _) = run("own.json", &["check-reads", "--bound", "1s"], &own);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("read-your-writes"), "{out}");
    let fresh = format!("{WRITE}\n{}\n", read(1, 100, 1, "5", "session"));
    assert_eq!(
        run("fresh.json", &["check-reads", "--bound", "1s"], &fresh).0,
        0
    );
}

#[test]
fn delivery_finds_lost_duplicated_phantom_and_reordered_messages() {
    let publish = |id, call, acked: &str| {
        format!(
            r#"{{"type": "publish", "id": {id}, "producer": 0, "call": {call}, "acked": {acked}}}"#
        )
    };
    let applied = |id, count, at| {
        format!(r#"{{"type": "applied", "id": {id}, "count": {count}, "at": {at}}}"#)
    };
    let ok = [
        publish(1, 0, "5"),
        publish(2, 10, "15"),
        applied(1, 1, 20),
        applied(2, 1, 30),
    ]
    .join("\n");
    assert_eq!(
        run("ok.json", &["check-delivery", "--complete", "--fifo"], &ok).0,
        0
    );
    let cases = [
        (
            "lost",
            [publish(1, 0, "5"), publish(2, 10, "15"), applied(1, 1, 20)].join("\n"),
            "lost",
        ),
        (
            "twice",
            [publish(1, 0, "5"), applied(1, 2, 20)].join("\n"),
            "duplicated",
        ),
        (
            "phantom",
            [publish(1, 0, "5"), applied(1, 1, 20), applied(9, 1, 30)].join("\n"),
            "phantom",
        ),
        (
            "order",
            [
                publish(1, 0, "5"),
                publish(2, 10, "15"),
                applied(1, 1, 40),
                applied(2, 1, 30),
            ]
            .join("\n"),
            "order",
        ),
    ];
    for (name, text, word) in cases {
        let (code, out, err) = run(
            &format!("{name}.json"),
            &["check-delivery", "--complete", "--fifo"],
            &text,
        );
        assert_eq!(code, 1, "{name}: {out}{err}");
        assert!(out.contains(word), "{name}: {out}");
    }
    // Without --complete, an acknowledged message not yet applied is fine.
    let pending = [publish(1, 0, "5"), publish(2, 10, "15"), applied(1, 1, 20)].join("\n");
    assert_eq!(run("pending.json", &["check-delivery"], &pending).0, 0);
}

#[test]
fn bad_records_get_one_line_that_names_the_line() {
    let cases = [
        ("check-reads", "unknown.json", format!("{WRITE}\n{{\"type\": \"read\", \"colour\": 1}}\n"), "line 2"),
        ("check-reads", "backwards.json", r#"{"type": "write", "session": 1, "call": 10, "ret": 5, "key": 1, "value": 1, "version": 1}"#.to_string(), "returns before its call"),
        ("check-reads", "syntax.json", format!("[{WRITE},\n{{\"type\": }}]"), "line 2"),
        ("check-delivery", "zero.json", r#"{"type": "applied", "id": 1, "count": 0, "at": 1}"#.to_string(), "at least one"),
        ("check-delivery", "twice.json", "{\"type\": \"publish\", \"id\": 1, \"producer\": 0, \"call\": 0, \"acked\": null}\n{\"type\": \"publish\", \"id\": 1, \"producer\": 0, \"call\": 1, \"acked\": null}\n".to_string(), "line 2"),
    ];
    for (command, name, text, word) in cases {
        let mut args = vec![command];
        if command == "check-reads" {
            args.extend(["--bound", "1s"]);
        }
        let (code, out, err) = run(name, &args, &text);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert_eq!(err.trim().lines().count(), 1, "{name}: one line: {err}");
        assert!(err.contains(word), "{name}: {err}");
    }
}
