//! Primary-backup's messages, timer and storage blocks.

use super::machine::StateMachine;
use crate::kv::KvStore;
use sim::NodeId;
use std::collections::BTreeSet;

/// A configuration: who is primary and who are backups in an epoch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Config {
    /// The epoch; 0 before the first configuration.
    pub epoch: u64,
    /// The primary.
    pub primary: Option<NodeId>,
    /// The backups, ascending.
    pub backups: BTreeSet<NodeId>,
}

impl Config {
    /// The primary and the backups.
    pub fn members(&self) -> BTreeSet<NodeId> {
        let mut m = self.backups.clone();
        m.extend(self.primary);
        m
    }
}

/// Messages between the configuration service and the replicas, and among
/// replicas.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PbMsg<S: StateMachine = KvStore> {
    /// Replica to service: "I am alive", and what it holds.
    Ping(Ping),
    /// Service to replica: the current configuration.
    Config(Config),
    /// Service to the primary of `epoch`: every backup holds its snapshot,
    /// and the service has made `epoch` the active one: serve.
    Serve {
        /// The epoch.
        epoch: u64,
    },
    /// Service to a replica whose disk lost its state: "I know; the
    /// current epoch is `epoch`", answering the ping that carried `nonce`.
    Rejoin {
        /// The nonce of the ping answered.
        nonce: u64,
        /// The service's epoch, which no longer counts the replica as a
        /// member.
        epoch: u64,
    },
    /// Primary to backup: the whole state, at the start of an epoch.
    Snapshot {
        /// The primary's epoch.
        epoch: u64,
        /// Its store.
        store: S,
        /// How many operations the store has applied.
        applied: u64,
    },
    /// Backup to primary: the snapshot is installed and synced.
    SnapshotAck {
        /// The epoch.
        epoch: u64,
    },
    /// Primary to backup: operation number `index` of the epoch.
    Forward {
        /// The primary's epoch.
        epoch: u64,
        /// The operation's position.
        index: u64,
        /// The operation.
        request: S::Request,
    },
    /// Backup to primary: every operation up to `index` is applied and synced.
    ForwardAck {
        /// The epoch.
        epoch: u64,
        /// The highest index applied.
        index: u64,
    },
    /// Primary to service: `backup` has stopped acknowledging in `epoch`.
    Suspect {
        /// The primary's epoch.
        epoch: u64,
        /// The backup.
        backup: NodeId,
    },
    /// "Your epoch is over: I am in `epoch`."
    Fenced {
        /// The newer epoch.
        epoch: u64,
    },
    /// A node (not a client) asks the primary: a request, answered with
    /// [`PbMsg::Answer`] carrying the same `id` once it is on every backup.
    Call {
        /// The caller's id for it.
        id: u64,
        /// The request.
        request: S::Request,
    },
    /// The primary's answer to a [`PbMsg::Call`] (a redirect, when it is
    /// not the primary).
    Answer {
        /// The call's id.
        id: u64,
        /// The reply.
        reply: S::Reply,
    },
}

/// A replica's ping to the service: "I am alive, and this is what I hold."
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ping {
    /// The epoch of the configuration the replica knows (0: none since it
    /// started).
    pub epoch: u64,
    /// As that epoch's primary, every backup holds its snapshot: it asks
    /// to serve.
    pub ready: bool,
    /// The epoch of the last snapshot it installed (as a primary, the epoch
    /// it took office in), 0 when its disk lost it: the service tells from
    /// it whether the replica holds every acknowledged write.
    pub installed: u64,
    /// What its disk kept.
    pub disk: Disk,
}

/// What a replica's disk kept, as it tells the service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Disk {
    /// Everything it acknowledged (as far as it can tell).
    #[default]
    Whole,
    /// It found its state damaged, and the service has answered: it holds
    /// nothing until it installs a snapshot.
    Lost,
    /// It found its state damaged, and waits for the service's
    /// [`PbMsg::Rejoin`] carrying `nonce` before it takes part in anything.
    Awaiting {
        /// A number drawn at the recovery, so that no earlier answer passes
        /// for this one.
        nonce: u64,
    },
}

/// The one timer: a periodic tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tick;

/// A storage block (each node uses block 0 only, sealed and mirrored: see
/// [`super::disk`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PbBlock<S: StateMachine = KvStore> {
    /// The service's state.
    Service {
        /// The current configuration.
        config: Config,
        /// The last epoch whose primary was let serve.
        active: u64,
    },
    /// A replica's state.
    Replica {
        /// The newest epoch it has joined.
        epoch: u64,
        /// Its store.
        store: S,
        /// Operations applied.
        applied: u64,
        /// The epoch of the last snapshot installed.
        installed: u64,
        /// Its state was lost to a damaged disk, and no snapshot has been
        /// installed since: it holds nothing anyone acknowledged.
        lost: bool,
    },
}
