//! `read-replicas`: one durable primary and a fleet of read replicas that
//! lag it, with stated staleness and session guarantees, and replicas that
//! leave and join while they serve.
//!
//! Node 0 is the primary ([`primary`]): the canonical source, as seed note
//! 004 insists. It is a single durable node, not `raft-kv` or
//! `primary-backup`: what this model tests is the read path, and a primary
//! that syncs each write before acknowledging it keeps every failure found
//! here a failure of the replicas' promises, not of replication. Nodes 1 to
//! [`REPLICAS`] are replicas ([`replica`]): they pull the log in order,
//! serve reads while fresh (see [`freshness`] for the staleness bound and
//! the drift it budgets for), and hold reads behind the client's session
//! token. They are the scalable fleet: the `scale` fault kind makes them
//! leave (gracefully or not) and join again empty.
//!
//! Clients ([`workload`]) write to the primary and read from the replicas
//! the primary's registry names, carrying a session token (the latest
//! version they wrote or read). The history is checked by
//! [`sim::staleness`]: prefix consistency, the four session guarantees,
//! and staleness within [`freshness::MAX_STALENESS`].
//!
//! Files: [`messages`], [`freshness`], [`primary`], [`replica`],
//! [`workload`] and [`scenario`].

pub mod freshness;
pub mod messages;
pub mod primary;
pub mod replica;
pub mod scenario;
pub mod workload;

use messages::{Entry, RrMsg, RrOp, RrReply, RrTimer};
pub use primary::Primary;
pub use replica::Replica;
pub use scenario::{scenario, ReadReplicasModel};
use sim::{Context, Node, NodeId, OpId};

/// The primary's node.
pub const PRIMARY: NodeId = NodeId(0);
/// How many replicas the standard scenario runs (nodes 1 and up).
pub const REPLICAS: usize = 3;

sim::bug_switches! {
    /// Read replicas' bug switches: the ways replicas break their promises.
    pub enum RrBug {
        /// The replica judges freshness by the primary's wall-clock time in
        /// its last answer, plus the bound, read on its own wall clock: no
        /// budget for drift, and skew between the two clocks moves the bound.
        ServePastLease = "serve-past-lease", caught by All within 200,
        /// The replica serves a read whatever the client's session token:
        /// a client that just wrote reads an older state.
        IgnoreSessionToken = "ignore-session-token", caught by All within 10,
        /// The replica applies whatever entries an answer carries and takes
        /// the answer's end as its version: an old answer that arrives late
        /// (reordered, duplicated, after a reconnect) rolls keys back.
        ApplyOutOfOrder = "apply-out-of-order", caught by All within 200,
        /// A replica catching up counts the primary's checkpoint as caught
        /// up and serves from it before it has the log that follows.
        JoinBeforeCaughtUp = "join-before-caught-up", caught by All within 100,
    }
}

/// True for the nodes that are replicas.
pub fn is_replica(id: NodeId) -> bool {
    id != PRIMARY
}

/// A node: the primary or a replica.
#[derive(Clone, Debug)]
pub enum RrNode {
    /// The primary.
    Primary(Primary),
    /// A replica.
    Replica(Replica),
}

impl RrNode {
    /// Node `id`, with a bug switched on or not.
    pub fn new(id: NodeId, bug: Option<RrBug>) -> RrNode {
        if id == PRIMARY {
            RrNode::Primary(Primary::new(bug))
        } else {
            RrNode::Replica(Replica::new(bug))
        }
    }

    /// The primary, if this node is it.
    pub fn primary(&self) -> Option<&Primary> {
        match self {
            RrNode::Primary(p) => Some(p),
            RrNode::Replica(_) => None,
        }
    }

    /// The replica, if this node is one.
    pub fn replica(&self) -> Option<&Replica> {
        match self {
            RrNode::Replica(r) => Some(r),
            RrNode::Primary(_) => None,
        }
    }
}

impl Node for RrNode {
    type Message = RrMsg;
    type Timer = RrTimer;
    type Block = Entry;
    type Op = RrOp;
    type Reply = RrReply;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if let RrNode::Replica(r) = self {
            r.start(ctx);
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            RrNode::Primary(p) => p.recover(ctx),
            RrNode::Replica(r) => r.start(ctx),
        }
    }

    fn on_leave(&mut self, ctx: &mut Context<'_, Self>) {
        if let RrNode::Replica(r) = self {
            r.leave(ctx);
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: RrTimer) {
        if let RrNode::Replica(r) = self {
            r.on_timer(ctx, timer);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: RrMsg) {
        match self {
            RrNode::Primary(p) => p.on_message(ctx, from, msg),
            RrNode::Replica(r) => r.on_message(ctx, msg),
        }
    }

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op: OpId, request: RrOp) {
        match self {
            RrNode::Primary(p) => p.on_client_op(ctx, op, request),
            RrNode::Replica(r) => r.on_client_op(ctx, op, request),
        }
    }
}
