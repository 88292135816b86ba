//! What a noraft replica keeps on faultline's storage, in a layout that
//! every noraft release shares: block [`HARD`] holds the current term and
//! the vote, block [`GENERATION`] the restart count (releases before 0.7
//! ask for one), and block `ENTRIES + i` log entry `i` with its command.
//!
//! noraft leaves storage to its user: its `SaveCurrentTerm`,
//! `SaveVotedFor` and `AppendLogEntries` actions must be durable before any
//! message of the same batch is sent. The replica writes them here and
//! syncs once before its handler returns, which is before any of its sends
//! can be delivered; so a crash loses exactly what noraft never relied on.

use faultline::models::kv::KvRequest;

/// The block of the current term and the vote.
pub(crate) const HARD: u64 = 0;
/// The block of the restart count.
pub(crate) const GENERATION: u64 = 1;
/// The block of log entry 0 (entries start at index 1).
pub(crate) const ENTRIES: u64 = 16;

/// A block's value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Block {
    /// The current term and the vote (`None`: no vote in this term).
    Hard {
        /// The term.
        term: u64,
        /// The node voted for.
        voted_for: Option<u64>,
    },
    /// How many times the node has restarted.
    Generation(u64),
    /// A log entry.
    Entry {
        /// The term it was proposed in.
        term: u64,
        /// What it holds.
        entry: Entry,
    },
}

/// A log entry, in noraft's three kinds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Entry {
    /// The first entry of a leader's term.
    Term(u64),
    /// A cluster configuration: voters, new voters (joint consensus) and
    /// non-voters.
    Config([Vec<u64>; 3]),
    /// A client's command (noraft replicates only its position; the
    /// command itself travels beside it).
    Command(KvRequest),
}
