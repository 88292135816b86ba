//! Raft's messages, timer and storage blocks.

use super::log::Entry;
use sim::NodeId;

/// Messages between Raft nodes (§5 of the paper).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RaftMsg {
    /// A candidate asks for a vote.
    RequestVote {
        /// The candidate's term.
        term: u64,
        /// Its last log index.
        last_index: u64,
        /// Its last log term.
        last_term: u64,
    },
    /// The answer to a vote request.
    Vote {
        /// The voter's term.
        term: u64,
        /// Whether the vote is granted.
        granted: bool,
    },
    /// A leader replicates entries (none: a heartbeat).
    Append {
        /// The leader's term.
        term: u64,
        /// The index just before the entries.
        prev_index: u64,
        /// The term at `prev_index`.
        prev_term: u64,
        /// The entries, from `prev_index + 1`.
        entries: Vec<Entry>,
        /// The leader's commit index.
        commit: u64,
    },
    /// The answer to an append.
    AppendReply {
        /// The follower's term.
        term: u64,
        /// Whether the log matched at `prev_index`.
        success: bool,
        /// On success, the last index now known to match the leader's; on
        /// failure, the index after which the leader should retry.
        index: u64,
    },
}

/// Raft's one timer: a tick that drives election timeouts and heartbeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tick;

/// A storage block: block 0 holds the hard state, block `i` log entry `i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RaftBlock {
    /// The current term and the vote cast in it.
    Hard {
        /// The current term.
        term: u64,
        /// The candidate voted for in that term.
        voted_for: Option<NodeId>,
    },
    /// A log entry.
    Entry(Entry),
}
