//! `leased-work`: jobs broken into chunks and leased to stateless workers. A
//! crashed or paused worker's chunk is leased again, and no chunk is lost or
//! applied twice.
//!
//! Node 0 is the coordinator ([`coordinator`]): durable, a single node that
//! never loses its disk. Node 1 is the result store ([`store`]): durable,
//! with a fencing check per chunk. Nodes 2 and up are workers ([`worker`]):
//! stateless, so a crash is a worker leaving and its restart a fresh one
//! joining. Clients submit jobs of [`CHUNKS_PER_JOB`] chunks to the
//! coordinator and are answered when every chunk's result is stored.
//!
//! A lease lasts [`lease::LEASE`] at the coordinator and a little less in the
//! worker's belief (see [`lease`] for the drift bound that margin assumes).
//! Each grant carries a fresh fencing token; the worker claims the chunk at
//! the store with it, so the store refuses every older holder from then on.
//!
//! Files: [`messages`], [`lease`], [`coordinator`], [`store`], [`worker`],
//! [`invariants`], [`jobs`] (the clients) and [`scenario`].

pub mod coordinator;
pub mod invariants;
pub mod jobs;
pub mod lease;
pub mod messages;
pub mod scenario;
pub mod store;
pub mod worker;

pub use coordinator::Coordinator;
use messages::{JobDone, LwBlock, LwMsg, LwTimer, SubmitJob};
pub use scenario::{scenario, LeasedWorkModel};
use sim::{Context, Node, NodeId, OpId};
pub use store::Store;
pub use worker::Worker;

/// The coordinator's node.
pub const COORDINATOR: NodeId = NodeId(0);
/// The result store's node.
pub const STORE: NodeId = NodeId(1);
/// How many workers the standard scenario runs (nodes 2 and up).
pub const WORKERS: usize = 3;
/// How many chunks a job has.
pub const CHUNKS_PER_JOB: u8 = 4;

sim::bug_switches! {
    /// Leased work's bug switches: the ways leases classically fail.
    pub enum LwBug {
        /// The store accepts any write, whatever its token: a paused
        /// worker's late write lands over the new owner's.
        NoFencing = "no-fencing", caught by All within 200,
        /// A worker judges its lease by the coordinator's expiry time read
        /// on its own wall clock, with no drift margin: skew between the two
        /// (the worker's clock set back, the coordinator's set ahead) keeps
        /// it believing after the lease has gone to another worker.
        LeaseByLocalClock = "lease-by-local-clock", caught by All within 200,
        /// The coordinator accepts a renewal that comes after the lease
        /// ended, even when the chunk has gone to another worker.
        RenewAfterExpiry = "renew-after-expiry", caught by All within 100,
        /// The coordinator marks a chunk done when the worker says its
        /// result is computed, before the result is durable in the store.
        CompleteBeforeStore = "complete-before-store", caught by All within 10,
        /// The coordinator leases a chunk again as soon as its worker looks
        /// slow (half a lease without a renewal), without waiting out the
        /// lease.
        ReassignWithoutExpiry = "reassign-without-expiry", caught by All within 100,
    }
}

/// True for the nodes that are workers.
pub fn is_worker(id: NodeId) -> bool {
    id.index() >= 2
}

/// A node: the coordinator, the store, or a worker.
#[derive(Clone, Debug, Hash)]
pub enum LwNode {
    /// The coordinator.
    Coordinator(Coordinator),
    /// The result store.
    Store(Store),
    /// A worker.
    Worker(Worker),
}

impl LwNode {
    /// Node `id`, with a bug switched on or not.
    pub fn new(id: NodeId, bug: Option<LwBug>) -> LwNode {
        match id {
            COORDINATOR => LwNode::Coordinator(Coordinator::new(bug)),
            STORE => LwNode::Store(Store::new(bug)),
            _ => LwNode::Worker(Worker::new(bug)),
        }
    }

    /// The coordinator, if this node is it.
    pub fn coordinator(&self) -> Option<&Coordinator> {
        match self {
            LwNode::Coordinator(c) => Some(c),
            _ => None,
        }
    }

    /// The store, if this node is it.
    pub fn store(&self) -> Option<&Store> {
        match self {
            LwNode::Store(s) => Some(s),
            _ => None,
        }
    }

    /// The worker, if this node is one.
    pub fn worker(&self) -> Option<&Worker> {
        match self {
            LwNode::Worker(w) => Some(w),
            _ => None,
        }
    }
}

impl Node for LwNode {
    type Message = LwMsg;
    type Timer = LwTimer;
    type Block = LwBlock;
    type Op = SubmitJob;
    type Reply = JobDone;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if let LwNode::Worker(w) = self {
            w.start(ctx);
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            LwNode::Coordinator(c) => c.recover(ctx),
            LwNode::Store(s) => s.recover(ctx),
            LwNode::Worker(w) => w.start(ctx),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: LwTimer) {
        match (self, timer) {
            (LwNode::Coordinator(c), LwTimer::Expire { chunk, token }) => {
                c.on_expire(ctx, chunk, token)
            }
            (LwNode::Worker(w), timer) => w.on_timer(ctx, timer),
            _ => {}
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: LwMsg) {
        match self {
            LwNode::Coordinator(c) => c.on_message(ctx, from, msg),
            LwNode::Store(s) => s.on_message(ctx, from, msg),
            LwNode::Worker(w) => w.on_message(ctx, msg),
        }
    }

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op: OpId, submit: SubmitJob) {
        // Only the coordinator takes jobs; elsewhere the client's attempt
        // times out and it tries the coordinator again.
        if let LwNode::Coordinator(c) = self {
            c.on_submit(ctx, op, submit.job);
        }
    }
}
