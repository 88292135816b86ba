//! Storage faults: the ways a disk lies, as serde values (see
//! [`crate::storage`] for what each does to a node's storage, and
//! [`crate::atlas`] for where the nemesis lets them land).
//!
//! The nemesis does not know which blocks a model writes, so a fault names
//! no address: a latent error or silent corruption hits the `nth` durable
//! block (counted modulo how many there are when it lands), and a
//! misdirection is an offset from whatever address the next write or read
//! asks for.

use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// One storage fault on one node's disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "what", deny_unknown_fields)]
pub enum DiskFault {
    /// A latent sector error: the `nth` durable block becomes unreadable
    /// (reads return an error) until it is written again.
    Unreadable {
        /// Which durable block, counted in address order, modulo their number.
        nth: u64,
    },
    /// Silent corruption: the `nth` durable block reads back as different
    /// data, with no error (the model's `Node::rot` says how its blocks
    /// rot; a block type that cannot rot becomes unreadable instead).
    Rot {
        /// Which durable block, counted in address order, modulo their number.
        nth: u64,
        /// What the model's rot function draws from.
        noise: u64,
    },
    /// The next write lands `offset` blocks away from its address; the
    /// block it was meant for keeps its old contents.
    MisdirectWrite {
        /// Blocks from the intended address (never 0).
        offset: i64,
    },
    /// The next read of a durable block returns the block `offset` blocks
    /// away instead.
    MisdirectRead {
        /// Blocks from the intended address (never 0).
        offset: i64,
    },
    /// The next sync with buffered writes is cut by a power loss: a prefix
    /// of them is durable, the write at the tear (chosen by `at`) lands
    /// torn (rotten, or unreadable), the rest are lost, and the node stops
    /// there, to restart from its disk.
    Tear {
        /// Chooses the tear point, modulo the number of buffered writes.
        at: u64,
    },
    /// The next sync with buffered writes fails (EIO), with Linux's
    /// semantics: the buffered writes are dropped from the way to the disk
    /// but still read back until a crash, and the next sync succeeds.
    FsyncError,
    /// The disk is full: every sync with buffered writes fails (ENOSPC),
    /// with the semantics of a failed fsync, until [`DiskFault::Space`].
    Full,
    /// The disk has space again.
    Space,
    /// Syncs are slow: each sync keeps the node busy for `micros`
    /// microseconds after the handler that called it, until
    /// [`DiskFault::Fast`]. Messages and timers that come due meanwhile wait.
    Slow {
        /// Microseconds per sync.
        micros: u64,
    },
    /// Syncs take no time again.
    Fast,
}

impl Hash for DiskFault {
    /// An explicit tag per variant, as [`crate::fault::Fault`]'s hash does.
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            DiskFault::Unreadable { nth } => (0isize, nth).hash(state),
            DiskFault::Rot { nth, noise } => (1isize, nth, noise).hash(state),
            DiskFault::MisdirectWrite { offset } => (2isize, offset).hash(state),
            DiskFault::MisdirectRead { offset } => (3isize, offset).hash(state),
            DiskFault::Tear { at } => (4isize, at).hash(state),
            DiskFault::FsyncError => 5isize.hash(state),
            DiskFault::Full => 6isize.hash(state),
            DiskFault::Space => 7isize.hash(state),
            DiskFault::Slow { micros } => (8isize, micros).hash(state),
            DiskFault::Fast => 9isize.hash(state),
        }
    }
}

impl DiskFault {
    /// The largest slow-sync latency, in microseconds (100 ms).
    pub const MAX_SLOW_MICROS: u64 = 100_000;

    /// True when `later` undoes this fault: space after a full disk, fast
    /// syncs after slow ones. The other kinds are instants.
    pub fn is_undone_by(&self, later: &DiskFault) -> bool {
        matches!(
            (self, later),
            (DiskFault::Full, DiskFault::Space) | (DiskFault::Slow { .. }, DiskFault::Fast)
        )
    }

    /// True for the kinds that act once, with nothing to undo them.
    pub fn is_instant(&self) -> bool {
        !matches!(
            self,
            DiskFault::Full | DiskFault::Space | DiskFault::Slow { .. } | DiskFault::Fast
        )
    }

    /// Its name, as the serde tag writes it.
    pub fn name(&self) -> &'static str {
        match self {
            DiskFault::Unreadable { .. } => "unreadable",
            DiskFault::Rot { .. } => "rot",
            DiskFault::MisdirectWrite { .. } => "misdirect_write",
            DiskFault::MisdirectRead { .. } => "misdirect_read",
            DiskFault::Tear { .. } => "tear",
            DiskFault::FsyncError => "fsync_error",
            DiskFault::Full => "full",
            DiskFault::Space => "space",
            DiskFault::Slow { .. } => "slow",
            DiskFault::Fast => "fast",
        }
    }

    /// What is wrong with the fault, if anything: an offset of 0, or a
    /// slow sync past [`DiskFault::MAX_SLOW_MICROS`].
    pub fn problem(&self) -> Option<String> {
        match self {
            DiskFault::MisdirectWrite { offset: 0 } | DiskFault::MisdirectRead { offset: 0 } => {
                Some("a misdirection by 0 blocks is no misdirection".into())
            }
            DiskFault::Slow { micros } if *micros > Self::MAX_SLOW_MICROS => Some(format!(
                "{micros} µs per sync is over the limit of {}",
                Self::MAX_SLOW_MICROS
            )),
            _ => None,
        }
    }

    /// A few words for a story: "a latent error", "a misdirected write".
    pub fn describe(&self) -> String {
        match self {
            DiskFault::Unreadable { .. } => "a latent sector error".into(),
            DiskFault::Rot { .. } => "silent corruption of a block".into(),
            DiskFault::MisdirectWrite { offset } => {
                format!("its next write misdirected by {offset} blocks")
            }
            DiskFault::MisdirectRead { offset } => {
                format!("its next read misdirected by {offset} blocks")
            }
            DiskFault::Tear { .. } => "its next sync torn by a power loss".into(),
            DiskFault::FsyncError => "its next fsync failing".into(),
            DiskFault::Full => "its disk full".into(),
            DiskFault::Space => "its disk with space again".into(),
            DiskFault::Slow { micros } => format!("its syncs slow ({} ms each)", micros / 1000),
            DiskFault::Fast => "its syncs fast again".into(),
        }
    }
}
