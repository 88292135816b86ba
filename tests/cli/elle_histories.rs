//! Every public history of Elle (`jepsen-io/elle`, `histories/`) and of
//! elle-cli (`ligurio/elle-cli`, `histories/`), checked with the command
//! and options elle-cli's `test.sh` gives, against elle-cli's verdict and
//! the anomaly or finding classes Elle's tests name. Where faultline's
//! verdict differs, the row says why, and the test holds faultline to its
//! own. The histories are read from `../shared/anchors/elle`.

use crate::common::cli::{faultline, stdout, workdir};
use crate::common::tools::{require, Tool};

/// One history, how to check it, and what each tool says.
struct Case {
    /// The file, under `../shared/anchors/elle`.
    file: &'static str,
    /// faultline's arguments before the file.
    args: &'static [&'static str],
    /// elle-cli's exit code (0 valid, 1 invalid), from `test.sh` or, for
    /// Elle's histories, Elle's tests.
    elle: i32,
    /// faultline's exit code.
    ours: i32,
    /// What faultline's output must name.
    names: &'static [&'static str],
    /// Why the two differ, where they do.
    differs: Option<&'static str>,
}

const CAS: &[&str] = &["check-history", "--spec", "cas-register"];
const STRICT: &[&str] = &["check-txn", "--model", "strict-serializable"];

/// The cases, by source.
const CASES: &[Case] = &[
    // elle-cli's knossos/ folder: Knossos's cas-register and mutex.
    bad(
        "elle-cli-histories/knossos/cas-register/bad/bad-analysis.edn",
        CAS,
    ),
    bad(
        "elle-cli-histories/knossos/cas-register/bad/cas-failure.edn",
        CAS,
    ),
    bad(
        "elle-cli-histories/knossos/cas-register/bad/mongodb-v0-ack-rollback-6.edn",
        CAS,
    ),
    bad(
        "elle-cli-histories/knossos/cas-register/bad/rethink-fail.edn",
        CAS,
    ),
    bad(
        "elle-cli-histories/knossos/cas-register/bad/rethink-fail-minimal.edn",
        CAS,
    ),
    bad(
        "elle-cli-histories/knossos/cas-register/bad/rethink-fail-smaller.edn",
        CAS,
    ),
    good(
        "elle-cli-histories/knossos/cas-register/good/memstress3-9.edn",
        CAS,
    ),
    good(
        "elle-cli-histories/knossos/cas-register/good/memstress3-9.json",
        CAS,
    ),
    bad(
        "elle-cli-histories/knossos/mutex/bad/etcd.edn",
        &["check-history", "--spec", "mutex"],
    ),
    bad(
        "elle-cli-histories/knossos/mutex/bad/etcd.json",
        &["check-history", "--spec", "mutex"],
    ),
    // elle-cli's elle/ folder: list-append and rw-register.
    Case {
        file: "elle-cli-histories/elle/rw-register.edn",
        args: STRICT,
        elle: 0,
        ours: 1,
        names: &["garbage-read"],
        differs: Some(GARBAGE),
    },
    Case {
        file: "elle-cli-histories/elle/rw-register.json",
        args: STRICT,
        elle: 0,
        ours: 1,
        names: &["garbage-read"],
        differs: Some(GARBAGE),
    },
    names(
        "elle-cli-histories/elle/paper-example.edn",
        STRICT,
        &["G-single-item"],
    ),
    names(
        "elle-cli-histories/elle/paper-example.json",
        STRICT,
        &["G-single-item"],
    ),
    names(
        "elle-cli-histories/elle/list-append-gh-30.edn",
        &["check-txn", "--model", "serializable"],
        &["G2-item"],
    ),
    // elle-cli's jepsen/ folder: Jepsen's workload checkers.
    good(
        "elle-cli-histories/jepsen/counter.edn",
        &["check-history", "--spec", "counter"],
    ),
    good(
        "elle-cli-histories/jepsen/counter.json",
        &["check-history", "--spec", "counter"],
    ),
    names(
        "elle-cli-histories/jepsen/set_full.edn",
        &["check-history", "--spec", "set-full"],
        &["lost 293"],
    ),
    names(
        "elle-cli-histories/jepsen/set_full.json",
        &["check-history", "--spec", "set-full"],
        &["lost 293"],
    ),
    good(
        "elle-cli-histories/jepsen/set.edn",
        &["check-history", "--spec", "set"],
    ),
    good(
        "elle-cli-histories/jepsen/bank.edn",
        &["check-history", "--spec", "bank"],
    ),
    good(
        "elle-cli-histories/jepsen/bank.json",
        &["check-history", "--spec", "bank"],
    ),
    names(
        "elle-cli-histories/jepsen/bank-tidb.edn",
        &["check-history", "--spec", "bank"],
        &["wrong-total"],
    ),
    good(
        "elle-cli-histories/jepsen/bank-neg.edn",
        &["check-history", "--spec", "bank"],
    ),
    names(
        "elle-cli-histories/jepsen/bank-negative-balances.json",
        &["check-history", "--spec", "bank"],
        &["negative-value"],
    ),
    names(
        "elle-cli-histories/jepsen/long-fork.edn",
        &["check-history", "--spec", "long-fork", "--group-size", "3"],
        &["long-fork"],
    ),
    // elle-cli's custom/ folder (not in its test.sh: its comments checker
    // is experimental). w2 began after w1 completed; the read sees w2 only.
    names(
        "elle-cli-histories/custom/comments.edn",
        &["check-history", "--spec", "comments"],
        &["missing", "saw 430", "425"],
    ),
    // Elle's histories/ folder, with the anomaly types Elle's tests name.
    names(
        "elle-histories/paper-example.edn",
        STRICT,
        &["G-single-item"],
    ),
    names(
        "elle-histories/si-without-g-single.edn",
        STRICT,
        &["G2-item (1)"],
    ),
    names("elle-histories/huge-scc.edn", STRICT, &["G2-item-realtime"]),
];

/// Why faultline calls elle-cli's rw-register history invalid.
const GARBAGE: &str = "the history reads x = 3, which no transaction wrote; Elle's rw-register \
    checker does not look for reads of values never written, faultline's does";

const fn good(file: &'static str, args: &'static [&'static str]) -> Case {
    Case {
        file,
        args,
        elle: 0,
        ours: 0,
        names: &[],
        differs: None,
    }
}

const fn bad(file: &'static str, args: &'static [&'static str]) -> Case {
    names(file, args, &[])
}

const fn names(
    file: &'static str,
    args: &'static [&'static str],
    names: &'static [&'static str],
) -> Case {
    Case {
        file,
        args,
        elle: 1,
        ours: 1,
        names,
        differs: None,
    }
}

#[test]
fn every_public_history_of_elle_and_elle_cli_gets_its_verdict() {
    let test = "every_public_history_of_elle_and_elle_cli_gets_its_verdict";
    let Some(root) = require(Tool::ElleHistories, test) else {
        return;
    };
    let dir = workdir("elle-histories");
    let mut wrong = Vec::new();
    for case in CASES {
        assert!(
            case.differs.is_some() == (case.elle != case.ours),
            "{}: a difference needs its reason",
            case.file
        );
        let file = root.join(case.file);
        let mut args = case.args.to_vec();
        let shown = file.to_string_lossy().to_string();
        args.push(&shown);
        let out = faultline(&dir, &args);
        let text = stdout(&out);
        let missing: Vec<_> = case.names.iter().filter(|n| !text.contains(*n)).collect();
        if out.status.code() != Some(case.ours) || !missing.is_empty() {
            wrong.push(format!(
                "{}: exit {:?}, expected {}; missing {missing:?}\n{text}",
                case.file,
                out.status.code(),
                case.ours
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A history added to either folder is not silently left unchecked.
#[test]
fn the_table_names_every_history_in_the_folders() {
    let test = "the_table_names_every_history_in_the_folders";
    let Some(root) = require(Tool::ElleHistories, test) else {
        return;
    };
    let mut files = Vec::new();
    let mut dirs = vec![root.join("elle-histories"), root.join("elle-cli-histories")];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("readable").flatten() {
            let path = entry.path();
            let ext = path.extension().and_then(|e| e.to_str());
            if path.is_dir() {
                dirs.push(path);
            } else if matches!(ext, Some("edn" | "json")) {
                let rel = path.strip_prefix(&root).expect("under the root");
                files.push(rel.to_string_lossy().to_string());
            }
        }
    }
    let unlisted: Vec<_> = files
        .iter()
        .filter(|f| !CASES.iter().any(|c| c.file == f.as_str()))
        .collect();
    assert!(unlisted.is_empty(), "histories with no case: {unlisted:?}");
}
