//! What the database promises about each key's version order, as Elle's
//! rw-register options state it. A register read shows which write it saw
//! but not the order of the writes; each promise orders some of them:
//!
//! - **writes follow reads** (`wfr`): a transaction that read a version of
//!   a key and then wrote the key wrote after the version it read;
//! - **sequential keys**: each process sees each key's versions in order,
//!   so what it saw or wrote of a key earlier is no later than what it sees
//!   or writes next;
//! - **linearizable keys**: the same across processes in real time, so
//!   what a transaction saw or wrote of a key is no later than what any
//!   transaction invoked after it completed sees or writes.
//!
//! Elle assumes none of them unless asked. faultline assumes writes follow
//! reads unless told not to: it holds whenever a transaction reads
//! committed data and versions are ordered as they are installed, and
//! without it few rw-register histories can be judged. The others are off
//! unless asked, as in Elle.

use super::anomaly::INITIAL;
use super::history::{Mop, ReadValue, Status, Txn, TxnHistory};

/// Which promises to assume.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyAssumptions {
    /// Writes follow reads within a transaction.
    pub wfr: bool,
    /// Each process sees each key's versions in order.
    pub sequential: bool,
    /// Every key is linearizable.
    pub linearizable: bool,
}

impl Default for KeyAssumptions {
    /// Writes follow reads; neither sequential nor linearizable keys.
    fn default() -> Self {
        KeyAssumptions {
            wfr: true,
            sequential: false,
            linearizable: false,
        }
    }
}

/// A version order hint: on `key`, version `earlier` (a value, or
/// [`INITIAL`]) comes no later than version `later`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hint {
    /// The key.
    pub key: u32,
    /// The version that comes first.
    pub earlier: u32,
    /// The version that comes no earlier.
    pub later: u32,
}

/// What one committed transaction saw of each key it touched: the version
/// it first saw (read, or wrote before reading) and the one it left (its
/// last write, else what it read).
fn spans(txn: &Txn) -> Vec<(u32, u32, u32)> {
    let mut out: Vec<(u32, u32, u32)> = Vec::new();
    for mop in &txn.mops {
        let (key, version) = match mop {
            Mop::Write { key, value } => (*key, *value),
            Mop::Read {
                key,
                value: ReadValue::One(v),
            } => (*key, *v),
            Mop::Read {
                key,
                value: ReadValue::Nil,
            } => (*key, INITIAL),
            _ => continue,
        };
        match out.iter_mut().find(|(k, _, _)| *k == key) {
            Some(span) => span.2 = version,
            None => out.push((key, version, version)),
        }
    }
    out
}

/// The hints the sequential and linearizable promises give (writes
/// follow reads is drawn where reads are inferred, in `register`).
pub fn hints(history: &TxnHistory, assume: KeyAssumptions) -> Vec<Hint> {
    let mut out = Vec::new();
    let committed = || {
        history
            .txns
            .iter()
            .enumerate()
            .filter(|(_, t)| t.status == Status::Ok)
    };
    if assume.sequential {
        let mut last: crate::fxhash::FxMap<(u64, u32), u32> = Default::default();
        for (_, txn) in committed() {
            for (key, first, left) in spans(txn) {
                if let Some(seen) = last.insert((txn.process, key), left) {
                    push(&mut out, key, seen, first);
                }
            }
        }
    }
    if assume.linearizable {
        let mut by_key: crate::fxhash::FxMap<u32, Vec<(u64, Option<u64>, u32)>> =
            Default::default();
        let mut seen: crate::fxhash::FxMap<(u32, u32), (u32, u32)> = Default::default();
        for (t, txn) in committed() {
            for (key, first, left) in spans(txn) {
                by_key
                    .entry(key)
                    .or_default()
                    .push((txn.invoke, txn.complete, t as u32));
                seen.insert((t as u32, key), (first, left));
            }
        }
        let mut keys: Vec<u32> = by_key.keys().copied().collect();
        keys.sort_unstable();
        for key in keys {
            let spans = by_key.remove(&key).unwrap_or_default();
            for (a, b) in super::orders::realtime_pairs(spans.into_iter()) {
                push(&mut out, key, seen[&(a, key)].1, seen[&(b, key)].0);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn push(out: &mut Vec<Hint>, key: u32, earlier: u32, later: u32) {
    if earlier != later && earlier != INITIAL {
        out.push(Hint {
            key,
            earlier,
            later,
        });
    }
}
