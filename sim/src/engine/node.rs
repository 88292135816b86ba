//! The node trait, and the context its handlers act through: a protocol
//! participant as a sans-IO state machine.
//!
//! A node never performs I/O and never reads a real clock. Each handler receives a
//! [`Context`]: it reads the node's clock, random stream and storage there, and
//! what it does to the world (a send, a timer, a client reply) goes to its
//! host. Under the engine that is the simulated world itself, at once; under
//! another host (see [`crate::host`]) it is a list of [`Effect`]s that the
//! host carries out, in order, when the handler returns. This is the style of
//! stateright's actors and of quinn-proto: the same node runs under this
//! engine, under another host, or in a unit test.
//!
//! The trait and the context live in one file because each is defined in
//! terms of the other. The world they act on is generic over the node's
//! vocabulary and knows nothing of this trait, so no file below imports
//! this one back.

use crate::clock::NodeClock;
use crate::marks::Marks;
use crate::node_id::{NodeId, OpId};
use crate::rng::SimRng;
use crate::storage::Storage;
use crate::time::{SimDuration, SimTime};
use crate::timers::{TimerId, TimerSlab};
use crate::world::World;
use std::cell::Cell;
use std::fmt::Debug;
use std::hash::Hash;

/// A participant in a simulated protocol.
///
/// The associated types are the node's vocabulary. Payloads must be `Hash` so the
/// trace can digest them, and `Debug` so a recorded trace can show them.
pub trait Node: Sized {
    /// Messages between nodes. `Clone` because the network may duplicate them.
    type Message: Clone + Debug + Hash;
    /// The payload of a timer.
    type Timer: Debug + Hash;
    /// The value of a durable storage block.
    type Block: Clone + Debug;
    /// A client operation.
    type Op: Debug + Hash;
    /// The answer to a client operation.
    type Reply: Debug + Hash;

    /// Called once, at time zero, on a fresh node.
    fn on_start(&mut self, ctx: &mut Context<'_, Self>);

    /// Called when a message arrives.
    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Self::Message);

    /// Called when a timer set by this node fires (cancelled timers never fire).
    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: Self::Timer) {
        let _ = (ctx, timer);
    }

    /// Called on a fresh node after a crash and restart. The node's storage holds
    /// exactly what was synced before the crash (see [`crate::storage`]).
    fn on_recover(&mut self, ctx: &mut Context<'_, Self>);

    /// Called when the node leaves the fleet gracefully (a `leave` fault),
    /// just before it stops for good: a chance to hand over and
    /// deregister. Its sends still go out. The default does nothing.
    fn on_leave(&mut self, ctx: &mut Context<'_, Self>) {
        let _ = ctx;
    }

    /// Called when an operator acts on the node (a `Fault::Operate`):
    /// `action` is a number the node interprets, such as "rotate your
    /// keys". The default ignores it.
    fn on_operate(&mut self, ctx: &mut Context<'_, Self>, action: u32) {
        let _ = (ctx, action);
    }

    /// Called when a client operation reaches this node. Answer it, now or later,
    /// with [`Context::reply`]. The default answers nothing.
    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op_id: OpId, op: Self::Op) {
        let _ = (ctx, op_id, op);
    }

    /// How a block of this node's storage rots under silent corruption (a
    /// [`crate::disk::DiskFault::Rot`], or a torn write): different data,
    /// drawn from `noise`, that reads back with no error. A model that seals
    /// its blocks with a checksum should keep the old checksum, so that a
    /// check finds the rot. The default, `None`, makes a rotten block
    /// unreadable instead.
    fn rot(block: &Self::Block, noise: u64) -> Option<Self::Block> {
        let _ = (block, noise);
        None
    }
}

/// What a handler asked its host to do, in the order it asked.
#[derive(Debug)]
pub enum Effect<N: Node> {
    /// Send `msg` to `to`.
    Send {
        /// The receiver.
        to: NodeId,
        /// The message.
        msg: N::Message,
    },
    /// Fire the timer `id` with `payload` after `after` on the node's clock,
    /// unless it is cancelled first.
    SetTimer {
        /// The handle the node holds.
        id: TimerId,
        /// The delay, on the node's clock.
        after: SimDuration,
        /// The payload.
        payload: N::Timer,
    },
    /// Answer client operation `op`.
    Reply {
        /// The operation.
        op: OpId,
        /// The answer.
        reply: N::Reply,
    },
}

/// What handlers have read beyond their node's state and inputs: the
/// clock and the random stream. The exhaustive search leaves out of a
/// state's fingerprint what no handler has read, so that two states that
/// differ only in the time, or in how far a random stream has run, are one
/// state for a model that never looks (see [`crate::Simulation::observed`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    /// A handler read its clock ([`Context::now`], [`Context::monotonic`]).
    pub clock: bool,
    /// A handler took its random stream ([`Context::rng`]).
    pub random: bool,
}

/// Where a context's sends, timers and replies go.
pub(crate) enum Outbox<'a, N: Node> {
    /// Straight into the engine's world, for the node in this incarnation.
    Engine {
        world: &'a mut World<N::Message, N::Timer, N::Op, N::Reply>,
        incarnation: u32,
    },
    /// Into a list the host carries out; timer handles from its own slab.
    Effects {
        timers: &'a mut TimerSlab,
        effects: &'a mut Vec<Effect<N>>,
    },
}

/// A handler's window on the world: its clock, its network, its timers, its
/// random stream, its storage, and its clients.
pub struct Context<'a, N: Node> {
    me: NodeId,
    node_count: usize,
    /// True virtual time; the node reads it through its clock.
    real_now: SimTime,
    clock: &'a NodeClock,
    rng: &'a mut SimRng,
    storage: &'a mut Storage<N::Block>,
    marks: &'a mut Marks,
    observed: &'a Cell<Observed>,
    outbox: Outbox<'a, N>,
}

/// What a host lends a handler: the node's clock, random stream and
/// storage, and where its sends, timers and replies go.
pub(crate) struct Lent<'a, N: Node> {
    pub(crate) clock: &'a NodeClock,
    pub(crate) rng: &'a mut SimRng,
    pub(crate) storage: &'a mut Storage<N::Block>,
    pub(crate) marks: &'a mut Marks,
    pub(crate) observed: &'a Cell<Observed>,
    pub(crate) outbox: Outbox<'a, N>,
}

impl<'a, N: Node> Context<'a, N> {
    /// The context of node `me` of `node_count` at true virtual time `real_now`.
    #[inline]
    pub(crate) fn new(me: NodeId, node_count: usize, real_now: SimTime, lent: Lent<'a, N>) -> Self {
        debug_assert!(
            me.index() < node_count,
            "{me} is not a node of {node_count}"
        );
        Context {
            me,
            node_count,
            real_now,
            clock: lent.clock,
            rng: lent.rng,
            storage: lent.storage,
            marks: lent.marks,
            observed: lent.observed,
            outbox: lent.outbox,
        }
    }

    /// This node's id.
    #[inline]
    pub fn id(&self) -> NodeId {
        self.me
    }

    /// The cluster size; node ids are `0..node_count()`.
    #[inline]
    pub fn node_count(&self) -> usize {
        self.node_count
    }

    /// The time on this node's own clock (which may be skewed; see [`crate::clock`]).
    #[inline]
    pub fn now(&self) -> SimTime {
        self.saw_clock();
        self.clock.local(self.real_now)
    }

    /// This node's monotonic clock: it runs at the same (possibly drifting)
    /// rate as [`Context::now`] and its timers, but never jumps when the
    /// clock is set. Measure intervals (leases, timeouts) on it. Under a
    /// host that has one clock per node it reads the same as `now`.
    #[inline]
    pub fn monotonic(&self) -> SimTime {
        self.saw_clock();
        self.clock.monotonic(self.real_now)
    }

    #[inline]
    fn saw_clock(&self) {
        let seen = self.observed.get();
        if !seen.clock {
            self.observed.set(Observed {
                clock: true,
                ..seen
            });
        }
    }

    /// Sends `msg` to `to` over the simulated network.
    ///
    /// # Panics
    /// If `to` is not a node of the cluster: that is a bug in the model.
    #[inline]
    pub fn send(&mut self, to: NodeId, msg: N::Message) {
        if self.storage.is_halted() {
            return; // A failed sync stopped the node.
        }
        assert!(
            to.index() < self.node_count,
            "{} sent to {to}, but the cluster has {} nodes",
            self.me,
            self.node_count
        );
        match &mut self.outbox {
            Outbox::Engine { world, .. } => world.send(self.me, to, msg),
            Outbox::Effects { effects, .. } => effects.push(Effect::Send { to, msg }),
        }
    }

    /// Sends a copy of `msg` to every other node, in id order.
    pub fn broadcast(&mut self, msg: N::Message) {
        for i in 0..self.node_count {
            let to = NodeId::from(i);
            if to != self.me {
                self.send(to, msg.clone());
            }
        }
    }

    /// Sets a timer that fires after `after` on this node's clock.
    #[inline]
    pub fn set_timer(&mut self, after: SimDuration, payload: N::Timer) -> TimerId {
        match &mut self.outbox {
            Outbox::Engine { world, incarnation } => {
                world.set_timer(self.me, *incarnation, self.clock, after, payload)
            }
            Outbox::Effects { timers, effects } => {
                let id = timers.arm();
                effects.push(Effect::SetTimer { id, after, payload });
                id
            }
        }
    }

    /// Cancels a pending timer. Returns false if it already fired or was cancelled.
    #[inline]
    pub fn cancel_timer(&mut self, id: TimerId) -> bool {
        match &mut self.outbox {
            Outbox::Engine { world, .. } => world.timers.disarm(id),
            Outbox::Effects { timers, .. } => timers.disarm(id),
        }
    }

    /// This node's random stream.
    #[inline]
    pub fn rng(&mut self) -> &mut SimRng {
        let seen = self.observed.get();
        if !seen.random {
            self.observed.set(Observed {
                random: true,
                ..seen
            });
        }
        self.rng
    }

    /// This node's durable storage.
    #[inline]
    pub fn storage(&mut self) -> &mut Storage<N::Block> {
        self.storage
    }

    /// A fault point (FoundationDB's BUGGIFY): true at site `name` on some
    /// runs, so the code can take a rare path there (delay a sync, fire a
    /// timer early, drop a cache). Whether the site is enabled for the
    /// seed, and whether it fires now, come from the site's own stream; see
    /// [`crate::marks`]. Always false unless the run turned fault points on.
    #[inline]
    pub fn buggify(&mut self, name: &'static str) -> bool {
        self.marks.buggify(name)
    }

    /// A coverage probe: counts a hit of `name` when `condition` holds
    /// (Antithesis's "sometimes"). `explore` reports the probes no seed
    /// reached. Never changes the run.
    #[inline]
    pub fn sometimes(&mut self, name: &'static str, condition: bool) {
        if condition {
            self.marks.reached(name);
        }
    }

    /// A coverage probe that counts a hit of `name` whenever the code gets
    /// here (FoundationDB's `CODE_PROBE`, TigerBeetle's coverage marks).
    #[inline]
    pub fn reached(&mut self, name: &'static str) {
        self.marks.reached(name);
    }

    /// Answers client operation `op`.
    #[inline]
    pub fn reply(&mut self, op: OpId, reply: N::Reply) {
        if self.storage.is_halted() {
            return; // A failed sync stopped the node.
        }
        match &mut self.outbox {
            Outbox::Engine { world, .. } => world.reply(self.me, op, reply),
            Outbox::Effects { effects, .. } => effects.push(Effect::Reply { op, reply }),
        }
    }
}
