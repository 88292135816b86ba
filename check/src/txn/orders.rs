//! The orders beyond the dependencies: each process's own order, and real
//! time. Both are edges between transactions, for the `-process` and
//! `-realtime` anomalies.

use super::anomaly::{AnomalyKind, Closure, Edge, EdgeKind, INITIAL};
use super::consistency::ConsistencyModel;
use super::history::{Status, TxnHistory};
use super::lattice;
use std::collections::BTreeSet;

/// Which orders beyond the dependencies a check builds edges for. Each
/// costs edges linear in the history; a check asked about a model that
/// needs neither builds neither, and the models that need one it left
/// out are unknown, not judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Orders {
    /// Each process's own order (the `-process` anomalies).
    pub process: bool,
    /// Real time (the `-realtime` anomalies).
    pub realtime: bool,
}

impl Default for Orders {
    /// Every order: each model of the lattice is judged.
    fn default() -> Self {
        Orders::ALL
    }
}

impl Orders {
    /// Every order: each model of the lattice is judged.
    pub const ALL: Orders = Orders {
        process: true,
        realtime: true,
    };

    /// The orders a cycle may need to imply one of `targets` (anomalies
    /// by Elle's names): an order is built when some cycle it closes
    /// implies a target.
    pub fn for_anomalies<'a>(targets: impl IntoIterator<Item = &'a str>) -> Orders {
        let targets: BTreeSet<&str> = targets.into_iter().collect();
        let needs = |closure: Closure| {
            [(0, 0), (0, 1), (1, 0), (2, 0)].iter().any(|&(rw, wr)| {
                let kind = AnomalyKind::of_cycle(rw, wr, closure);
                lattice::implied_anomalies([kind.name()])
                    .iter()
                    .any(|a| targets.contains(a))
            })
        };
        let realtime = needs(Closure::Realtime);
        Orders {
            // Real time implies each process's order; with it built, the
            // process edges come too, for they are few.
            process: realtime || needs(Closure::Process),
            realtime,
        }
    }

    /// The orders judging `model` needs.
    pub fn for_model(model: ConsistencyModel) -> Orders {
        Orders::for_anomalies(lattice::proscribed(model))
    }

    /// The orders judging `model` and looking for `anomalies` need.
    pub fn for_asked(model: ConsistencyModel, anomalies: &[&str]) -> Orders {
        let targets = lattice::proscribed(model);
        Orders::for_anomalies(targets.into_iter().chain(anomalies.iter().copied()))
    }

    /// The order judging `model` needs that these leave out, if any.
    pub fn missing_for(self, model: ConsistencyModel) -> Option<&'static str> {
        let need = Orders::for_model(model);
        if need.realtime && !self.realtime {
            Some("real-time")
        } else if need.process && !self.process {
            Some("process")
        } else {
            None
        }
    }
}

/// An order edge from `from` to `to`.
fn edge(from: u32, to: u32, kind: EdgeKind) -> Edge {
    Edge {
        from,
        to,
        kind,
        key: 0,
        value: INITIAL,
        next: INITIAL,
    }
}

/// Process-order edges: from each committed transaction to each later
/// transaction of its process up to and including the next committed one
/// (a process runs one at a time, so all of them began after it ended; a
/// failed transaction did not happen, and an indeterminate one orders
/// nothing after it, since it may take effect at any time).
pub fn process_edges(history: &TxnHistory) -> Vec<Edge> {
    let mut last: crate::fxhash::FxMap<u64, u32> = Default::default();
    let mut edges = Vec::new();
    for (t, txn) in history.txns.iter().enumerate() {
        if txn.status == Status::Fail {
            continue;
        }
        if let Some(&prev) = last.get(&txn.process) {
            edges.push(edge(prev, t as u32, EdgeKind::Process));
        }
        if txn.status == Status::Ok {
            last.insert(txn.process, t as u32);
        }
    }
    edges
}

/// Real time, as edges through barrier nodes: `txns` is the first free
/// node, and the answer's second part one past the last barrier. Each
/// barrier stands for a moment between a completion and the next
/// invocation: the transactions that completed since the last barrier
/// lead to it, the last barrier leads to it, and it leads to each
/// transaction invoked before the next barrier. So a path from `a` to `b`
/// through barriers exists exactly when `a` completed before `b` was
/// invoked, with edges linear in the history, where edges between
/// transactions would be quadratic (a thousand processes in lock-step
/// have a thousand predecessors per invocation).
pub fn realtime_edges(history: &TxnHistory, txns: usize) -> (Vec<Edge>, usize) {
    let mut events: Vec<(u64, bool, u32)> = Vec::with_capacity(history.txns.len() * 2);
    for (t, txn) in history.txns.iter().enumerate() {
        if txn.status == Status::Fail {
            continue;
        }
        events.push((txn.invoke, true, t as u32));
        if let (Status::Ok, Some(c)) = (txn.status, txn.complete) {
            events.push((c, false, t as u32));
        }
    }
    events.sort_unstable();
    let (mut edges, mut nodes) = (Vec::new(), txns);
    let (mut barrier, mut done): (Option<u32>, Vec<u32>) = (None, Vec::new());
    for (_, invocation, t) in events {
        if !invocation {
            done.push(t);
            continue;
        }
        if !done.is_empty() {
            let b = nodes as u32;
            nodes += 1;
            edges.extend(barrier.map(|prev| edge(prev, b, EdgeKind::Realtime)));
            edges.extend(done.drain(..).map(|d| edge(d, b, EdgeKind::Realtime)));
            barrier = Some(b);
        }
        edges.extend(barrier.map(|b| edge(b, t, EdgeKind::Realtime)));
    }
    (edges, nodes)
}

/// The pairs (a, b) of `spans` (invocation, completion if it completed,
/// id) where a completed before b was invoked, reduced to the frontier of
/// latest completions at each invocation (the rest follow transitively).
pub fn realtime_pairs(spans: impl Iterator<Item = (u64, Option<u64>, u32)>) -> Vec<(u32, u32)> {
    let mut events: Vec<(u64, bool, u32)> = Vec::new();
    for (invoke, complete, id) in spans {
        events.push((invoke, true, id));
        if let Some(c) = complete {
            events.push((c, false, id));
        }
    }
    events.sort_unstable();
    let mut frontier: Vec<u32> = Vec::new();
    let mut preds: crate::fxhash::FxMap<u32, Vec<u32>> = crate::fxhash::FxMap::default();
    let mut pairs = Vec::new();
    for (_, invocation, t) in events {
        if invocation {
            pairs.extend(frontier.iter().map(|&f| (f, t)));
            preds.insert(t, frontier.clone());
        } else {
            let before = preds.remove(&t).unwrap_or_default();
            frontier.retain(|f| !before.contains(f));
            frontier.push(t);
        }
    }
    pairs
}
