//! What the async primary-backup service's nodes say to each other. Node messages
//! travel under [`crate::wire::TAG_MESSAGE`]; a backup's answer to a state
//! travels under [`TAG_ACK`], so only the primary's replication round reads it.

use std::any::Any;
use std::sync::Arc;

/// A backup's answer to a state.
pub const TAG_ACK: u64 = 4;

/// Who does what in one epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    /// The epoch; every change makes a new one.
    pub epoch: u64,
    /// The replica that serves clients.
    pub primary: usize,
    /// Replicas that hold every acknowledged write: only these are promoted.
    pub backups: Vec<usize>,
    /// Replicas being brought up to date: they receive every state, but are
    /// not promoted until the primary reports them synced.
    pub joining: Vec<usize>,
}

impl Membership {
    /// Every replica the primary ships state to.
    pub fn followers(&self) -> impl Iterator<Item = usize> + '_ {
        self.backups.iter().chain(&self.joining).copied()
    }

    /// Whether `replica` has any role in this epoch.
    pub fn includes(&self, replica: usize) -> bool {
        self.primary == replica || self.followers().any(|r| r == replica)
    }
}

/// A message between nodes.
#[derive(Clone, Debug)]
pub enum Msg {
    /// Replica to coordinator: I am alive, and this is the epoch I know of.
    Heartbeat {
        /// The membership epoch the replica holds (`None` after a restart).
        known: Option<u64>,
    },
    /// Coordinator to replica: the current membership.
    Config(Membership),
    /// Primary to coordinator: this follower did not acknowledge in time.
    Suspect {
        /// The primary's epoch.
        epoch: u64,
        /// The silent follower.
        replica: usize,
    },
    /// Primary to coordinator: every joining replica now holds my state.
    Synced {
        /// The primary's epoch.
        epoch: u64,
    },
    /// Primary to follower: my whole state, stamped (epoch, version).
    State {
        /// The primary's epoch.
        epoch: u64,
        /// Its version within the epoch's history of states.
        version: u64,
        /// The replicated machine (a [`super::Machine`], sessions
        /// included): only replicas read it, so the coordinator, which
        /// never does, needs no machine type.
        store: Arc<dyn Any + Send + Sync>,
    },
    /// Follower to primary (under [`TAG_ACK`]): I hold that state.
    Ack {
        /// The state's epoch.
        epoch: u64,
        /// The state's version.
        version: u64,
    },
    /// Follower to primary (under [`TAG_ACK`]): I have promised a newer epoch.
    Stale {
        /// The follower's epoch.
        epoch: u64,
    },
}
