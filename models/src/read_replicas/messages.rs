//! What read-replicas' nodes say to each other and to clients, their
//! timers, and what the primary keeps on disk.

use sim::{NodeId, OpId, SimTime};

/// A write in the primary's log. Its version is its place in the log
/// (from 1); the client and sequence number let the primary apply a
/// retried write once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The key written.
    pub key: u64,
    /// The value, unique per write.
    pub value: u64,
    /// The writing client slot.
    pub client: u16,
    /// Its sequence number there.
    pub seq: u32,
}

/// A key's value at some version: the value and the version that wrote it.
pub type Cell = (u64, u64);

/// The primary's state at a checkpoint: each key's value, by key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Snapshot {
    /// The version the state is at.
    pub version: u64,
    /// Each written key's value and the version that wrote it, by key.
    pub cells: Vec<(u64, Cell)>,
}

/// A message between the primary and a replica.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RrMsg {
    /// A replica asks for what follows its state. `sent_at` is its monotonic
    /// clock when it asked, echoed back: the answer describes the primary
    /// at an instant no earlier than that.
    Pull {
        /// The replica's monotonic clock at sending.
        sent_at: SimTime,
        /// The version the replica has applied.
        applied: u64,
        /// Whether it is serving reads (and so belongs in the registry).
        serving: bool,
    },
    /// The primary's answer: a checkpoint (for a replica behind it) or the
    /// entries after the replica's version, and the commit version.
    Catchup {
        /// Echoed from the pull.
        sent_at: SimTime,
        /// The primary's wall clock when it answered (the
        /// `serve-past-lease` bug trusts it).
        primary_wall: SimTime,
        /// The primary's last version when it answered.
        commit: u64,
        /// A checkpoint to install, for a replica behind the retained log.
        snapshot: Option<Snapshot>,
        /// The version before the first entry.
        after: u64,
        /// Entries `after + 1 ..`.
        entries: Vec<Entry>,
    },
    /// A replica leaving gracefully: take it out of the registry.
    Leaving,
}

/// A node's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RrTimer {
    /// A replica's next pull.
    Pull,
    /// A read parked for its session token has waited long enough.
    TokenWait(OpId),
}

/// A client's operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RrOp {
    /// Write `value` to `key` (at the primary).
    Write {
        /// The client slot.
        client: u16,
        /// Its sequence number.
        seq: u32,
        /// The key.
        key: u64,
        /// The value, unique per write.
        value: u64,
    },
    /// Read `key`, with the promise `mode` asks for.
    Read {
        /// The client slot.
        client: u16,
        /// The key.
        key: u64,
        /// What the read asks for.
        mode: ReadMode,
    },
}

/// What a read asks for, beyond a prefix of the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReadMode {
    /// Read-your-writes and monotonic reads, by the session token (the
    /// latest version the client wrote or read), and the staleness bound.
    Session {
        /// The session token.
        token: u64,
    },
    /// The staleness bound only.
    Bounded,
    /// No bound and no token: served however stale, but the client library
    /// never accepts an answer older than one it has seen.
    Monotonic,
}

impl RrOp {
    /// The client slot that made it.
    pub fn client(&self) -> u16 {
        match *self {
            RrOp::Write { client, .. } | RrOp::Read { client, .. } => client,
        }
    }
}

/// The answer to a client.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RrReply {
    /// The write is durable at `version`.
    Written {
        /// Its version.
        version: u64,
        /// The replicas serving reads, as the primary knows them.
        registry: Vec<NodeId>,
    },
    /// The key's value in the state at version `at`.
    Value {
        /// The client slot that asked, and what it asked for, echoed so
        /// that its library can judge the answer.
        client: u16,
        /// Echoed from the read.
        mode: ReadMode,
        /// The value (`None`: never written).
        value: Option<u64>,
        /// The version of the state read.
        at: u64,
        /// Who served it.
        by: NodeId,
        /// The registry, when the primary served it (empty otherwise).
        registry: Vec<NodeId>,
    },
    /// Not served here: ask `to`.
    Redirect {
        /// Where to ask.
        to: NodeId,
    },
}
