//! tikv's raft-rs (`RawNode` and `Ready`), the Raft of TiKV, under the
//! engine: five replicas of a key-value store, at the newest release and at
//! each older release whose fix a fault can reach.
//!
//! The library runs unmodified from crates.io; [`replica`] says how the
//! adapter keeps its contract (storage synced exactly when `must_sync`
//! says, ticks from the node's clock, randomness from the node's stream).
//! Judges: Raft's safety after every event ([`faultline::models::judge::raft`]),
//! linearizability of the store under the `kv` spec, and, healed, a leader
//! and progress.

mod block;
mod replica;
mod timing;
mod versions;

pub use block::Block;
use faultline::models::judge::raft::RaftView;
use faultline::models::kv::{KvReply, KvRequest};
use faultline::sim::model::EngineModel;
use faultline::sim::scenario::Scenario;
pub use timing::{ELECTION_TICKS, HEARTBEAT_TICKS, TICK_MS};
use versions::{v0_3, v0_6_alpha, v0_7};

faultline::sim::bug_switches! {
    /// raft-rs's releases with known bugs; no switch runs the newest, 0.7.0.
    pub enum RaftRsVersion {
        /// raft 0.6.0-alpha: `Ready::must_sync` is false for a `Ready` that
        /// appends entries without changing the term or the vote (fixed in
        /// 0.6.0 by tikv/raft-rs pull request 372, issue 128). An
        /// application that syncs when it must acknowledges entries it has
        /// not synced; a crash loses them after they were committed.
        V0_6Alpha = "0.6.0-alpha", caught by All within 500,
        /// raft 0.3.0: a pre-candidate keeps the votes and the leader id of
        /// its last term (fixed in 0.3.1 by tikv/raft-rs pull requests 83
        /// and 84). A leader cut off from the rest steps down under
        /// check-quorum without telling them; each follower then becomes a
        /// pre-candidate that still names that leader, so it sees itself in
        /// the leader's lease and ignores every other pre-vote request: no
        /// pre-candidate reaches a quorum, and the cluster has no leader
        /// even after the cut heals. The adapter syncs every `Ready` for
        /// this release, since 0.3.0 also has 0.6.0-alpha's `must_sync` bug.
        V0_3 = "0.3.0", caught by LeaderChurn within 500,
    }
}

faultline::sim::releases! {
    node RaftRsKv, message Msg, block Block, op KvRequest, reply KvReply,
    switch RaftRsVersion, view dyn RaftView;
    newest V0_7 => v0_7;
    V0_6Alpha => v0_6_alpha,
    V0_3 => v0_3
}

/// raft-rs, described once for the command line and the tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct RaftRsModel;

impl EngineModel for RaftRsModel {
    type Node = RaftRsKv;
    type Bug = RaftRsVersion;
    const NAME: &'static str = "raft-rs";
    const SUMMARY: &'static str =
        "tikv/raft-rs 0.7.0 (the bug switches are older releases) replicating a key-value store";

    fn scenario(&self, bug: Option<RaftRsVersion>) -> Scenario<RaftRsKv> {
        scenario(bug)
    }

    fn op_kind(&self, op: &KvRequest) -> &'static str {
        op.command.kind()
    }
}

/// Five replicas of `release` (the newest: `None`) in the run every Raft
/// library is judged in ([`crate::raft_kv`]).
pub fn scenario(release: Option<RaftRsVersion>) -> Scenario<RaftRsKv> {
    crate::raft_kv::scenario(move |_| RaftRsKv::Fresh(release), RaftRsKv::running)
}
