//! noraft (sile/noraft), a sans-IO Raft with no dependencies, under the
//! engine: five replicas of a key-value store, at the newest release and at
//! each older release whose fix a fault can reach.
//!
//! The library runs unmodified from crates.io; [`replica`] says how the
//! adapter keeps its contract (storage synced before sends, timers on the
//! node's clock, randomness from the node's stream). Judges: Raft's safety
//! after every event ([`faultline::models::judge::raft`]), linearizability of the
//! store under the `kv` spec, and, healed, a leader and progress.

mod block;
mod replica;
mod timing;
mod versions;

pub use block::{Block, Entry};
use faultline::models::judge::raft::RaftView;
use faultline::models::kv::{KvReply, KvRequest};
use faultline::sim::model::EngineModel;
use faultline::sim::scenario::Scenario;
pub use timing::{ELECTION_MS, HEARTBEAT_MS};
use versions::{v0_4, v0_5, v0_7};

faultline::sim::bug_switches! {
    /// noraft's releases with known bugs; no switch runs the newest, 0.7.1.
    pub enum NoraftVersion {
        /// noraft 0.4.0: a vote is granted by comparing last log indexes
        /// only, not terms (fixed in 0.5.0, sile/noraft pull request 22).
        /// A node that kept appending in an old term while cut off wins an
        /// election after the heal and overwrites committed entries.
        V0_4 = "0.4.0", caught by All within 500,
        /// noraft 0.5.0: a candidate ignores an AppendEntries of its own
        /// term's leader (fixed in 0.5.1), so it stays a candidate until its
        /// next timeout and deposes the leader with a higher term. A
        /// liveness bug that the next election repairs: harmless to safety.
        V0_5 = "0.5.0", harmless by All within 200,
    }
}

faultline::sim::releases! {
    node NoraftKv, message Msg, block Block, op KvRequest, reply KvReply,
    switch NoraftVersion, view dyn RaftView;
    newest V0_7 => v0_7;
    V0_4 => v0_4, V0_5 => v0_5
}

/// noraft, described once for the command line and the tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoraftModel;

impl EngineModel for NoraftModel {
    type Node = NoraftKv;
    type Bug = NoraftVersion;
    const NAME: &'static str = "noraft";
    const SUMMARY: &'static str =
        "sile/noraft 0.7.1 (the bug switches are older releases) replicating a key-value store";

    fn scenario(&self, bug: Option<NoraftVersion>) -> Scenario<NoraftKv> {
        scenario(bug)
    }

    fn op_kind(&self, op: &KvRequest) -> &'static str {
        op.command.kind()
    }
}

/// Five replicas of `release` (the newest: `None`) in the run every Raft
/// library is judged in ([`crate::raft_kv`]).
pub fn scenario(release: Option<NoraftVersion>) -> Scenario<NoraftKv> {
    crate::raft_kv::scenario(move |_| NoraftKv::Fresh(release), NoraftKv::running)
}
