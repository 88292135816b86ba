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
    /// Replica to service: "I am alive; the configuration I know is `epoch`
    /// (0: none since I started), and, as its primary, I am `ready`."
    Ping {
        /// The epoch of the configuration the replica knows.
        epoch: u64,
        /// Whether it serves as that epoch's primary (every backup synced).
        ready: bool,
    },
    /// Service to replica: the current configuration.
    Config(Config),
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

/// The one timer: a periodic tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tick;

/// A storage block (each node uses block 0 only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PbBlock<S: StateMachine = KvStore> {
    /// The service's state.
    Service {
        /// The current configuration.
        config: Config,
        /// The replicas known to hold every acknowledged write.
        synced: BTreeSet<NodeId>,
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
    },
}
