//! Dependency inference for list-append histories.
//!
//! Every append to a key adds a value of its own, so a read reveals the
//! order of every append it saw. The version order of a key is its longest
//! read; every other read must be a prefix of it (else *incompatible
//! order*). Appends no read saw come after the longest read, in an order
//! no one observed (so any order is consistent with them).
//!
//! Edges, for a key whose longest read is `v1 … vn`:
//! - ww: the writer of `vi` to the writer of `vi+1`, and the writer of `vn`
//!   to each unobserved appender;
//! - wr: the writer of a read's last element to the reader;
//! - rw: a reader of `v1 … vm` to the writer of `vm+1`, or, when it read
//!   all of `v1 … vn`, to each unobserved appender (through one fan-out
//!   node per key, so that readers times appenders edges are not drawn).
//!
//! A key whose reads disagree (incompatible order, duplicates, its own
//! appends reversed) has no order: it keeps only its wr edges, which need
//! none.

use super::anomaly::{AnomalyKind, Edge, EdgeKind, INITIAL};
use super::history::{Mop, ReadValue, TxnHistory};
use super::infer::{name, readers, show, Inference, Writer, Writers};
use crate::fxhash::FxMap;

/// What is known of one key's version order.
struct KeyOrder {
    /// The longest read: (transaction, mop).
    longest: (u32, u32),
    /// False once a read contradicts it, or it repeats an element.
    consistent: bool,
}

/// The list read at (transaction, mop), if it is one.
fn list_at(history: &TxnHistory, (t, m): (u32, u32)) -> &[u32] {
    match &history.txns[t as usize].mops[m as usize] {
        Mop::Read {
            value: ReadValue::List(values),
            ..
        } => values,
        _ => &[],
    }
}

/// Every committed list read: (transaction, mop, key, values).
fn list_reads(history: &TxnHistory) -> impl Iterator<Item = (u32, u32, u32, &[u32])> {
    readers(history).flat_map(|(t, txn)| {
        txn.mops
            .iter()
            .enumerate()
            .filter_map(move |(m, mop)| match mop {
                Mop::Read {
                    key,
                    value: ReadValue::List(values),
                } => Some((t, m as u32, *key, &values[..])),
                _ => None,
            })
    })
}

/// Infers the dependencies and the anomalies visible without a cycle.
pub fn infer(history: &TxnHistory, writers: &Writers) -> Inference {
    let mut out = Inference::new(history.txns.len());
    super::internal::check(history, &mut out);
    let mut orders = version_orders(history, &mut out);
    observed_values(history, writers, &mut orders, &mut out);
    dependencies(history, writers, &orders, &mut out);
    lost_updates(history, &mut out);
    out
}

/// Each key's longest read, and whether every read is a prefix of it.
fn version_orders(history: &TxnHistory, out: &mut Inference) -> FxMap<u32, KeyOrder> {
    let mut orders: FxMap<u32, KeyOrder> = FxMap::default();
    for (t, m, key, values) in list_reads(history) {
        let order = orders.entry(key).or_insert(KeyOrder {
            longest: (t, m),
            consistent: true,
        });
        if values.len() > list_at(history, order.longest).len() {
            order.longest = (t, m);
        }
    }
    for (t, m, key, values) in list_reads(history) {
        let order = orders.get_mut(&key).expect("every read key has an order");
        let longest = list_at(history, order.longest);
        if order.consistent && !longest.starts_with(values) {
            order.consistent = false;
            let (lt, _) = order.longest;
            let detail = format!(
                "key {}: {} read {}, which is not a prefix of {} read by {}",
                history.atoms.get(key),
                name(history, t),
                show(history, values),
                show(history, longest),
                name(history, lt)
            );
            out.found(AnomalyKind::IncompatibleOrder, vec![t, lt], detail);
        }
        let _ = m;
    }
    orders
}

/// The anomalies of the values reads saw: duplicates, values no one wrote
/// (garbage), values of failed transactions (G1a, and a dirty update when a
/// committed append follows one), a transaction's appends out of its own
/// order, and intermediate reads (G1b).
fn observed_values(
    history: &TxnHistory,
    writers: &Writers,
    orders: &mut FxMap<u32, KeyOrder>,
    out: &mut Inference,
) {
    let mut keys: Vec<u32> = orders.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let order = orders.get_mut(&key).expect("listed");
        if !longest_read(history, writers, key, order.longest, out) {
            order.consistent = false;
        }
    }
    intermediate_reads(history, writers, out);
}

/// Checks the elements of `key`'s longest read; false when they cannot be
/// a version order (an element twice, or a transaction's appends reversed).
fn longest_read(
    history: &TxnHistory,
    writers: &Writers,
    key: u32,
    at: (u32, u32),
    out: &mut Inference,
) -> bool {
    let (reader, longest) = (at.0, list_at(history, at));
    let mut seen: FxMap<u32, ()> = FxMap::default();
    // Per writer: the mop and value of its latest element so far.
    let mut last_by: FxMap<u32, (u32, u32)> = FxMap::default();
    let k = history.atoms.get(key);
    let atom = |v: u32| history.atoms.get(v);
    for (i, &v) in longest.iter().enumerate() {
        if seen.insert(v, ()).is_some() {
            let detail = format!(
                "key {k}: {} read {} twice in {}",
                name(history, reader),
                atom(v),
                show(history, longest)
            );
            out.found(AnomalyKind::DuplicateElements, vec![reader], detail);
            return false;
        }
        let Some(w) = writers.get(key, v) else {
            let detail = format!(
                "key {k}: {} read {}, which no transaction appended",
                name(history, reader),
                atom(v)
            );
            out.found(AnomalyKind::GarbageRead, vec![reader], detail);
            continue;
        };
        // A transaction's own appends appear in the order it made them.
        if let Some(&(mop, before)) = last_by.get(&w.txn).filter(|(mop, _)| *mop > w.mop) {
            let _ = mop;
            let detail = format!(
                "key {k}: {} appended {} before {}, but {} read them the other way round: {}",
                name(history, w.txn),
                atom(v),
                atom(before),
                name(history, reader),
                show(history, longest)
            );
            out.found(AnomalyKind::IncompatibleOrder, vec![w.txn, reader], detail);
            return false;
        }
        last_by.insert(w.txn, (w.mop, v));
        if w.failed {
            aborted_read(history, writers, (key, reader, longest, i), w, out);
        }
    }
    true
}

/// The element `i` of `longest`, read by `reader`, was appended by `w`,
/// which failed: G1a, and a dirty update if a committed append follows.
fn aborted_read(
    history: &TxnHistory,
    writers: &Writers,
    (key, reader, longest, i): (u32, u32, &[u32], usize),
    w: Writer,
    out: &mut Inference,
) {
    let (k, v) = (history.atoms.get(key), history.atoms.get(longest[i]));
    let detail = format!(
        "key {k}: {} read {v}, appended by {}, which failed",
        name(history, reader),
        name(history, w.txn)
    );
    out.found(AnomalyKind::G1a, vec![w.txn, reader], detail);
    let next = longest
        .get(i + 1)
        .and_then(|&n| writers.get(key, n))
        .filter(|n| !n.failed);
    if let Some(n) = next {
        let detail = format!(
            "key {k}: {} appended {} on top of {v}, appended by {}, which failed",
            name(history, n.txn),
            history.atoms.get(longest[i + 1]),
            name(history, w.txn)
        );
        out.found(AnomalyKind::DirtyUpdate, vec![w.txn, n.txn], detail);
    }
}

/// Reads that end with a value its writer appended to again (G1b).
fn intermediate_reads(history: &TxnHistory, writers: &Writers, out: &mut Inference) {
    for (t, _, key, values) in list_reads(history) {
        let Some(&last) = values.last() else { continue };
        if let Some(w) = writers
            .get(key, last)
            .filter(|w| w.txn != t && !w.last && !w.failed)
        {
            let detail = format!(
                "key {}: {} read {}, ending with {}, which {} appended before appending again",
                history.atoms.get(key),
                name(history, t),
                show(history, values),
                history.atoms.get(last),
                name(history, w.txn)
            );
            out.found(AnomalyKind::G1b, vec![w.txn, t], detail);
        }
    }
}

/// The writer of each element of a key's longest read (`None` when no
/// transaction that may have committed appended it).
fn element_writers(writers: &Writers, key: u32, longest: &[u32]) -> Vec<Option<Writer>> {
    longest
        .iter()
        .map(|&v| writers.get(key, v).filter(|w| !w.failed))
        .collect()
}

/// The ww, wr and rw edges of every key whose order is consistent.
fn dependencies(
    history: &TxnHistory,
    writers: &Writers,
    orders: &FxMap<u32, KeyOrder>,
    out: &mut Inference,
) {
    // Appends no read saw, by key.
    let mut position: FxMap<(u32, u32), ()> = FxMap::default();
    let mut chains: FxMap<u32, Vec<Option<Writer>>> = FxMap::default();
    for (&key, order) in orders.iter().filter(|(_, o)| o.consistent) {
        let longest = list_at(history, order.longest);
        for &v in longest {
            position.insert((key, v), ());
        }
        chains.insert(key, element_writers(writers, key, longest));
    }
    let mut unseen: FxMap<u32, Vec<(u32, u32)>> = FxMap::default();
    for (t, txn) in history.possibly_committed() {
        for mop in &txn.mops {
            if let Mop::Append { key, value } = *mop {
                if !position.contains_key(&(key, value)) && chains.contains_key(&key) {
                    unseen.entry(key).or_default().push((t as u32, value));
                }
            }
        }
    }
    out.unordered = unordered_appends(history, &chains, &unseen);
    let mut keys: Vec<u32> = chains.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let longest = list_at(history, orders[&key].longest);
        write_edges(
            key,
            longest,
            &chains[&key],
            unseen.get(&key).map_or(&[], Vec::as_slice),
            out,
        );
    }
    let mut fans: FxMap<u32, u32> = FxMap::default();
    for (t, _, key, values) in list_reads(history) {
        let Some(chain) = chains.get(&key) else {
            observed_write(writers, t, key, values, out);
            continue;
        };
        let longest = list_at(history, orders[&key].longest);
        let unseen = unseen.get(&key).map_or(&[][..], Vec::as_slice);
        read_edges(t, (key, values), (longest, chain), (unseen, &mut fans), out);
    }
}

/// Per key, the transactions whose appends have no known mutual order:
/// those no read saw, and on a key with no consistent order (never read,
/// or read in disagreeing orders) every appender.
fn unordered_appends(
    history: &TxnHistory,
    chains: &FxMap<u32, Vec<Option<Writer>>>,
    unseen: &FxMap<u32, Vec<(u32, u32)>>,
) -> Vec<Vec<u32>> {
    let mut groups: FxMap<u32, Vec<u32>> = FxMap::default();
    for (&key, writes) in unseen {
        groups.insert(key, writes.iter().map(|&(t, _)| t).collect());
    }
    for (t, txn) in history.possibly_committed() {
        for mop in &txn.mops {
            if let Mop::Append { key, .. } = *mop {
                if !chains.contains_key(&key) {
                    groups.entry(key).or_default().push(t as u32);
                }
            }
        }
    }
    super::infer::unordered_groups(groups)
}

/// The wr edge into a read of a key whose reads disagree on its order:
/// whatever the order, the read saw its last element's append, so that
/// append's transaction came first. The ww and rw edges need the order,
/// and are not drawn; this one keeps cycles through other keys in view
/// (a G1c that Elle finds through them).
fn observed_write(writers: &Writers, t: u32, key: u32, values: &[u32], out: &mut Inference) {
    let Some(&last) = values.last() else { return };
    if let Some(w) = writers.get(key, last).filter(|w| !w.failed) {
        out.edge(Edge {
            from: w.txn,
            to: t,
            kind: EdgeKind::Wr,
            key,
            value: last,
            next: INITIAL,
        });
    }
}

/// ww edges along a key's order, and from its last writer to each unseen appender.
fn write_edges(
    key: u32,
    longest: &[u32],
    chain: &[Option<Writer>],
    unseen: &[(u32, u32)],
    out: &mut Inference,
) {
    for i in 1..chain.len() {
        if let (Some(a), Some(b)) = (chain[i - 1], chain[i]) {
            out.edge(Edge {
                from: a.txn,
                to: b.txn,
                kind: EdgeKind::Ww,
                key,
                value: longest[i - 1],
                next: longest[i],
            });
        }
    }
    if let Some(Some(last)) = chain.last() {
        for &(u, value) in unseen {
            out.edge(Edge {
                from: last.txn,
                to: u,
                kind: EdgeKind::Ww,
                key,
                value: longest[chain.len() - 1],
                next: value,
            });
        }
    }
}

/// The wr edge into a read, and its rw edge out: to the writer of the
/// next version, or, for a read of the whole order, to the fan-out node of
/// the key's unseen appends (one per key, made by the first such read).
fn read_edges(
    t: u32,
    (key, values): (u32, &[u32]),
    (longest, chain): (&[u32], &[Option<Writer>]),
    (unseen, fans): (&[(u32, u32)], &mut FxMap<u32, u32>),
    out: &mut Inference,
) {
    let m = values.len();
    let seen = values.last().copied().unwrap_or(INITIAL);
    if let Some(Some(w)) = m.checked_sub(1).map(|i| chain[i]) {
        out.edge(Edge {
            from: w.txn,
            to: t,
            kind: EdgeKind::Wr,
            key,
            value: seen,
            next: INITIAL,
        });
    }
    if m < chain.len() {
        if let Some(w) = chain[m] {
            out.edge(Edge {
                from: t,
                to: w.txn,
                kind: EdgeKind::Rw,
                key,
                value: seen,
                next: longest[m],
            });
        }
    } else if !unseen.is_empty() {
        out.rw_to_all((t, key, seen), unseen, fans);
    }
}

/// Two committed transactions that read the same version of a key before
/// appending to it: one of the appends was lost to the other's reader.
fn lost_updates(history: &TxnHistory, out: &mut Inference) {
    let mut first: FxMap<(u32, usize), u32> = FxMap::default();
    for (t, txn) in readers(history) {
        for (key, version) in read_then_appended(&txn.mops) {
            let Some(&other) = first.get(&(key, version)) else {
                first.insert((key, version), t);
                continue;
            };
            let detail = format!(
                "key {}: {} and {} both read the version of length {version} and both appended to it",
                history.atoms.get(key),
                name(history, other),
                name(history, t)
            );
            out.found(AnomalyKind::LostUpdate, vec![other, t], detail);
        }
    }
}

/// The keys a transaction read (before writing them) and then appended
/// to, with the length of the version it read.
fn read_then_appended(mops: &[Mop]) -> Vec<(u32, usize)> {
    let mut read: Vec<(u32, usize)> = Vec::new();
    let mut wrote: Vec<u32> = Vec::new();
    let mut found = Vec::new();
    for mop in mops {
        match mop {
            Mop::Read {
                key,
                value: ReadValue::List(values),
            } if !wrote.contains(key) && !read.iter().any(|(k, _)| k == key) => {
                read.push((*key, values.len()));
            }
            Mop::Append { key, .. } if !wrote.contains(key) => {
                found.extend(read.iter().find(|(k, _)| k == key).copied());
                wrote.push(*key);
            }
            _ => {}
        }
    }
    found
}
