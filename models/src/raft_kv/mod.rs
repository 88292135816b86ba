//! `raft-kv`: a key-value store replicated by Raft, with its bug switches.
//!
//! The protocol follows the Raft paper (Ongaro and Ousterhout, 2014):
//! - leader election with randomized timeouts (150 to 300 ms), where a vote
//!   goes only to a candidate whose log is at least as up to date;
//! - log replication with the consistency check on (`prev_index`,
//!   `prev_term`), and a fast skip back over a conflicting term;
//! - pre-vote and check-quorum (the thesis, §9.6 and §6.2), so that a node
//!   that can send but not hear disrupts nobody (see `node/election.rs`);
//! - the commit rule: the leader commits by counting replicas only entries of
//!   its own term (its predecessors' entries commit with its first one);
//! - `currentTerm`, `votedFor` and the log written and synced before any
//!   message that depends on them is sent;
//! - every block sealed with a checksum and mirrored, so that a disk that
//!   lies is caught (see [`disk`]); a node that finds its disk damaged never
//!   votes on what it cannot trust, and gets its log back from a leader
//!   (see `node/recovery.rs`).
//!
//! Clients send get, put and append with a client id and sequence number
//! ([`crate::kv`]); the store applies each once. Every operation, reads
//! included, goes through the log, so reads are linearizable.
//!
//! Files: [`log`] (entries and prefix hashes), [`messages`], [`disk`] (the
//! blocks as they lie on a disk), [`node`] (the
//! protocol), [`invariants`] (the paper's safety properties as checks) and
//! [`scenario`] (the standard scenario).

pub mod disk;
pub mod invariants;
pub mod log;
pub mod messages;
pub mod mutants;
pub mod node;
pub mod scenario;

pub use node::{RaftKv, Role};
pub use scenario::{leader, scenario, RaftKvModel};

sim::bug_switches! {
    /// Raft's bug switches: classic mistakes the simulator must catch.
    pub enum RaftBug {
        /// Commit an entry of an earlier term by counting replicas: the
        /// paper's figure 8. A committed entry can then be overwritten.
        CommitPreviousTerm = "commit-previous-term", caught by All within 200,
        /// Grant votes without the up-to-date check: a node missing
        /// committed entries can be elected and overwrite them.
        VoteWithoutLogCheck = "vote-without-log-check", caught by All within 50,
        /// `votedFor` is not persisted: a node that restarts can vote twice
        /// in one term, and the term can have two leaders.
        ForgetVoteOnRestart = "forget-vote-on-restart", caught by All within 50,
        /// Acknowledge a write when the leader appends it, before it
        /// commits: a deposed leader's acknowledged write can vanish.
        AckBeforeCommit = "ack-before-commit", caught by All within 50,
        /// Followers answer gets from their own state, which may be stale.
        ReadFromFollower = "read-from-follower", caught by All within 50,
        /// Version 2 writes its hard state in a new format (term, vote and
        /// commit in one block) that version 1 cannot read: a node rolled
        /// back to version 1 comes up with no term and no vote, and can
        /// vote twice in one term.
        HardStateV2Only = "hard-state-v2-only", caught by Upgrade within 50,
        /// The leader answers every append reply with another append at
        /// once, even with nothing to send, instead of waiting for its
        /// heartbeat: a retry loop with no timer. Safe, but each duplicated
        /// message starts another loop that never ends, and the traffic
        /// multiplies until it is a storm.
        ResendOnEveryReply = "resend-on-every-reply", caught by All within 500,
        /// No pre-vote: a node whose election timeout fires stands at
        /// once, in a higher term. A node that can send but not hear (a
        /// one-way partition) stands again and again, and each of its terms
        /// deposes the leader the others elect: the cluster livelocks
        /// while a quorum is healthy. Only the core liveness mode finds it.
        NoPreVote = "no-pre-vote", caught by All in core within 500,
        /// No check-quorum: a leader that hears from no majority keeps
        /// leading. A leader that can send but not hear keeps the others
        /// following it, and nothing commits. Only the core liveness mode
        /// finds it.
        NoCheckQuorum = "no-check-quorum", caught by All in core within 500,
        /// Recovery believes what it reads: one copy of each block, no
        /// checksum. A rotten or misdirected block becomes a term, a vote or
        /// an entry the node acts on.
        TrustUncheckedReads = "trust-unchecked-reads", caught by All within 500,
        /// A failed fsync is taken for success: the node acknowledges
        /// entries and votes the disk dropped, and a crash loses them.
        IgnoreFsyncErrors = "ignore-fsync-errors", caught by All within 500,
        /// A node that found its disk damaged votes and stands anyway: with
        /// its log cut short it can elect a leader that lacks a committed
        /// entry, and with its vote lost it can vote twice in one term.
        VoteWhileDamaged = "vote-while-damaged", caught by All within 500,
    }
}

impl RaftBug {
    /// The switches only storage faults find (a host that skips them, as
    /// madsim's does, cannot offer them).
    pub const DISK: [RaftBug; 3] = [
        RaftBug::TrustUncheckedReads,
        RaftBug::IgnoreFsyncErrors,
        RaftBug::VoteWhileDamaged,
    ];
}
