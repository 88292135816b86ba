//! What leased-work's nodes say to each other, their timers, what they keep
//! on disk, and the names of jobs, chunks and tokens.

use sim::{NodeId, SimTime};
use std::fmt;

/// A job: the client slot that submitted it and its sequence number there.
/// (`Debug` is its `Display`, `job 0.1`, so traces stay readable.)
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId {
    /// The submitting client slot.
    pub client: u16,
    /// The client's sequence number.
    pub seq: u32,
}

impl JobId {
    /// The job's storage address at the coordinator.
    pub fn address(self) -> u64 {
        u64::from(self.client) << 32 | u64::from(self.seq)
    }

    /// The job stored at `address` (the inverse of [`JobId::address`]).
    pub fn from_address(address: u64) -> JobId {
        JobId {
            client: (address >> 32) as u16,
            seq: address as u32,
        }
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job {}.{}", self.client, self.seq)
    }
}

/// One chunk of a job. (`Debug` is its `Display`, `chunk 0.1.2`.)
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChunkId {
    /// The job.
    pub job: JobId,
    /// Which chunk of it.
    pub part: u8,
}

impl ChunkId {
    /// The chunk's storage address at the result store.
    pub fn address(self) -> u64 {
        self.job.address() << 8 | u64::from(self.part)
    }

    /// The chunk stored at `address` (the inverse of [`ChunkId::address`]).
    pub fn from_address(address: u64) -> ChunkId {
        ChunkId {
            job: JobId::from_address(address >> 8),
            part: address as u8,
        }
    }
}

impl fmt::Display for ChunkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "chunk {}.{}.{}",
            self.job.client, self.job.seq, self.part
        )
    }
}

/// A lease's fencing token: the coordinator issues them in increasing order,
/// one per grant, and never reuses one (it syncs a grant before sending it).
/// (`Debug` is its `Display`, `token 7`.)
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Token(pub u64);

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "token {}", self.0)
    }
}

/// `Debug` as `Display`, for the names above.
macro_rules! debug_as_display {
    ($($t:ty),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )*};
}
debug_as_display!(JobId, ChunkId, Token);

/// A message between nodes. `sent_at` is the sender's monotonic clock, echoed
/// back so that the sender measures its lease from when it asked.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LwMsg {
    /// Worker to coordinator: give me a chunk.
    Request {
        /// When the worker asked.
        sent_at: SimTime,
    },
    /// Coordinator to worker: a lease on `chunk`.
    Grant {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's fencing token.
        token: Token,
        /// The request's `sent_at`.
        sent_at: SimTime,
        /// When the lease ends on the coordinator's wall clock: what a
        /// lease API reports, and what only a buggy worker compares with its
        /// own clock.
        expires_at: SimTime,
    },
    /// Worker to coordinator: extend my lease.
    Renew {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
        /// When the worker asked.
        sent_at: SimTime,
    },
    /// Coordinator to worker: the lease is extended.
    Renewed {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
        /// The renewal's `sent_at`.
        sent_at: SimTime,
        /// When the lease now ends on the coordinator's wall clock.
        expires_at: SimTime,
    },
    /// Coordinator to worker: that lease is over.
    Revoked {
        /// The chunk.
        chunk: ChunkId,
        /// The token of the lease that is over.
        token: Token,
    },
    /// Worker to coordinator: I give this lease up.
    Release {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
    },
    /// Worker to coordinator: a progress report, the result is computed and
    /// being written out.
    Computed {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
    },
    /// Worker to coordinator: the chunk's result is durable in the store.
    Finished {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
    },
    /// Worker to store: I hold `token` for `chunk`; refuse older tokens.
    Claim {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
    },
    /// Store to worker: the claim is recorded.
    Claimed {
        /// The chunk.
        chunk: ChunkId,
        /// The claim's token.
        token: Token,
        /// The chunk's result is already stored (nothing left to do).
        applied: bool,
    },
    /// Worker to store: the chunk's result, under `token`.
    Write {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
    },
    /// Store to worker: the result under `token` is durable.
    Stored {
        /// The chunk.
        chunk: ChunkId,
        /// The write's token.
        token: Token,
    },
    /// Store to worker: refused, a newer token holds the chunk.
    Fenced {
        /// The chunk.
        chunk: ChunkId,
        /// The refused token.
        token: Token,
        /// The newest token the store has seen for the chunk.
        fence: Token,
    },
}

/// A timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LwTimer {
    /// Worker: ask for work, if idle.
    Poll,
    /// Worker: renew the lease, if it is running low.
    RenewCheck,
    /// Worker: the computation is done.
    WorkDone {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
    },
    /// Worker: the result is written out; send it to the store.
    Flush {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
    },
    /// Worker: the store has not answered the claim.
    ClaimTimeout {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
    },
    /// Worker: the store has not answered the write.
    WriteTimeout {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
    },
    /// Coordinator: a lease's time is up, unless renewed since.
    Expire {
        /// The chunk.
        chunk: ChunkId,
        /// The lease's token.
        token: Token,
    },
}

/// The coordinator's record of one chunk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Chunk {
    /// Who holds it now, if anyone.
    pub lease: Option<Lease>,
    /// The newest token granted for it (`Token(0)`: never leased).
    pub last_token: Token,
    /// Its result is stored.
    pub done: bool,
}

/// A lease as the coordinator records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Lease {
    /// The worker.
    pub worker: NodeId,
    /// Its token.
    pub token: Token,
}

/// The store's record of one chunk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Record {
    /// The newest token claimed or written for the chunk.
    pub fence: Token,
    /// The token whose write of the result was applied last, if any.
    pub applied: Option<Token>,
}

/// A durable block: a job's chunks at the coordinator (addressed by
/// [`JobId::address`]), or a chunk's record at the store (by
/// [`ChunkId::address`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LwBlock {
    /// A job's chunks, at the coordinator.
    Job(Vec<Chunk>),
    /// A chunk's record, at the store.
    Record(Record),
}

/// A client operation: run this job (idempotent by its id: a retry of a
/// known job waits for the same job).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SubmitJob {
    /// The job.
    pub job: JobId,
}

/// The answer: every chunk of the job is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JobDone {
    /// The job.
    pub job: JobId,
}
