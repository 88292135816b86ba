//! `two-phase-commit`: transactions across three shards, committed
//! atomically by two-phase commit, under faults; checked for atomicity,
//! for conservation of money, for resolution after healing, and as a whole
//! history by the transactional checker (strict serializability).
//!
//! Node 0 is the coordinator ([`coordinator`]); nodes 1 to 3 are the
//! participants ([`participant`]), each the shard of the keys and accounts
//! `k` with `k % 3 == node - 1` ([`shard`]). Clients send transactions of
//! list appends and reads, transfers between accounts, and audits that
//! read every balance ([`workload`]).
//!
//! The protocol: a participant takes exclusive locks, writes and syncs a
//! prepare record, and votes; the coordinator writes and syncs its decision
//! before it tells anyone, then answers the client; participants apply or
//! discard and release. Recovery: a restarted participant that is prepared
//! asks for the decision; a restarted coordinator re-sends its logged
//! decisions; a transaction with no logged decision is presumed aborted. A
//! participant in doubt also asks its peers (cooperative termination); when
//! none of them knows, it blocks until the coordinator is back.
//!
//! Files: [`messages`], [`shard`], [`coordinator`], [`participant`],
//! [`invariants`], [`workload`] and [`scenario`].

pub mod coordinator;
pub mod invariants;
pub mod messages;
pub mod participant;
pub mod scenario;
pub mod shard;
pub mod workload;

pub use coordinator::Coordinator;
use messages::{TpcBlock, TpcMsg, TpcTimer, TxnReply, TxnRequest};
pub use participant::Participant;
pub use scenario::{scenario, TwoPhaseCommitModel};
use sim::{Context, Node, NodeId, OpId, SimDuration};

/// The coordinator's node.
pub const COORDINATOR: NodeId = NodeId(0);
/// How many shards (participants, nodes 1 and up).
pub const SHARDS: u32 = 3;
/// How often every node ticks (re-sends, queries).
pub const TICK: SimDuration = SimDuration::from_millis(100);

/// The participant that owns key or account `k`.
pub fn shard_of(k: u32) -> NodeId {
    NodeId(1 + k % SHARDS)
}

sim::bug_switches! {
    /// Two-phase commit's bug switches: the classic ways it leaves state half-done.
    pub enum TpcBug {
        /// The coordinator tells the first participant to commit before the
        /// decision is on disk; a crash then, and recovery presumes abort.
        DecideBeforeLog = "decide-before-log", caught by All within 100,
        /// A participant does not sync its prepare record before voting yes:
        /// a crash then forgets that it prepared.
        ForgetPrepare = "forget-prepare", caught by All within 100,
        /// A vote that times out is counted as yes: a shard that never
        /// prepared is told to commit.
        CommitWithoutAllVotes = "commit-without-all-votes", caught by All within 50,
        /// Locks are released when a participant votes, not when it commits:
        /// not an atomicity bug but an isolation bug, which only the
        /// serializability check finds.
        ReleaseLocksAtPrepare = "release-locks-at-prepare", caught by All within 10,
        /// A participant that restarts prepared aborts on its own instead of
        /// asking for the decision.
        NoRecoveryQuery = "no-recovery-query", caught by All within 100,
    }
}

/// A node: the coordinator or a participant.
#[derive(Clone, Debug, Hash)]
pub enum TpcNode {
    /// The coordinator.
    Coordinator(Coordinator),
    /// A participant.
    Participant(Participant),
}

impl TpcNode {
    /// Node `id`, with a bug switched on or not.
    pub fn new(id: NodeId, bug: Option<TpcBug>) -> TpcNode {
        if id == COORDINATOR {
            TpcNode::Coordinator(Coordinator::new(bug))
        } else {
            TpcNode::Participant(Participant::new(bug))
        }
    }

    /// The coordinator, if this node is it.
    pub fn coordinator(&self) -> Option<&Coordinator> {
        match self {
            TpcNode::Coordinator(c) => Some(c),
            TpcNode::Participant(_) => None,
        }
    }

    /// The participant, if this node is one.
    pub fn participant(&self) -> Option<&Participant> {
        match self {
            TpcNode::Participant(p) => Some(p),
            TpcNode::Coordinator(_) => None,
        }
    }
}

impl Node for TpcNode {
    type Message = TpcMsg;
    type Timer = TpcTimer;
    type Block = TpcBlock;
    type Op = TxnRequest;
    type Reply = TxnReply;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.set_timer(TICK, TpcTimer::Tick);
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            TpcNode::Coordinator(c) => c.recover(ctx),
            TpcNode::Participant(p) => p.recover(ctx),
        }
        ctx.set_timer(TICK, TpcTimer::Tick);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: TpcTimer) {
        match (self, timer) {
            (node, TpcTimer::Tick) => {
                ctx.set_timer(TICK, TpcTimer::Tick);
                match node {
                    TpcNode::Coordinator(c) => c.on_tick(ctx),
                    TpcNode::Participant(p) => p.on_tick(ctx),
                }
            }
            (TpcNode::Coordinator(c), TpcTimer::VoteTimeout { txn }) => c.on_vote_timeout(ctx, txn),
            (TpcNode::Coordinator(c), TpcTimer::Logged { txn }) => c.on_logged(ctx, txn),
            _ => {}
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: TpcMsg) {
        match self {
            TpcNode::Coordinator(c) => c.on_message(ctx, from, msg),
            TpcNode::Participant(p) => p.on_message(ctx, from, msg),
        }
    }

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op: OpId, request: TxnRequest) {
        match self {
            TpcNode::Coordinator(c) => c.on_client_op(ctx, op, request),
            // Clients go to the coordinator; elsewhere, the attempt times out.
            TpcNode::Participant(_) => {}
        }
    }
}
