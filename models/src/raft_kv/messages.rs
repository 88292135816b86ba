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
    /// Before it stands, a node asks whether it could win (the pre-vote of
    /// Ongaro's thesis, §9.6): nobody changes state for it, so a node that
    /// cannot hear the cluster never drives the terms up.
    PreVote {
        /// The term it would stand in: its own plus one.
        term: u64,
        /// Its last log index.
        last_index: u64,
        /// Its last log term.
        last_term: u64,
    },
    /// The answer to a pre-vote.
    PreVoteReply {
        /// The voter's term.
        term: u64,
        /// Whether it would vote.
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
        /// On failure: the follower lost entries it once acknowledged (its
        /// disk was damaged, see `node/recovery.rs`), so the leader must
        /// forget how far it knew the two logs matched.
        lost: bool,
    },
}

/// Raft's one timer: a tick that drives election timeouts and heartbeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tick;

/// A storage block: block 0 holds the hard state, block `i` log entry `i`;
/// version 2 adds the commit index in block [`COMMIT_BLOCK`], which version
/// 1 never reads. Recovery from a damaged disk keeps two more (see
/// `node/recovery.rs`). Each is sealed and mirrored on the disk (see
/// [`sim::sealed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    /// Version 2: the commit index, so a restarted node applies what it
    /// knows committed at once instead of waiting for a leader.
    Commit(u64),
    /// The hard state in a format only version 2 reads (term, vote and
    /// commit in one block): what the `hard-state-v2-only` bug writes.
    HardV2 {
        /// The current term.
        term: u64,
        /// The candidate voted for in that term.
        voted_for: Option<NodeId>,
        /// The commit index.
        commit: u64,
    },
    /// The node found its log damaged at recovery: it votes again only
    /// once its log reaches this index again, repaired from a leader.
    Repair(u64),
    /// The node lost its hard state to a damaged disk: it never votes or
    /// stands again, since it cannot know whom it voted for.
    Forfeit,
}

/// Where version 2 keeps the commit index: past any log index, and below
/// the mirror copies ([`sim::sealed::MIRROR`]).
pub const COMMIT_BLOCK: u64 = sim::sealed::MIRROR - 1;
/// Where a node that found its log damaged keeps [`RaftBlock::Repair`].
pub const REPAIR_BLOCK: u64 = sim::sealed::MIRROR - 2;
/// Where a node that lost its hard state keeps [`RaftBlock::Forfeit`].
pub const FORFEIT_BLOCK: u64 = sim::sealed::MIRROR - 3;
