//! Dependency inference for read-write-register histories.
//!
//! A register read reveals only which write it saw, not the order of the
//! writes, so fewer dependencies are certain than with list-append:
//! - wr: the writer of a value to each transaction that read it;
//! - rw: a reader of the initial state to every writer of the key
//!   (through one fan-out node per key);
//! - ww and rw from a transaction that read `x` and then wrote the key:
//!   the writer of `x` comes before it, and so does every other reader of
//!   `x` (which would otherwise have read the newer value).
//!
//! The first two ww and rw edges rest on writes following reads, and more
//! come from the promises about each key's order that [`super::key_order`]
//! states, when they are assumed.
//!
//! Every other writer `w` of a key read as `x` must come either before the
//! writer of `x` or after the reader. Those are recorded as constraints;
//! the verdict is complete only when the graph already implies each one
//! (see [`super::verdict`]), and otherwise says unknown.

use super::anomaly::{AnomalyKind, Edge, EdgeKind, INITIAL};
use super::history::{Mop, ReadValue, TxnHistory};
use super::infer::{name, readers, Inference, Writers};
use super::key_order::{self, Hint, KeyAssumptions};
use crate::fxhash::FxMap;

/// A committed transaction's reads of values others wrote (or of the
/// initial state) that come before its own writes to the key:
/// (transaction, key, value or [`INITIAL`], the value it then wrote).
fn external_reads(history: &TxnHistory) -> Vec<(u32, u32, u32, Option<u32>)> {
    let mut out = Vec::new();
    for (t, txn) in readers(history) {
        let start = out.len();
        let mut wrote: Vec<u32> = Vec::new();
        for mop in &txn.mops {
            match mop {
                Mop::Read { key, value } if !wrote.contains(key) => {
                    let value = match value {
                        ReadValue::One(v) => *v,
                        ReadValue::Nil => INITIAL,
                        ReadValue::List(_) => continue,
                    };
                    if !out[start..].iter().any(|&(_, k, _, _)| k == *key) {
                        out.push((t, *key, value, None));
                    }
                }
                Mop::Write { key, value } => {
                    if let Some(r) = out[start..]
                        .iter_mut()
                        .find(|r| r.1 == *key && r.3.is_none())
                    {
                        if !wrote.contains(key) {
                            r.3 = Some(*value);
                        }
                    }
                    wrote.push(*key);
                }
                _ => {}
            }
        }
    }
    out
}

/// Infers the dependencies, the anomalies visible without a cycle, and the
/// constraints the graph must imply for the verdict to be complete, under
/// the promises `assume` makes about each key's version order.
pub fn infer(history: &TxnHistory, writers: &Writers, assume: KeyAssumptions) -> Inference {
    let mut out = Inference::new(history.txns.len());
    super::internal::check(history, &mut out);
    let reads = external_reads(history);
    let mut by_key: FxMap<u32, Vec<(u32, u32)>> = FxMap::default();
    for (t, txn) in history.possibly_committed() {
        for mop in &txn.mops {
            if let Mop::Write { key, value } = *mop {
                by_key.entry(key).or_default().push((t as u32, value));
            }
        }
    }
    let mut readers_of: FxMap<(u32, u32), Vec<u32>> = FxMap::default();
    for &(t, key, value, _) in &reads {
        readers_of.entry((key, value)).or_default().push(t);
    }
    let mut fans: FxMap<u32, u32> = FxMap::default();
    for &(t, key, value, then) in &reads {
        read_edges(
            history,
            (writers, &by_key),
            (t, key, value),
            &mut fans,
            &mut out,
        );
        if let Some(next) = then.filter(|_| assume.wfr) {
            overwrite_edges(writers, &readers_of, (t, key, value, next), &mut out);
        }
    }
    for hint in key_order::hints(history, assume) {
        ordered_versions(history, writers, &readers_of, hint, &mut out);
    }
    lost_updates(history, &reads, &mut out);
    // Reads reveal a register's version order only in part, so a model
    // that allows some cycles takes none of it as known: each key's
    // writers are one group (see [`Inference::unordered`]).
    let writers_by_key = by_key
        .iter()
        .map(|(&key, writes)| (key, writes.iter().map(|&(t, _)| t).collect()))
        .collect();
    out.unordered = super::infer::unordered_groups(writers_by_key);
    out
}

/// A promise puts `hint.earlier` before `hint.later`: the writer of one
/// precedes the writer of the other (ww), and so does every reader of the
/// earlier (rw). The initial state after a write is a cycle of versions.
fn ordered_versions(
    history: &TxnHistory,
    writers: &Writers,
    readers_of: &FxMap<(u32, u32), Vec<u32>>,
    hint: Hint,
    out: &mut Inference,
) {
    let Hint {
        key,
        earlier,
        later,
    } = hint;
    let Some(first) = writers.get(key, earlier).filter(|w| !w.failed) else {
        return;
    };
    if later == INITIAL {
        let detail = format!(
            "key {}: the initial state was seen after {}, which {} wrote, where the key's \
             order promises it cannot be",
            history.atoms.get(key),
            history.atoms.get(earlier),
            name(history, first.txn)
        );
        return out.found(AnomalyKind::CyclicVersions, vec![first.txn], detail);
    }
    let Some(then) = writers.get(key, later).filter(|w| !w.failed) else {
        return;
    };
    let (value, next) = (earlier, later);
    out.edge(Edge {
        from: first.txn,
        to: then.txn,
        kind: EdgeKind::Ww,
        key,
        value,
        next,
    });
    for &r in readers_of
        .get(&(key, earlier))
        .map_or(&[][..], Vec::as_slice)
    {
        out.edge(Edge {
            from: r,
            to: then.txn,
            kind: EdgeKind::Rw,
            key,
            value,
            next,
        });
    }
}

/// Each key's writes: (transaction, value written).
type ByKey = FxMap<u32, Vec<(u32, u32)>>;

/// The edges of one external read, its value's anomalies, and the
/// constraints it leaves open.
fn read_edges(
    history: &TxnHistory,
    (writers, by_key): (&Writers, &ByKey),
    (t, key, value): (u32, u32, u32),
    fans: &mut FxMap<u32, u32>,
    out: &mut Inference,
) {
    let others = by_key.get(&key).map_or(&[][..], Vec::as_slice);
    if value == INITIAL {
        // Every write of the key follows the initial state.
        if !others.is_empty() {
            out.rw_to_all((t, key, value), others, fans);
        }
        return;
    }
    let k = history.atoms.get(key);
    let v = history.atoms.get(value);
    let Some(w) = writers.get(key, value) else {
        let detail = format!(
            "key {k}: {} read {v}, which no transaction wrote",
            name(history, t)
        );
        return out.found(AnomalyKind::GarbageRead, vec![t], detail);
    };
    if w.failed {
        let detail = format!(
            "key {k}: {} read {v}, written by {}, which failed",
            name(history, t),
            name(history, w.txn)
        );
        return out.found(AnomalyKind::G1a, vec![w.txn, t], detail);
    }
    if !w.last {
        let detail = format!(
            "key {k}: {} read {v}, which {} overwrote within itself",
            name(history, t),
            name(history, w.txn)
        );
        out.found(AnomalyKind::G1b, vec![w.txn, t], detail);
    }
    out.edge(Edge {
        from: w.txn,
        to: t,
        kind: EdgeKind::Wr,
        key,
        value,
        next: INITIAL,
    });
    for &(other, _) in others {
        if other == w.txn || other == t {
            continue;
        }
        if out.constraints.len() >= MAX_CONSTRAINTS {
            // One constraint per read and other write of its key grows
            // with their product (20,000 of each: 400 million): past the
            // cap the order is left unchecked, and valid is not concluded.
            out.incomplete.get_or_insert_with(|| {
                format!(
                    "more than {MAX_CONSTRAINTS} orders of reads and writes to check: \
                     the register version order is left unchecked, so valid cannot be concluded"
                )
            });
            return;
        }
        out.constraints.push([t, w.txn, other]);
    }
}

/// The most rw-register constraints kept (12 bytes each).
const MAX_CONSTRAINTS: usize = 2_000_000;

/// A transaction read `value` and then wrote `next`: the writer of `value`
/// precedes it (ww), and so does every other reader of `value` (rw).
fn overwrite_edges(
    writers: &Writers,
    readers_of: &FxMap<(u32, u32), Vec<u32>>,
    (t, key, value, next): (u32, u32, u32, u32),
    out: &mut Inference,
) {
    if let Some(w) = writers.get(key, value).filter(|w| !w.failed) {
        out.edge(Edge {
            from: w.txn,
            to: t,
            kind: EdgeKind::Ww,
            key,
            value,
            next,
        });
    }
    for &r in readers_of.get(&(key, value)).map_or(&[][..], Vec::as_slice) {
        out.edge(Edge {
            from: r,
            to: t,
            kind: EdgeKind::Rw,
            key,
            value,
            next,
        });
    }
}

/// Two committed transactions that read the same value of a key and then
/// both wrote it.
fn lost_updates(history: &TxnHistory, reads: &[(u32, u32, u32, Option<u32>)], out: &mut Inference) {
    let mut first: FxMap<(u32, u32), u32> = FxMap::default();
    for &(t, key, value, then) in reads {
        if then.is_none() {
            continue;
        }
        match first.get(&(key, value)) {
            Some(&other) => {
                let shown = if value == INITIAL {
                    "nil".to_string()
                } else {
                    history.atoms.get(value).to_string()
                };
                let detail = format!(
                    "key {}: {} and {} both read {shown} and both wrote the key",
                    history.atoms.get(key),
                    name(history, other),
                    name(history, t)
                );
                out.found(AnomalyKind::LostUpdate, vec![other, t], detail);
            }
            None => {
                first.insert((key, value), t);
            }
        }
    }
}
