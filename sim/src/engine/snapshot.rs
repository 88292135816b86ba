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
use crate::node_id::NodeId;
use std::hash::{Hash, Hasher};

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
        let mut h = Fingerprinter::default();
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
    /// with the odds of a 64-bit hash. It is [`Simulation::node_fingerprint`]
    /// of each node folded with [`Simulation::events_fingerprint`], so a
    /// search that keeps the nodes' fingerprints by
    /// [`Simulation::node_version`] and status recomputes only the nodes a
    /// step touched.
    pub fn fingerprint(&self, include: Observed) -> u64 {
        let mut h = Fingerprinter::default();
        for i in 0..self.nodes.len() {
            h.write_u64(self.node_fingerprint(NodeId::from(i), include));
        }
        h.write_u64(self.events_fingerprint(include));
        h.finish()
    }

    /// Node `id`'s part of the fingerprint: its status, state and disk (and
    /// its random stream's position, if `include` says so). It changes
    /// only when [`Simulation::node_version`] or the node's status does.
    pub fn node_fingerprint(&self, id: NodeId, include: Observed) -> u64 {
        let (node, rt) = (&self.nodes[id.index()], &self.runtimes[id.index()]);
        let mut h = Fingerprinter::default();
        rt.status.hash(&mut h);
        node.hash(&mut h);
        rt.storage.fingerprint(&mut h);
        rt.backlog.len().hash(&mut h);
        for event in &rt.backlog {
            self.event_digest(event).hash(&mut h);
        }
        if include.random {
            rt.rng.position().hash(&mut h);
        }
        h.finish()
    }

    /// The rest of the fingerprint: the pending events as a multiset, the
    /// next client operation's id (and the time, if `include` says so).
    pub fn events_fingerprint(&self, include: Observed) -> u64 {
        // A multiset's hash: the sum of each event's own, well mixed, so
        // that the queue's order does not matter and two copies count twice.
        let mut pending = 0u64;
        for (at, _, event) in self.world.queue.entries() {
            if !self.is_live(event) {
                continue;
            }
            let mut h = Fingerprinter::default();
            h.write_u64(self.event_digest(event));
            if include.clock {
                h.write_u64(at.0);
            }
            pending = pending.wrapping_add(h.finish());
        }
        let mut h = Fingerprinter::default();
        h.write_u64(pending);
        self.next_op_id.hash(&mut h);
        if include.clock {
            self.world.now.0.hash(&mut h);
        }
        h.finish()
    }
}

/// The hasher of fingerprints: each word goes through a xor, an odd
/// multiply and a xor-shift, each a bijection, so no word's effect is ever
/// lost; the end is a full avalanche (splitmix64's finalizer). Faster than
/// SipHash, which the search spent a sixth of its time in, and as good for
/// telling states apart (nothing here defends against chosen inputs).
#[derive(Clone, Copy, Debug)]
pub struct Fingerprinter(u64);

impl Default for Fingerprinter {
    fn default() -> Self {
        Fingerprinter(0x243f_6a88_85a3_08d3)
    }
}

impl Hasher for Fingerprinter {
    #[inline]
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    #[inline]
    fn write_u64(&mut self, word: u64) {
        let x = (self.0 ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = x ^ (x >> 29);
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        self.write_u64(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 56));
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_u128(&mut self, i: u128) {
        self.write_u64(i as u64);
        self.write_u64((i >> 64) as u64);
    }
}
