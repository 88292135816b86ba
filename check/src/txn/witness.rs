//! Serial witnesses: the committed transactions run one after another
//! against a store that starts empty. When every read sees what the run
//! gives it, the run is a serial execution of the history: it is
//! serializable. Elle calls such a history valid where the dependencies
//! alone leave the order of some writes open; a witness that fails proves
//! nothing. Two orders are tried:
//! - the order the transactions completed in, which respects each process
//!   and real time (a transaction that completed before another began
//!   completes before it), so with invocations known it is strictly
//!   serializable too;
//! - a topological order of the graph, when it has no cycle, which
//!   respects the orders built into it (process order, real time) and
//!   every dependency the reads reveal; where the graph leaves a choice,
//!   the transaction invoked first goes first (or, on a second try, the
//!   one that completed first), and a register's writer waits while
//!   readers of the value before it are still to come.
//!
//! Transactions that did not commit are left out: a failed one did not
//! happen, and an indeterminate one may not have.

use super::anomaly::Edge;
use super::graph::{Graph, PO, RT, RW, WR, WW};
use super::history::{Mop, ReadValue, Status, Txn, TxnHistory};
use crate::fxhash::FxMap;
use std::collections::BTreeMap;

/// True when the committed transactions, run in the order they completed,
/// give every read exactly what it returned (`nil`: the key was never
/// written, or its list is empty).
pub(super) fn serial_in_completion_order(history: &TxnHistory) -> bool {
    let mut committed: Vec<usize> = committed(history).collect();
    committed.sort_by_key(|&t| history.txns[t].complete.unwrap_or(history.txns[t].invoke));
    serial(history, committed.into_iter())
}

/// True when the graph of `n` nodes over `edges` has no cycle and the
/// committed transactions, run in a topological order of it, give every
/// read exactly what it returned.
pub(super) fn serial_in_graph_order(history: &TxnHistory, n: usize, edges: &[Edge]) -> bool {
    let graph = Graph::new(n, edges, WW | WR | RW | PO | RT);
    let txns = history.txns.len();
    // Among transactions free to go next, the first invoked (then, on a
    // second try, the first completed): what the graph leaves open is
    // most likely in that order.
    let by_invoke = |t: &Txn| t.invoke;
    let by_completion = |t: &Txn| t.complete.unwrap_or(t.invoke);
    [by_invoke, by_completion].iter().any(|when| {
        let Some(order) = Placing::new(history, &graph, when).run() else {
            return false;
        };
        let order = order.into_iter().map(|t| t as usize);
        serial(
            history,
            order.filter(|&t| t < txns && history.txns[t].status == Status::Ok),
        )
    })
}

/// A key's value in the serial run: `None` before any write.
type Version = (u32, Option<u32>);

/// Kahn's algorithm, the ready node of least rank first, with one rule for
/// registers: after a write, other writers of the key wait while readers
/// of the value written are still to come, unless nothing else can go.
/// Virtual nodes (real time's barriers, fan-outs) go as soon as they may.
struct Placing<'a, 'g> {
    history: &'a TxnHistory,
    graph: &'a Graph<'g>,
    when: &'a dyn Fn(&Txn) -> u64,
    /// Readers not yet placed, per version.
    waiting: FxMap<Version, u32>,
    current: FxMap<u32, Option<u32>>,
}

impl<'a, 'g> Placing<'a, 'g> {
    fn new(history: &'a TxnHistory, graph: &'a Graph<'g>, when: &'a dyn Fn(&Txn) -> u64) -> Self {
        let mut waiting: FxMap<Version, u32> = FxMap::default();
        for t in committed(history) {
            for version in external_reads(&history.txns[t]) {
                *waiting.entry(version).or_insert(0) += 1;
            }
        }
        Placing {
            history,
            graph,
            when,
            waiting,
            current: FxMap::default(),
        }
    }

    fn rank(&self, a: u32) -> u64 {
        self.history
            .txns
            .get(a as usize)
            .map_or(0, |t| (self.when)(t) + 1)
    }

    /// The committed transaction at node `a`, if it is one.
    fn txn(&self, a: u32) -> Option<&'a Txn> {
        let t = self.history.txns.get(a as usize)?;
        (t.status == Status::Ok).then_some(t)
    }

    /// Whether `a` writes a key whose current value still has readers to
    /// come, other than `a` itself.
    fn must_wait(&self, a: u32) -> bool {
        let Some(txn) = self.txn(a) else { return false };
        let reads = external_reads(txn);
        final_writes(txn).iter().any(|&(key, _)| {
            let version = (key, self.current.get(&key).copied().flatten());
            let waiting = self.waiting.get(&version).copied().unwrap_or(0);
            waiting > u32::from(reads.contains(&version))
        })
    }

    fn place(&mut self, a: u32) {
        let Some(txn) = self.txn(a) else { return };
        for version in external_reads(txn) {
            if let Some(w) = self.waiting.get_mut(&version) {
                *w -= 1;
            }
        }
        for (key, value) in final_writes(txn) {
            self.current.insert(key, Some(value));
        }
    }

    /// The order, or `None` when the graph has a cycle or the waiting
    /// rule takes too long.
    fn run(mut self) -> Option<Vec<u32>> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let n = self.graph.len();
        let mut indegree = self.graph.indegrees();
        let mut ready: BinaryHeap<Reverse<(u64, u32)>> = (0..n as u32)
            .filter(|&a| indegree[a as usize] == 0)
            .map(|a| Reverse((self.rank(a), a)))
            .collect();
        let (mut held, mut order) = (Vec::new(), Vec::with_capacity(n));
        let mut budget = 8 * n as u64 + 1024;
        loop {
            budget = budget.checked_sub(1)?;
            let a = match ready.pop() {
                Some(Reverse((_, a))) if self.must_wait(a) => {
                    held.push(a);
                    continue;
                }
                Some(Reverse((_, a))) => a,
                // Nothing else can go: the first held goes anyway.
                None if !held.is_empty() => {
                    held.sort_unstable_by_key(|&a| Reverse((self.rank(a), a)));
                    let first = held.pop().expect("not empty");
                    ready.extend(held.drain(..).map(|h| Reverse((self.rank(h), h))));
                    first
                }
                None => break,
            };
            self.place(a);
            order.push(a);
            for b in self.graph.successors(a) {
                indegree[b as usize] -= 1;
                if indegree[b as usize] == 0 {
                    ready.push(Reverse((self.rank(b), b)));
                }
            }
            // A placed transaction may free the held ones.
            budget = budget.checked_sub(held.len() as u64)?;
            ready.extend(held.drain(..).map(|h| Reverse((self.rank(h), h))));
        }
        (order.len() == n).then_some(order)
    }
}

/// The register versions `txn` reads before writing the key itself.
fn external_reads(txn: &Txn) -> Vec<Version> {
    let mut wrote: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for mop in &txn.mops {
        match mop {
            Mop::Write { key, .. } => wrote.push(*key),
            Mop::Read { key, value } if !wrote.contains(key) => match value {
                ReadValue::One(v) => out.push((*key, Some(*v))),
                ReadValue::Nil => out.push((*key, None)),
                ReadValue::List(_) => {}
            },
            _ => {}
        }
    }
    out
}

/// The last value `txn` writes to each register it writes.
fn final_writes(txn: &Txn) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for mop in &txn.mops {
        if let Mop::Write { key, value } = *mop {
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some(w) => w.1 = value,
                None => out.push((key, value)),
            }
        }
    }
    out
}

fn committed(history: &TxnHistory) -> impl Iterator<Item = usize> + '_ {
    (0..history.txns.len()).filter(|&t| history.txns[t].status == Status::Ok)
}

/// True when the transactions of `order`, run one after another, give
/// every read exactly what it returned.
fn serial(history: &TxnHistory, order: impl Iterator<Item = usize>) -> bool {
    let mut registers: BTreeMap<u32, u32> = BTreeMap::new();
    let mut lists: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for t in order {
        for mop in &history.txns[t].mops {
            match mop {
                Mop::Write { key, value } => {
                    registers.insert(*key, *value);
                }
                Mop::Append { key, value } => lists.entry(*key).or_default().push(*value),
                Mop::Read { key, value } => {
                    let list = lists.get(key).map_or(&[][..], Vec::as_slice);
                    let seen = match value {
                        ReadValue::Nil => !registers.contains_key(key) && list.is_empty(),
                        ReadValue::One(v) => registers.get(key) == Some(v),
                        ReadValue::List(vs) => list[..] == vs[..],
                    };
                    if !seen {
                        return false;
                    }
                }
            }
        }
    }
    true
}
