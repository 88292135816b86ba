//! Running a node outside the engine: the sans-IO adapter.
//!
//! A [`Hosted`] node is a [`Node`] plus what its [`Context`] needs (its clock
//! reading, random stream, storage and timer handles). Each call hands the
//! node one input (start, a message, a timer, a client operation, a restart)
//! and returns the [`Effect`]s the handler asked for: messages to send,
//! timers to set, client replies. The host (a madsim task, a tokio task, a
//! hand-written loop in a test) carries them out however it moves bytes and
//! keeps time. Nothing here knows about the engine's queue, network or trace,
//! so the same model runs unchanged under any host.

use crate::clock::NodeClock;
use crate::marks::{Buggify, Marks};
pub use crate::node::Effect;
use crate::node::{Context, Lent, Node, Outbox};
use crate::node_id::{NodeId, OpId};
use crate::rng::SimRng;
use crate::storage::Storage;
use crate::time::SimTime;
use crate::timers::{TimerId, TimerSlab};

/// What a hosted node's context acts on besides the node itself.
struct HostState<N: Node> {
    node_count: usize,
    rng: SimRng,
    storage: Storage<N::Block>,
    timers: TimerSlab,
    /// Probes reached; fault points are off under another host.
    marks: Marks,
    observed: std::cell::Cell<crate::node::Observed>,
}

/// Builds a fresh node; called at start and at every restart.
type Factory<N> = Box<dyn FnMut(NodeId) -> N + Send>;

/// A node run by a host other than the engine.
pub struct Hosted<N: Node> {
    id: NodeId,
    node: Option<N>,
    state: HostState<N>,
    factory: Factory<N>,
    /// Bumped whenever the node's state may have changed (see [`Hosted::version`]).
    version: u64,
}

impl<N: Node> Hosted<N> {
    /// Node `id` of a cluster of `node_count`, built by `factory`, with the
    /// random stream the engine would give it for `seed`. Call
    /// [`Hosted::start`] before anything else.
    pub fn new(
        id: NodeId,
        node_count: usize,
        seed: u64,
        mut factory: impl FnMut(NodeId) -> N + Send + 'static,
    ) -> Self {
        let node = factory(id);
        Hosted {
            id,
            node: Some(node),
            state: HostState {
                node_count,
                rng: SimRng::for_node(seed, id.index()),
                storage: Storage::default(),
                timers: TimerSlab::default(),
                marks: Marks::new(seed, Buggify::Off),
                observed: Default::default(),
            },
            factory: Box::new(factory),
            version: 0,
        }
    }

    /// The node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The node's state; `None` while crashed.
    pub fn node(&self) -> Option<&N> {
        self.node.as_ref()
    }

    /// A counter that changes whenever the node's state may have changed:
    /// a handler ran, it crashed, or it restarted (as
    /// [`crate::Simulation::node_version`]).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The node's storage (what a restart will see, once synced).
    pub fn storage(&self) -> &Storage<N::Block> {
        &self.state.storage
    }

    fn run(
        &mut self,
        now: SimTime,
        handler: impl FnOnce(&mut N, &mut Context<'_, N>),
    ) -> Vec<Effect<N>> {
        let Some(node) = self.node.as_mut() else {
            return Vec::new(); // crashed: the input is lost
        };
        self.version += 1;
        let state = &mut self.state;
        let mut effects = Vec::new();
        let lent = Lent {
            clock: &NodeClock::default(),
            rng: &mut state.rng,
            storage: &mut state.storage,
            marks: &mut state.marks,
            observed: &state.observed,
            outbox: Outbox::Effects {
                timers: &mut state.timers,
                effects: &mut effects,
            },
        };
        handler(
            node,
            &mut Context::new(self.id, state.node_count, now, lent),
        );
        effects
    }

    /// Starts the node at `now` (its local time).
    pub fn start(&mut self, now: SimTime) -> Vec<Effect<N>> {
        self.run(now, |n, ctx| n.on_start(ctx))
    }

    /// Delivers a message.
    pub fn message(&mut self, now: SimTime, from: NodeId, msg: N::Message) -> Vec<Effect<N>> {
        self.run(now, |n, ctx| n.on_message(ctx, from, msg))
    }

    /// Fires timer `id`, unless it was cancelled or set before a crash.
    pub fn timer(&mut self, now: SimTime, id: TimerId, payload: N::Timer) -> Vec<Effect<N>> {
        if self.node.is_none() || !self.state.timers.disarm(id) {
            return Vec::new();
        }
        self.run(now, |n, ctx| n.on_timer(ctx, payload))
    }

    /// Hands the node a client operation.
    pub fn client_op(&mut self, now: SimTime, op: OpId, request: N::Op) -> Vec<Effect<N>> {
        self.run(now, |n, ctx| n.on_client_op(ctx, op, request))
    }

    /// Crashes the node: its state, pending timers and unsynced writes are lost.
    pub fn crash(&mut self) {
        if self.node.is_some() {
            self.version += 1;
        }
        self.node = None;
        self.state.storage.crash(0);
        self.state.timers.disarm_all();
    }

    /// Restarts a crashed node from its synced storage.
    pub fn restart(&mut self, now: SimTime) -> Vec<Effect<N>> {
        if self.node.is_some() {
            return Vec::new();
        }
        self.node = Some((self.factory)(self.id));
        self.run(now, |n, ctx| n.on_recover(ctx))
    }
}
