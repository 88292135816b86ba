//! Leased work's checks: three monitors after every event, and the
//! liveness check after healing.
//!
//! - *no two live leases*: at no true instant do two workers both believe
//!   they hold a lease on one chunk, each judging by its own clock as it
//!   does (the promise holds while every clock's drift is within
//!   [`DRIFT_BOUND_PERCENT`](super::lease::DRIFT_BOUND_PERCENT)%);
//! - *no chunk applied twice* and *fencing is monotonic*: the store applies
//!   each chunk's result once, and never accepts a token older than one it
//!   accepted for that chunk (counted by the monitor from what the store
//!   reports accepting, so a crash of the store forgets nothing);
//! - *done means stored*: a chunk the coordinator holds done has its result
//!   durable in the store;
//! - eventually, *no chunk lost*: after healing, every chunk of every job is
//!   done and stored.

use super::lease::Clocks;
use super::messages::{ChunkId, JobId, LwBlock, Token};
use super::worker::Assignment;
use super::{Coordinator, LwNode, STORE};
use sim::{NodeId, SimTime, Simulation};
use std::collections::{BTreeMap, BTreeSet};

/// A node's two clocks now.
fn clocks(sim: &Simulation<LwNode>, id: NodeId) -> Clocks {
    Clocks {
        monotonic: sim.monotonic_time(id),
        wall: sim.local_time(id),
    }
}

/// At most one worker at a time believes it holds a lease on a chunk.
/// Checked after every event, clock faults included (a wall clock set back
/// can revive a belief measured on it).
pub fn no_two_live_leases(sim: &Simulation<LwNode>) -> Result<(), String> {
    let mut holders: Vec<(NodeId, Assignment, Clocks)> = Vec::new();
    for (id, node) in sim.live_nodes() {
        let Some(worker) = node.worker() else {
            continue;
        };
        let now = clocks(sim, id);
        if let Some(a) = worker.held_lease(now) {
            if let Some((other, b, then)) = holders.iter().find(|(_, b, _)| b.chunk == a.chunk) {
                return Err(format!(
                    "{} is leased to two workers at once at {} (true time): {}, and {}",
                    a.chunk,
                    sim.now(),
                    belief(*other, b, *then),
                    belief(id, a, now)
                ));
            }
            holders.push((id, *a, now));
        }
    }
    Ok(())
}

fn belief(id: NodeId, a: &Assignment, now: Clocks) -> String {
    format!(
        "{id} holds {} until {} (its clocks read {} monotonic, {} wall)",
        a.token, a.lease, now.monotonic, now.wall
    )
}

/// One acceptance the store made, as the monitor saw it.
#[derive(Clone, Copy, Debug, Hash)]
struct Seen {
    token: Token,
    worker: NodeId,
    applied: bool,
    at: SimTime,
}

impl Seen {
    fn describe(&self) -> String {
        let what = if self.applied { "write" } else { "claim" };
        format!(
            "{}'s {what} under {} at {}",
            self.worker, self.token, self.at
        )
    }
}

/// The store's properties: each chunk's result is applied once, and the
/// tokens it accepts for a chunk never go back.
pub const STORE_PROPERTIES: [&str; 2] = ["no chunk applied twice", "fencing is monotonic"];

/// Checks [`STORE_PROPERTIES`] after every event, from what the store
/// reports it accepted in that event.
pub fn store_properties() -> impl FnMut(&Simulation<LwNode>) -> Result<(), String> {
    let mut version = u64::MAX;
    let mut newest: BTreeMap<ChunkId, Seen> = BTreeMap::new();
    let mut applies: BTreeMap<ChunkId, Seen> = BTreeMap::new();
    move |sim| {
        if std::mem::replace(&mut version, sim.node_version(STORE)) == version {
            return Ok(());
        }
        let Some(acc) = sim
            .node(STORE)
            .and_then(LwNode::store)
            .and_then(|s| s.last_acceptance())
        else {
            return Ok(());
        };
        let seen = Seen {
            token: acc.token,
            worker: acc.worker,
            applied: acc.applied,
            at: sim.now(),
        };
        let [twice, monotonic] = STORE_PROPERTIES;
        if let Some(before) = newest.get(&acc.chunk).filter(|b| b.token > acc.token) {
            return Err(format!(
                "{monotonic}: for {}, the store accepted {} after {}",
                acc.chunk,
                seen.describe(),
                before.describe()
            ));
        }
        newest.insert(acc.chunk, seen);
        if acc.applied {
            if let Some(first) = applies.get(&acc.chunk) {
                return Err(format!(
                    "{twice}: {}'s result was applied twice: {}, then {}",
                    acc.chunk,
                    first.describe(),
                    seen.describe()
                ));
            }
            applies.insert(acc.chunk, seen);
        }
        Ok(())
    }
}

/// The token whose result the store holds durably for `chunk`, if any.
pub fn stored(sim: &Simulation<LwNode>, chunk: ChunkId) -> Option<Token> {
    match sim.storage(STORE).read_synced(chunk.address()) {
        Ok(Some(LwBlock::Record(r))) => r.applied,
        _ => None,
    }
}

/// Every chunk of `job`.
fn parts(job: JobId, count: usize) -> impl Iterator<Item = ChunkId> {
    (0..count).map(move |part| ChunkId {
        job,
        part: part as u8,
    })
}

/// A chunk the coordinator holds done has its result durable in the store.
pub fn done_means_stored() -> impl FnMut(&Simulation<LwNode>) -> Result<(), String> {
    let mut verified: BTreeSet<ChunkId> = BTreeSet::new();
    let mut version = u64::MAX;
    move |sim| {
        if std::mem::replace(&mut version, sim.node_version(super::COORDINATOR)) == version {
            return Ok(());
        }
        let Some(coordinator) = sim.node(super::COORDINATOR).and_then(LwNode::coordinator) else {
            return Ok(());
        };
        for (&job, chunks) in coordinator.jobs() {
            for (chunk, record) in parts(job, chunks.len()).zip(chunks) {
                if !record.done || verified.contains(&chunk) {
                    continue;
                }
                if stored(sim, chunk).is_none() {
                    return Err(format!(
                        "{chunk} is done at the coordinator at {}, but the store has no result \
                         for it (its last lease was {})",
                        sim.now(),
                        record.last_token
                    ));
                }
                verified.insert(chunk);
            }
        }
        Ok(())
    }
}

/// After healing: every job the coordinator knows is complete, and every
/// chunk's result is stored.
pub fn no_chunk_lost(sim: &Simulation<LwNode>) -> Result<(), String> {
    let coordinator = sim
        .node(super::COORDINATOR)
        .and_then(LwNode::coordinator)
        .ok_or("the coordinator is down")?;
    for (&job, chunks) in coordinator.jobs() {
        for (chunk, record) in parts(job, chunks.len()).zip(chunks) {
            if stored(sim, chunk).is_none() {
                let state = if record.done { "done" } else { "not done" };
                return Err(format!(
                    "{chunk} has no result in the store ({state} at the coordinator, last \
                     leased with {})",
                    record.last_token
                ));
            }
        }
        if !Coordinator::complete(chunks) {
            return Err(format!(
                "{job} is stored but not complete at the coordinator"
            ));
        }
    }
    Ok(())
}

/// The lowest worker that holds a chunk: what focused faults hit.
pub fn busy_worker(sim: &Simulation<LwNode>) -> Option<NodeId> {
    sim.live_nodes()
        .find(|(_, n)| n.worker().is_some_and(|w| w.assignment().is_some()))
        .map(|(id, _)| id)
}
