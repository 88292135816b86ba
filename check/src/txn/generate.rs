//! Random transactional histories, for the brute-force agreement tests and
//! the benchmark.
//!
//! Processes run transactions one at a time over overlapping intervals of
//! time. Each committed transaction takes effect at one instant inside its
//! interval, so the history is strict serializable as generated; some
//! transactions fail (no effect) and some end unknown (effect or not, at
//! random). Keys rotate as Jepsen's generators do: a few keys are active,
//! and a key that has taken `writes_per_key` writes is retired for a fresh
//! one, so reads stay short however long the history. A corruption then
//! changes some committed reads, which may or may not make the history
//! invalid: that is for the checker to say.

use super::atoms::Atoms;
use super::history::{Mop, ReadValue, Status, Txn, TxnHistory};
use crate::rng::SimRng;

/// Which workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Appends and list reads.
    ListAppend,
    /// Writes and register reads.
    RwRegister,
}

/// The shape of a generated history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The workload.
    pub workload: Workload,
    /// How many transactions.
    pub txns: usize,
    /// How many client processes run them concurrently.
    pub processes: usize,
    /// How many keys are active at a time.
    pub active_keys: usize,
    /// Writes a key takes before it is retired.
    pub writes_per_key: usize,
    /// The most micro-operations in a transaction (at least one).
    pub max_mops: usize,
    /// Percent of transactions that fail, and that end unknown.
    pub fail_percent: u64,
    /// Percent of transactions that end unknown.
    pub info_percent: u64,
    /// Percent of committed reads changed after the fact.
    pub corrupt_percent: u64,
}

impl Shape {
    /// Elle's benchmark shape: list-append, 10 active keys of 32 writes
    /// each, 10 processes, up to 4 micro-operations, no faults.
    pub fn benchmark(txns: usize) -> Shape {
        Shape {
            workload: Workload::ListAppend,
            txns,
            processes: 10,
            active_keys: 10,
            writes_per_key: 32,
            max_mops: 4,
            fail_percent: 0,
            info_percent: 0,
            corrupt_percent: 0,
        }
    }
}

/// The state the generator executes transactions against.
struct World {
    lists: Vec<Vec<u32>>,
    writes: Vec<usize>,
    active: Vec<u32>,
    next_key: u32,
    next_value: u32,
}

impl World {
    fn new(shape: &Shape) -> World {
        let active = (0..shape.active_keys.max(1) as u32).collect();
        World {
            lists: Vec::new(),
            writes: Vec::new(),
            active,
            next_key: shape.active_keys.max(1) as u32,
            next_value: 0,
        }
    }

    fn list(&mut self, key: u32) -> &mut Vec<u32> {
        let k = key as usize;
        if self.lists.len() <= k {
            self.lists.resize(k + 1, Vec::new());
            self.writes.resize(k + 1, 0);
        }
        &mut self.lists[k]
    }

    /// A transaction's mops (reads unfilled), on the active keys.
    fn plan(&mut self, rng: &mut SimRng, shape: &Shape) -> Vec<Mop> {
        let count = rng.between(1, shape.max_mops.max(1) as u64) as usize;
        (0..count)
            .map(|_| {
                let slot = rng.below(self.active.len() as u64) as usize;
                let key = self.active[slot];
                if rng.chance(1, 2) {
                    return Mop::Read {
                        key,
                        value: ReadValue::Nil,
                    };
                }
                self.next_value += 1;
                let value = self.next_value;
                self.list(key);
                self.writes[key as usize] += 1;
                if self.writes[key as usize] >= shape.writes_per_key.max(1) {
                    self.active[slot] = self.next_key;
                    self.next_key += 1;
                }
                match shape.workload {
                    Workload::ListAppend => Mop::Append { key, value },
                    Workload::RwRegister => Mop::Write { key, value },
                }
            })
            .collect()
    }

    /// Applies `mops` at one instant, filling in the reads.
    fn apply(&mut self, mops: &mut [Mop]) {
        for mop in mops {
            match mop {
                Mop::Append { key, value } => self.list(*key).push(*value),
                Mop::Write { key, value } => {
                    let v = *value;
                    let list = self.list(*key);
                    list.clear();
                    list.push(v);
                }
                Mop::Read { key, value } => {
                    *value = ReadValue::List(self.list(*key).clone().into_boxed_slice())
                }
            }
        }
    }
}

/// A random history of `shape` from `rng`.
pub fn history(rng: &mut SimRng, shape: &Shape) -> TxnHistory {
    let mut world = World::new(shape);
    // Each process's transactions: invoke at `start`, take effect at
    // `effect`, complete at `end` (times in arbitrary units).
    let processes = shape.processes.max(1);
    let mut clock = vec![0u64; processes];
    let mut planned: Vec<(u64, u64, u64, usize, Status, Vec<Mop>)> = Vec::with_capacity(shape.txns);
    for _ in 0..shape.txns {
        let p = rng.below(processes as u64) as usize;
        // Even instants for invocations and completions, odd for effects,
        // so an effect is never tied with a boundary.
        let start = clock[p] + 2 * rng.between(1, 20);
        let end = start + 2 * rng.between(1, 40);
        let effect = start + 1 + 2 * rng.below((end - start) / 2);
        clock[p] = end;
        let roll = rng.below(100);
        let status = if roll < shape.fail_percent {
            Status::Fail
        } else if roll < shape.fail_percent + shape.info_percent {
            Status::Info
        } else {
            Status::Ok
        };
        let mops = world.plan(rng, shape);
        planned.push((effect, start, end, p, status, mops));
    }
    // Take effect in order of the effect instants.
    let mut order: Vec<usize> = (0..planned.len()).collect();
    order.sort_by_key(|&i| (planned[i].0, i));
    let mut applied = World::new(shape);
    for i in order {
        let (_, _, _, _, status, mops) = &mut planned[i];
        let takes_effect = match status {
            Status::Ok => true,
            Status::Fail => false,
            Status::Info => rng.chance(1, 2),
        };
        if takes_effect {
            applied.apply(mops);
        }
    }
    assemble(rng, shape, planned)
}

/// The planned transactions as a history: events ordered by time,
/// registers' reads as single values, and the corruption applied.
fn assemble(
    rng: &mut SimRng,
    shape: &Shape,
    planned: Vec<(u64, u64, u64, usize, Status, Vec<Mop>)>,
) -> TxnHistory {
    let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(planned.len() * 2);
    for (i, (_, start, end, _, status, _)) in planned.iter().enumerate() {
        events.push((*start, true, i));
        if *status != Status::Info || rng.chance(1, 2) {
            events.push((*end, false, i));
        }
    }
    // Completions before invocations at one instant.
    events.sort_by_key(|&(t, invoke, i)| (t, invoke, i));
    let mut positions = vec![(0u64, None); planned.len()];
    for (pos, &(_, invoke, i)) in events.iter().enumerate() {
        if invoke {
            positions[i].0 = pos as u64;
        } else {
            positions[i].1 = Some(pos as u64);
        }
    }
    let mut atoms = Atoms::default();
    let mut txns: Vec<Txn> = planned
        .into_iter()
        .zip(positions)
        .map(|((_, _, _, p, status, mops), (invoke, complete))| {
            let mops = mops
                .into_iter()
                .map(|m| finish_read(m, shape.workload, status))
                .collect();
            Txn {
                process: p as u64,
                status,
                mops,
                invoke,
                complete,
                line: invoke as usize + 1,
                index: None,
            }
        })
        .collect();
    txns.sort_by_key(|t| t.invoke);
    for t in &mut txns {
        if t.status == Status::Ok && rng.below(100) < shape.corrupt_percent {
            corrupt(rng, &mut t.mops);
        }
    }
    // Keys and values are their own numbers.
    let top = txns.iter().flat_map(|t| &t.mops).map(Mop::largest_id);
    let top = top.max().unwrap_or(0);
    for i in 0..=top + 1 {
        atoms.int(i64::from(i));
    }
    TxnHistory {
        txns,
        atoms,
        has_invokes: true,
    }
}

/// A read as the workload reports it; reads of transactions that did not
/// commit are unknown.
fn finish_read(mop: Mop, workload: Workload, status: Status) -> Mop {
    match mop {
        Mop::Read { key, .. } if status != Status::Ok => Mop::Read {
            key,
            value: ReadValue::Nil,
        },
        Mop::Read {
            key,
            value: ReadValue::List(list),
        } if workload == Workload::RwRegister => Mop::Read {
            key,
            value: list.last().map_or(ReadValue::Nil, |&v| ReadValue::One(v)),
        },
        other => other,
    }
}

/// Changes one read: drops its last element, adds a value, swaps two, or
/// (a register) reads another value.
fn corrupt(rng: &mut SimRng, mops: &mut [Mop]) {
    let reads: Vec<usize> = (0..mops.len())
        .filter(|&i| matches!(mops[i], Mop::Read { .. }))
        .collect();
    let Some(&i) = rng.pick(&reads) else { return };
    let Mop::Read { value, .. } = &mut mops[i] else {
        return;
    };
    match value {
        ReadValue::List(boxed) => {
            let mut list = std::mem::take(boxed).into_vec();
            match rng.below(3) {
                0 => {
                    list.pop();
                }
                1 if list.len() >= 2 => {
                    let a = rng.below(list.len() as u64) as usize;
                    let last = list.len() - 1;
                    list.swap(a, last);
                }
                _ => list.push(rng.between(1, 3 + list.len() as u64 * 2) as u32),
            }
            *boxed = list.into_boxed_slice();
        }
        ReadValue::One(v) => *v = rng.between(1, u64::from(*v) + 3) as u32,
        ReadValue::Nil => *value = ReadValue::One(rng.between(1, 4) as u32),
    }
}
