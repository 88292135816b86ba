//! Jepsen's workload checkers, rule by rule, on small histories of our
//! own: each rule has a history that keeps it and one that breaks it.

use check::jepsen::parse;
use check::workload::{bank, comments, counter, long_fork, sequential, set, set_full, Validity};

fn events(text: &str) -> Vec<check::jepsen::JepsenEvent> {
    parse(text).expect("a well-formed history").1
}

fn op(p: u64, kind: &str, f: &str, value: &str) -> String {
    format!("{{:process {p}, :type :{kind}, :f :{f}, :value {value}}}\n")
}

#[test]
fn a_counter_read_must_lie_between_acknowledged_and_attempted_adds() {
    let adds =
        op(0, "invoke", "add", "1") + &op(0, "ok", "add", "1") + &op(1, "invoke", "add", "2");
    let read = |v: i64| {
        adds.clone() + &op(2, "invoke", "read", "nil") + &op(2, "ok", "read", &v.to_string())
    };
    for (v, valid) in [(0, false), (1, true), (3, true), (4, false)] {
        let verdict = counter::check(&events(&read(v))).unwrap();
        assert_eq!(verdict.is_valid(), valid, "read {v}: {verdict}");
    }
    // A failed add never happened; an indeterminate one may have.
    let failed = adds.clone()
        + &op(1, "fail", "add", "2")
        + &op(2, "invoke", "read", "nil")
        + &op(2, "ok", "read", "3");
    assert!(!counter::check(&events(&failed)).unwrap().is_valid());
    let info = failed.replace(":type :fail", ":type :info");
    assert!(counter::check(&events(&info)).unwrap().is_valid());
    // The lower bound is taken when the read begins.
    let early = op(2, "invoke", "read", "nil")
        + &op(0, "invoke", "add", "1")
        + &op(0, "ok", "add", "1")
        + &op(2, "ok", "read", "0");
    assert!(counter::check(&events(&early)).unwrap().is_valid());
}

#[test]
fn a_set_loses_nothing_acknowledged_and_reads_nothing_unattempted() {
    let adds = op(0, "invoke", "add", "1")
        + &op(0, "ok", "add", "1")
        + &op(1, "invoke", "add", "2")
        + &op(1, "info", "add", "2");
    let read = |v: &str| adds.clone() + &op(2, "invoke", "read", "nil") + &op(2, "ok", "read", v);
    assert!(set::check(&events(&read("[1]"))).unwrap().is_valid());
    assert!(
        set::check(&events(&read("#{1 2}"))).unwrap().is_valid(),
        "2 is recovered"
    );
    let lost = set::check(&events(&read("[2]"))).unwrap();
    assert_eq!(
        (lost.validity.clone(), lost.findings[0].kind),
        (Validity::Invalid, "lost"),
        "{lost}"
    );
    let unexpected = set::check(&events(&read("[1 3]"))).unwrap();
    assert_eq!(unexpected.findings[0].kind, "unexpected", "{unexpected}");
    assert!(matches!(
        set::check(&events(&adds)).unwrap().validity,
        Validity::Unknown(_)
    ));
}

#[test]
fn set_full_tells_lost_stale_and_never_read_apart() {
    let add = op(0, "invoke", "add", "1") + &op(0, "ok", "add", "1");
    let read = |p: u64, v: &str| op(p, "invoke", "read", "nil") + &op(p, "ok", "read", v);
    let stable = add.clone() + &read(1, "[1]");
    assert!(set_full::check(&events(&stable), false).unwrap().is_valid());
    let lost = add.clone() + &read(1, "[1]") + &read(1, "[]");
    let verdict = set_full::check(&events(&lost), false).unwrap();
    assert_eq!(verdict.findings[0].kind, "lost", "{verdict}");
    let stale = add.clone() + &read(1, "[]") + &read(1, "[1]");
    assert!(set_full::check(&events(&stale), false).unwrap().is_valid());
    let verdict = set_full::check(&events(&stale), true).unwrap();
    assert_eq!(verdict.findings[0].kind, "stale", "{verdict}");
    // Known to be added, never read since: nothing stable, so unknown.
    assert!(matches!(
        set_full::check(&events(&add), false).unwrap().validity,
        Validity::Unknown(_)
    ));
    let twice = add.clone() + &read(1, "[1 1]");
    assert_eq!(
        set_full::check(&events(&twice), false).unwrap().findings[0].kind,
        "duplicated"
    );
}

#[test]
fn every_bank_read_sums_to_the_total_without_negative_balances() {
    let read = |v: &str| op(0, "invoke", "read", "nil") + &op(0, "ok", "read", v);
    let first = read("{0 10, 1 10}");
    let with = |v: &str| events(&(first.clone() + &read(v)));
    let options = bank::BankOptions::default();
    assert!(bank::check(&with("{0 5, 1 15}"), &options)
        .unwrap()
        .is_valid());
    for (v, kind) in [
        ("{0 5, 1 14}", "wrong-total"),
        ("{0 5, 2 15}", "unexpected-key"),
        ("{0 nil, 1 20}", "nil-balance"),
        ("{0 -1, 1 21}", "negative-value"),
    ] {
        let verdict = bank::check(&with(v), &options).unwrap();
        assert_eq!(
            verdict.findings.first().map(|f| f.kind),
            Some(kind),
            "{v}: {verdict}"
        );
    }
    let negative = bank::BankOptions {
        negative_balances: true,
        ..options.clone()
    };
    assert!(bank::check(&with("{0 -1, 1 21}"), &negative)
        .unwrap()
        .is_valid());
    let total = bank::BankOptions {
        total: Some(30),
        ..options
    };
    assert_eq!(
        bank::check(&with("{0 5, 1 15}"), &total)
            .unwrap()
            .findings
            .len(),
        2
    );
}

#[test]
fn reads_of_a_group_that_each_saw_what_the_other_missed_are_a_long_fork() {
    let r = |p: u64, v: &str| op(p, "invoke", "read", "nil") + &op(p, "ok", "read", v);
    let ordered = r(0, "[[:r 0 1] [:r 1 nil]]")
        + &r(1, "[[:r 0 1] [:r 1 1]]")
        + &r(2, "[[:r 0 nil] [:r 1 nil]]");
    assert!(long_fork::check(&events(&ordered), Some(2))
        .unwrap()
        .is_valid());
    let fork = r(0, "[[:r 0 1] [:r 1 nil]]") + &r(1, "[[:r 0 nil] [:r 1 1]]");
    let verdict = long_fork::check(&events(&fork), Some(2)).unwrap();
    assert_eq!(verdict.findings[0].kind, "long-fork", "{verdict}");
    assert!(matches!(
        long_fork::check(&events(&fork), Some(3)).unwrap().validity,
        Validity::Unknown(_)
    ));
    let twice = op(0, "invoke", "write", "[[:w 0 1]]") + &op(1, "invoke", "write", "[[:w 0 2]]");
    assert!(matches!(
        long_fork::check(&events(&twice), None).unwrap().validity,
        Validity::Unknown(_)
    ));
}

#[test]
fn a_read_that_sees_a_write_sees_those_completed_before_it_began() {
    let w =
        |v: u32| op(0, "invoke", "write", &v.to_string()) + &op(0, "ok", "write", &v.to_string());
    let read = |v: &str| w(1) + &w(2) + &op(1, "invoke", "read", "nil") + &op(1, "ok", "read", v);
    assert!(comments::check(&events(&read("#{1 2}")))
        .unwrap()
        .is_valid());
    assert!(comments::check(&events(&read("#{1}"))).unwrap().is_valid());
    assert_eq!(
        comments::check(&events(&read("#{2}"))).unwrap().findings[0].kind,
        "missing"
    );
}

#[test]
fn subkeys_written_in_order_are_seen_in_order() {
    let read = |v: &str| op(0, "invoke", "read", "nil") + &op(0, "ok", "read", v);
    assert!(sequential::check(&events(&read("[1 [nil nil 1 1]]")))
        .unwrap()
        .is_valid());
    assert!(!sequential::check(&events(&read("[1 [1 nil 1]]")))
        .unwrap()
        .is_valid());
}
