//! Snapshots of a simulation: a copy to branch from, and a fingerprint to
//! tell states apart. Both need nodes that opt in by being [`Explorable`].
//!
//! A copy shares the node factory with its original (see
//! `versions::Factory`); everything else, the nodes, their disks, clocks
//! and random streams, the queue, the network and the trace, is its own.
//!
//! The fingerprint is what the exhaustive search deduplicates states by.
//! It holds everything a later step can observe: each node's status,
//! state and disk, and the pending events as a multiset (their order in
//! the queue and the ids the engine gave them are left out). The time and
//! the random streams are in it only once some handler has read them (see
//! [`Observed`]): two states that differ only there behave alike for a
//! model that never looks, and a search that sees a model look starts
//! again with them in.

use super::{NodeRuntime, Simulation};
use crate::event::Event;
use crate::node::{Node, Observed};
use std::hash::{DefaultHasher, Hash, Hasher};

/// A node whose state can be copied and compared, so that a simulation of
/// it can be snapshotted and fingerprinted: what the exhaustive search
/// needs. Every type that meets the bounds is one; a model opts in by
/// deriving `Clone` and `Hash` for its node (and `Clone` for its timers,
/// operations and replies, `Hash` for its blocks).
///
/// A node's `Hash` must cover every field that changes what it does next.
/// A field left out merges states that differ, and the search then proves
/// a bound over fewer behaviours than it says.
pub trait Explorable:
    Node<Timer: Clone, Op: Clone, Reply: Clone, Block: Hash> + Clone + Hash
{
}

impl<N> Explorable for N where
    N: Node<Timer: Clone, Op: Clone, Reply: Clone, Block: Hash> + Clone + Hash
{
}

impl<N: Explorable> Clone for NodeRuntime<N> {
    fn clone(&self) -> Self {
        NodeRuntime {
            status: self.status,
            incarnation: self.incarnation,
            clock: self.clock,
            rng: self.rng.clone(),
            storage: self.storage.clone(),
            backlog: self.backlog.clone(),
            version: self.version,
        }
    }
}

impl<N: Explorable> Clone for Simulation<N> {
    fn clone(&self) -> Self {
        Simulation {
            config: self.config.clone(),
            factory: self.factory.clone(),
            focus: self.focus.clone(),
            focus_targets: self.focus_targets.clone(),
            nodes: self.nodes.clone(),
            runtimes: self.runtimes.clone(),
            world: self.world.clone(),
            next_op_id: self.next_op_id,
            surge: self.surge,
            healed_core: self.healed_core.clone(),
            marks: self.marks.clone(),
            observed: self.observed.clone(),
        }
    }
}

impl<N: Node> Simulation<N> {
    /// What the handlers have read so far beyond their state and inputs:
    /// the clock, the random stream (see [`Observed`]).
    pub fn observed(&self) -> Observed {
        self.observed.get()
    }

    /// An event's identity for the fingerprint: what it does when it runs,
    /// without the ids the engine gave it (a message's id is never seen by
    /// a node; a timer's handle is, so it stays).
    pub(super) fn event_digest(&self, event: &super::EventOf<N>) -> u64 {
        let mut h = DefaultHasher::new();
        match event {
            Event::Start { node } => (0u8, node).hash(&mut h),
            Event::Deliver { from, to, msg, .. } => (1u8, from, to, msg).hash(&mut h),
            Event::Timer {
                node, id, payload, ..
            } => (2u8, node, id, payload).hash(&mut h),
            Event::ClientOp { node, op_id, op } => (3u8, node, op_id, op).hash(&mut h),
            Event::Fault(fault) | Event::FocusFault(fault, _) => {
                (4u8, format!("{fault:?}")).hash(&mut h);
            }
        }
        h.finish()
    }

    /// False for an event that will do nothing when it comes due: a
    /// cancelled timer, or one set before its node's last crash.
    pub(super) fn is_live(&self, event: &super::EventOf<N>) -> bool {
        match event {
            Event::Timer {
                node,
                incarnation,
                id,
                ..
            } => {
                let rt = &self.runtimes[node.index()];
                self.world.timers.is_live(*id)
                    && rt.incarnation == *incarnation
                    && !rt.status.is_down()
            }
            _ => true,
        }
    }
}

impl<N: Explorable> Simulation<N> {
    /// A 64-bit fingerprint of the state, for telling states apart (see the
    /// module's documentation for what it holds), with the time and the
    /// random streams in it as `include` says: a search includes what any
    /// handler of any state has read ([`Simulation::observed`]). Equal
    /// states have equal fingerprints in one process; unequal ones collide
    /// with the odds of a 64-bit hash.
    pub fn fingerprint(&self, include: Observed) -> u64 {
        let seen = include;
        let mut h = DefaultHasher::new();
        for (node, rt) in self.nodes.iter().zip(&self.runtimes) {
            rt.status.hash(&mut h);
            node.hash(&mut h);
            rt.storage.fingerprint(&mut h);
            rt.backlog.len().hash(&mut h);
            for event in &rt.backlog {
                self.event_digest(event).hash(&mut h);
            }
            if seen.random {
                rt.rng.position().hash(&mut h);
            }
        }
        let mut pending: Vec<u64> = self
            .world
            .queue
            .entries()
            .filter(|(_, _, event)| self.is_live(event))
            .map(|(at, _, event)| {
                let digest = self.event_digest(event);
                if seen.clock {
                    crate::trace::mix(digest, at.0)
                } else {
                    digest
                }
            })
            .collect();
        pending.sort_unstable();
        pending.hash(&mut h);
        self.next_op_id.hash(&mut h);
        if seen.clock {
            self.world.now.0.hash(&mut h);
        }
        h.finish()
    }
}
