//! What a raft-rs replica keeps on faultline's storage: block [`HARD`]
//! holds the hard state (term, vote, commit), and block `ENTRIES + i` log
//! entry `i`.
//!
//! raft-rs leaves durability to its user, and says when it must be done:
//! `Ready::must_sync`. The replica writes every entry and hard state a
//! `Ready` hands it, and syncs exactly when `must_sync` says so; what it
//! does not sync, a crash may lose. So the library is held to the contract
//! it states, no more and no less.

/// The block of the hard state.
pub(crate) const HARD: u64 = 0;
/// The block of log entry 0 (entries start at index 1).
pub(crate) const ENTRIES: u64 = 16;

/// A block's value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Block {
    /// The hard state.
    Hard {
        /// The current term.
        term: u64,
        /// The node voted for in it (0: none).
        vote: u64,
        /// The commit index.
        commit: u64,
    },
    /// A normal log entry (the replica proposes no configuration changes).
    Entry {
        /// Its term.
        term: u64,
        /// Its data: a command of the key-value service, or empty (a
        /// leader's first entry of its term).
        data: Vec<u8>,
    },
}
