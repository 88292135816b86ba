//! `primary-backup`: a key-value store with one primary, synchronous backups,
//! and failover directed by a configuration service, with three bug switches.
//!
//! Node 0 is the configuration service ([`config_service`]); nodes 1 and up
//! are replicas ([`replica`]). Each epoch has one primary; it forwards every
//! operation to the epoch's backups and answers the client only when all of
//! them hold it. When the primary fails, the service promotes a backup that
//! holds every acknowledged write; epoch fencing keeps the deposed primary
//! from acknowledging anything after that.
//!
//! What it replicates is any [`machine::StateMachine`]: the key-value
//! store here, and the queue's broker in [`crate::queue`].
//!
//! Files: [`machine`], [`messages`], [`config_service`], [`replica`],
//! [`disk`], [`invariants`] and [`scenario`].

pub mod config_service;
pub mod disk;
pub mod invariants;
pub mod machine;
pub mod messages;
pub mod replica;
pub mod scenario;

use crate::kv::{KvReply, KvRequest, KvStore};
pub use config_service::ConfigService;
use messages::{PbMsg, Tick};
pub use replica::Replica;
pub use scenario::{scenario, PrimaryBackupModel};
use sim::{Context, Node, NodeId, OpId, SimDuration};

/// How often every node ticks: replicas ping and resend, the service decides.
pub const TICK: SimDuration = SimDuration::from_millis(50);

sim::bug_switches! {
    /// Primary-backup's bug switches.
    pub enum PbBug {
        /// The primary answers a write before the backups have it.
        AckBeforeBackup = "ack-before-backup", caught by All within 50,
        /// Forwards and their acknowledgements carry no epoch check: a
        /// deposed primary's operations are confused with the new primary's
        /// (split brain).
        NoEpochFencing = "no-epoch-fencing", caught by All within 100,
        /// The service promotes any live replica, synced or not.
        PromoteStaleBackup = "promote-stale-backup", caught by All within 100,
        /// Recovery believes what it reads: one copy of the block, no
        /// checksum. A rotten block brings a replica back with an empty
        /// store that claims every operation it had applied.
        TrustUncheckedReads = "trust-unchecked-reads", caught by All within 500,
        /// A failed fsync is taken for success: a replica acknowledges
        /// writes a full or failing disk dropped, and a crash loses them.
        /// Its budget is under the `disks` mix: the `all` mix draws storage
        /// faults on some seeds only, and first fails it at seed 537.
        IgnoreFsyncErrors = "ignore-fsync-errors", caught by Disks within 500,
    }
}

/// A node of the cluster: the service (node 0) or a replica.
#[derive(Clone, Debug, Hash)]
pub enum PbNode {
    /// The configuration service.
    Service(ConfigService),
    /// A replica.
    Replica(Replica),
}

impl PbNode {
    /// Node `id`, with a bug switched on or not.
    pub fn new(id: NodeId, bug: Option<PbBug>) -> PbNode {
        if id.index() == 0 {
            PbNode::Service(ConfigService::new(bug))
        } else {
            PbNode::Replica(Replica::new(bug))
        }
    }

    /// The replica, if this node is one.
    pub fn replica(&self) -> Option<&Replica> {
        match self {
            PbNode::Replica(r) => Some(r),
            PbNode::Service(_) => None,
        }
    }

    /// The service, if this node is it.
    pub fn service(&self) -> Option<&ConfigService> {
        match self {
            PbNode::Service(s) => Some(s),
            PbNode::Replica(_) => None,
        }
    }
}

impl Node for PbNode {
    type Message = PbMsg;
    type Timer = Tick;
    type Block = disk::Sealed<KvStore>;
    type Op = KvRequest;
    type Reply = KvReply;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.set_timer(TICK, Tick);
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            PbNode::Service(s) => s.recover(ctx),
            PbNode::Replica(r) => r.recover(ctx),
        }
        ctx.set_timer(TICK, Tick);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _: Tick) {
        ctx.set_timer(TICK, Tick);
        match self {
            PbNode::Service(s) => s.on_tick(ctx),
            PbNode::Replica(r) => r.on_tick(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: PbMsg) {
        match (self, msg) {
            (PbNode::Service(s), PbMsg::Ping(ping)) => s.on_ping(ctx, from, ping),
            (PbNode::Service(s), PbMsg::Suspect { epoch, backup }) => {
                s.on_suspect(ctx, from, epoch, backup)
            }
            (PbNode::Service(_), _) => {}
            (PbNode::Replica(r), msg) => r.on_message(ctx, from, msg),
        }
    }

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op: OpId, request: KvRequest) {
        match self {
            PbNode::Service(s) => {
                let hint = s.config().primary;
                ctx.reply(op, KvReply::Redirect { hint });
            }
            PbNode::Replica(r) => r.on_client_op(ctx, op, request),
        }
    }

    fn rot(block: &Self::Block, noise: u64) -> Option<Self::Block> {
        disk::rot(block, noise)
    }
}
