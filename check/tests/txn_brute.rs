//! The transactional checker against a brute-force reference: on thousands
//! of small random histories, a history is serializable (strong session
//! serializable, strict serializable) exactly when some serial order of
//! its committed transactions, and some subset of its indeterminate ones,
//! explains every read (and respects each process's order, or real time).
//! The checker must agree whenever it answers, and answer every
//! list-append history.
//!
//! Snapshot isolation has a reference of its own: some commit order, and
//! for each transaction a snapshot taken at a point before its commit,
//! such that every read sees the snapshot (and the transaction's own
//! writes), and no two transactions that overlap (one commits between the
//! other's snapshot and commit) write a common key.

use check::rng::SimRng;
use check::txn::generate::{history, Shape, Workload};
use check::txn::history::{Mop, ReadValue, Status, TxnHistory};
use check::txn::verdict::Outcome;
use check::txn::{check, CheckOptions, ConsistencyModel};

/// What a serial order must respect beyond the reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    /// Nothing: serializable.
    None,
    /// Each process's order: strong session serializable.
    Process,
    /// Real time: strict serializable.
    Realtime,
}

/// Whether `other` must come before `txn` in a serial order.
fn must_precede(order: Order, other: &check::txn::Txn, txn: &check::txn::Txn) -> bool {
    other.status == Status::Ok
        && match order {
            Order::None => false,
            Order::Process => other.process == txn.process && other.invoke < txn.invoke,
            Order::Realtime => other.complete.is_some_and(|c| c < txn.invoke),
        }
}

/// Some serial order of `chosen` explains every committed read.
fn explains(h: &TxnHistory, chosen: &[usize], strict: Order) -> bool {
    fn go(
        h: &TxnHistory,
        left: &mut Vec<usize>,
        placed: &mut Vec<usize>,
        state: &mut Vec<Vec<u32>>,
        strict: Order,
    ) -> bool {
        if left.is_empty() {
            return true;
        }
        for i in 0..left.len() {
            let t = left[i];
            let txn = &h.txns[t];
            // Every committed transaction the order puts before this one
            // must already be placed.
            let blocked = left
                .iter()
                .any(|&o| o != t && must_precede(strict, &h.txns[o], txn));
            if blocked {
                continue;
            }
            let saved = state.clone();
            if run(txn, state) {
                left.remove(i);
                placed.push(t);
                if go(h, left, placed, state, strict) {
                    return true;
                }
                placed.pop();
                left.insert(i, t);
            }
            *state = saved;
        }
        false
    }
    let mut state = Vec::new();
    go(h, &mut chosen.to_vec(), &mut Vec::new(), &mut state, strict)
}

/// Applies a transaction; false if one of its (committed) reads disagrees.
fn run(txn: &check::txn::Txn, state: &mut Vec<Vec<u32>>) -> bool {
    apply(txn, state, txn.status == Status::Ok)
}

/// Applies a transaction; false if `check_reads` and a read disagrees.
fn apply(txn: &check::txn::Txn, state: &mut Vec<Vec<u32>>, check_reads: bool) -> bool {
    for mop in &txn.mops {
        let key = mop.key() as usize;
        if state.len() <= key {
            state.resize(key + 1, Vec::new());
        }
        match mop {
            Mop::Append { value, .. } => state[key].push(*value),
            Mop::Write { value, .. } => state[key] = vec![*value],
            Mop::Read { value, .. } if check_reads => {
                let ok = match value {
                    ReadValue::List(l) => state[key][..] == l[..],
                    ReadValue::One(v) => state[key].last() == Some(v),
                    ReadValue::Nil => state[key].is_empty(),
                };
                if !ok {
                    return false;
                }
            }
            Mop::Read { .. } => {}
        }
    }
    true
}

/// The reference: serializable (or under `strict`'s order) by exhaustive
/// search.
fn reference(h: &TxnHistory, strict: Order) -> bool {
    some_outcome(h, |chosen| explains(h, chosen, strict))
}

/// Whether `explains` holds for the committed transactions with some
/// subset of the indeterminate ones.
fn some_outcome(h: &TxnHistory, explains: impl Fn(&[usize]) -> bool) -> bool {
    let committed: Vec<usize> = (0..h.txns.len())
        .filter(|&i| h.txns[i].status == Status::Ok)
        .collect();
    let unknown: Vec<usize> = (0..h.txns.len())
        .filter(|&i| h.txns[i].status == Status::Info)
        .collect();
    (0u32..1 << unknown.len()).any(|mask| {
        let mut chosen = committed.clone();
        chosen.extend(
            unknown
                .iter()
                .enumerate()
                .filter(|(b, _)| mask & (1 << b) != 0)
                .map(|(_, &t)| t),
        );
        explains(&chosen)
    })
}

/// Some commit order of `chosen`, with a snapshot point for each, is a
/// snapshot-isolated run (see the module's description).
fn snapshot_isolated(h: &TxnHistory, chosen: &[usize]) -> bool {
    fn go(h: &TxnHistory, left: &mut Vec<usize>, placed: &mut Vec<usize>) -> bool {
        if left.is_empty() {
            return true;
        }
        for i in 0..left.len() {
            let t = left[i];
            if !has_snapshot(h, placed, t) {
                continue;
            }
            left.remove(i);
            placed.push(t);
            if go(h, left, placed) {
                return true;
            }
            placed.pop();
            left.insert(i, t);
        }
        false
    }
    go(h, &mut chosen.to_vec(), &mut Vec::new())
}

/// Whether `t`, committing after `placed`, has a snapshot point: after
/// some prefix of `placed`, with none of the rest writing a key it writes.
fn has_snapshot(h: &TxnHistory, placed: &[usize], t: usize) -> bool {
    let txn = &h.txns[t];
    let writes = |u: usize| -> Vec<u32> {
        let mops = h.txns[u].mops.iter();
        mops.filter(|m| !matches!(m, Mop::Read { .. }))
            .map(|m| m.key())
            .collect()
    };
    let mine = writes(t);
    (0..=placed.len()).rev().any(|p| {
        let overlapping = &placed[p..];
        if overlapping
            .iter()
            .any(|&u| writes(u).iter().any(|k| mine.contains(k)))
        {
            return false;
        }
        let mut state = Vec::new();
        let prefix = placed[..p].iter().map(|&u| &h.txns[u]);
        prefix.for_each(|u| assert!(apply(u, &mut state, false)));
        run(txn, &mut state)
    })
}

fn small(rng: &mut SimRng, workload: Workload) -> Shape {
    Shape {
        workload,
        txns: rng.between(2, max_txns()) as usize,
        processes: rng.between(1, 3) as usize,
        active_keys: rng.between(1, 3) as usize,
        writes_per_key: 100,
        max_mops: 3,
        fail_percent: 10,
        info_percent: 10,
        corrupt_percent: 35,
    }
}

/// Runs `cases` random histories of `workload`; returns (agreed valid,
/// agreed invalid, unknown).
fn agreement(workload: Workload, cases: u64) -> (u64, u64, u64) {
    let (mut valid, mut invalid, mut unknown) = (0, 0, 0);
    for case in 0..cases {
        let mut rng = SimRng::from_seed_and_label(case, "txn-brute");
        let shape = small(&mut rng, workload);
        let h = history(&mut rng, &shape);
        for (model, strict) in [
            (ConsistencyModel::Serializable, Order::None),
            (ConsistencyModel::StrongSessionSerializable, Order::Process),
            (ConsistencyModel::StrictSerializable, Order::Realtime),
        ] {
            let verdict = check(
                &h,
                CheckOptions {
                    model,
                    ..CheckOptions::default()
                },
            );
            let expected = reference(&h, strict);
            match verdict.outcome {
                Outcome::Valid => {
                    assert!(
                        expected,
                        "case {case} {model}: the checker says valid, the reference not\n{}",
                        check::txn::format::to_edn(&h)
                    );
                    valid += 1;
                }
                Outcome::Invalid => {
                    assert!(!expected, "case {case} {model}: the checker says invalid, the reference finds an order\n{}{}", check::txn::format::to_edn(&h), verdict.render(&h));
                    invalid += 1;
                }
                Outcome::Unknown(why) => {
                    assert_eq!(
                        workload,
                        Workload::RwRegister,
                        "case {case}: list-append is always decided: {why}"
                    );
                    unknown += 1;
                }
            }
        }
    }
    (valid, invalid, unknown)
}

/// The most transactions in a history (`FAULTLINE_TXN_MAX`, default 7).
fn max_txns() -> u64 {
    std::env::var("FAULTLINE_TXN_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7)
}

fn cases() -> u64 {
    std::env::var("FAULTLINE_TXN_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

#[test]
fn list_append_agrees_with_the_brute_force_reference() {
    let (valid, invalid, unknown) = agreement(Workload::ListAppend, cases());
    eprintln!("list-append: {valid} valid, {invalid} invalid, {unknown} unknown");
    assert!(
        valid > cases() / 4 && invalid > cases() / 4,
        "both verdicts are common: {valid} valid, {invalid} invalid"
    );
}

#[test]
fn rw_register_agrees_with_the_brute_force_reference_when_it_answers() {
    let (valid, invalid, unknown) = agreement(Workload::RwRegister, cases());
    eprintln!("rw-register: {valid} valid, {invalid} invalid, {unknown} unknown");
    assert!(
        valid > cases() / 4 && invalid > cases() / 4,
        "both verdicts are common: {valid} valid, {invalid} invalid"
    );
    assert!(
        unknown < cases() / 2,
        "the register checker answers most histories: {unknown} unknown"
    );
}

/// Snapshot isolation against its reference: the checker's "invalid" must
/// be right, and so must its "valid" (which it gives only when a stronger
/// model holds).
fn snapshot_agreement(workload: Workload, cases: u64) -> (u64, u64, u64) {
    let (mut valid, mut invalid, mut unknown) = (0, 0, 0);
    for case in 0..cases {
        let mut rng = SimRng::from_seed_and_label(case, "txn-brute-si");
        let shape = small(&mut rng, workload);
        let h = history(&mut rng, &shape);
        let options = CheckOptions {
            model: ConsistencyModel::SnapshotIsolation,
            ..CheckOptions::default()
        };
        let verdict = check(&h, options);
        let expected = some_outcome(&h, |chosen| snapshot_isolated(&h, chosen));
        let edn = || check::txn::format::to_edn(&h);
        match verdict.outcome {
            Outcome::Valid => {
                assert!(
                    expected,
                    "case {case}: valid, the reference finds no run\n{}",
                    edn()
                );
                valid += 1;
            }
            Outcome::Invalid => {
                let why = verdict.render(&h);
                assert!(
                    !expected,
                    "case {case}: invalid, the reference finds a run\n{}{why}",
                    edn()
                );
                invalid += 1;
            }
            Outcome::Unknown(_) => unknown += 1,
        }
    }
    (valid, invalid, unknown)
}

#[test]
fn snapshot_isolation_agrees_with_the_brute_force_reference() {
    for workload in [Workload::ListAppend, Workload::RwRegister] {
        let (valid, invalid, unknown) = snapshot_agreement(workload, cases());
        eprintln!(
            "snapshot isolation, {workload:?}: {valid} valid, {invalid} invalid, {unknown} unknown"
        );
        assert!(
            valid > cases() / 5 && invalid > cases() / 5,
            "both verdicts are common: {valid} valid, {invalid} invalid"
        );
    }
}
