//! Memory that stays bounded on any history: inference keeps at most a
//! fixed number of dependencies and register orders, and past either the
//! graph cannot show valid: the answer is unknown, unless a serial run in
//! completion order satisfies every read (see `check::txn::verdict`).
//! Each case here would pass 4 GB (the register) and 20 GB (the appends)
//! with an edge per pair.

use check::txn::format;
use check::txn::verdict::Outcome;
use check::txn::{check, CheckOptions};

fn verdict(text: &str) -> Outcome {
    let (_, history) = format::parse(text).expect("a history");
    check(&history, CheckOptions::default()).outcome
}

fn op(kind: &str, value: &str, process: u64) -> String {
    format!("{{:type :{kind}, :f :txn, :value {value}, :process {process}}}\n")
}

/// 1,500 writes of one register, and 1,500 reads of a value each: more
/// orders of a read and another write to check than the checker keeps.
#[test]
fn many_reads_of_many_register_writes_answer_unknown_within_memory() {
    let mut text = String::new();
    for i in 1..=1500u64 {
        let (w, r) = (
            format!("[[:w :x {i}]]"),
            format!("[[:r :x {}]]", i.div_ceil(2)),
        );
        text += &(op("invoke", &w, i) + &op("ok", &w, i));
        text += &(op("invoke", "[[:r :x nil]]", 5000 + i) + &op("ok", &r, 5000 + i));
    }
    let outcome = verdict(&text);
    let Outcome::Unknown(why) = outcome else {
        panic!("expected unknown, got {outcome:?}");
    };
    assert!(why.contains("left unchecked"), "{why}");
}

/// One append read by 3,000 readers, with 3,000 indeterminate appends no
/// read saw: the readers' rw edges to the appends go through one fan-out
/// node, 6,000 edges rather than 9 million, and the graph answers: valid,
/// as Elle says.
#[test]
fn many_readers_of_a_version_before_many_unseen_appends_answer_within_memory() {
    let mut text = op("invoke", "[[:append :x 0]]", 0) + &op("ok", "[[:append :x 0]]", 0);
    for i in 1..=3000u64 {
        let a = format!("[[:append :x {i}]]");
        text += &(op("invoke", &a, i) + &op("info", &a, i));
    }
    for i in 1..=3000u64 {
        let p = 10_000 + i;
        text += &(op("invoke", "[[:r :x nil]]", p) + &op("ok", "[[:r :x [0]]]", p));
    }
    assert_eq!(verdict(&text), Outcome::Valid);
    // One more reader, invoked after the committed append completed, that
    // saw the list without it: serializable (it goes first), not strictly.
    let stale = op("invoke", "[[:r :x nil]]", 99_999) + &op("ok", "[[:r :x []]]", 99_999);
    let (_, history) = format::parse(&(text + &stale)).expect("a history");
    let v = check(&history, CheckOptions::default());
    assert_eq!(v.outcome, Outcome::Valid);
    let strict = check::txn::ConsistencyModel::StrictSerializable;
    assert_eq!(*v.outcome_of(strict), Outcome::Invalid);
}

/// 1,000 processes in lock-step, each appending to one of 10 keys and
/// reading the next key empty: real-time order between every round, which
/// as edges between transactions would be a million per round, goes
/// through one barrier node per round. Invalid, and found without the
/// search budget (the graph's cycles are found by its components).
#[test]
fn processes_in_lock_step_are_judged_with_edges_linear_in_the_history() {
    let mut text = String::new();
    let mut v = 0;
    for _round in 0..5 {
        let mut values = Vec::new();
        for p in 0..1000u64 {
            v += 1;
            values.push(v);
            let (k, r) = (p % 10, (p + 1) % 10);
            text += &op("invoke", &format!("[[:append {k} {v}] [:r {r} nil]]"), p);
        }
        for p in 0..1000u64 {
            let (k, r) = (p % 10, (p + 1) % 10);
            let value = format!("[[:append {k} {}] [:r {r} nil]]", values[p as usize]);
            text += &op("ok", &value, p);
        }
    }
    let (_, history) = format::parse(&text).expect("a history");
    let v = check(&history, CheckOptions::default());
    assert_eq!(v.outcome, Outcome::Invalid);
}

/// One transaction of 200,000 appends: its micro-operations are made as
/// they are read, and its values are their own ids.
#[test]
fn one_transaction_of_many_appends_is_read_as_it_is_parsed() {
    let mops: String = (0..200_000).map(|i| format!("[:append :x {i}] ")).collect();
    let value = format!("[{mops}]");
    let text = op("invoke", &value, 0) + &op("ok", &value, 0) + &op("invoke", "[[:r :x nil]]", 1);
    let (_, history) = format::parse(&text).expect("a history");
    assert_eq!(history.txns[0].mops.len(), 200_000);
    assert_eq!(
        check(&history, CheckOptions::default()).outcome,
        Outcome::Valid
    );
}
