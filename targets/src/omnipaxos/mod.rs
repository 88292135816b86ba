//! omnipaxos (haraldng/omnipaxos), a sans-IO Sequence Paxos with ballot
//! leader election, under the engine: five servers of a key-value store,
//! at the newest release, 0.2.4.
//!
//! The library runs unmodified from crates.io; [`replica`] says how the
//! adapter keeps its contract (durable storage before sends, FIFO sessions
//! with `reconnected`, ticks on the node's clock). It is judged as the Raft
//! libraries are ([`crate::raft_kv`]): the decided prefix never changes,
//! one leader per ballot, linearizable, and, healed, a leader and progress.

mod replica;
mod store;
mod versions;

use faultline::models::judge::raft::RaftView;
use faultline::models::kv::{KvReply, KvRequest};
use faultline::sim::model::EngineModel;
use faultline::sim::scenario::Scenario;
pub use replica::{ELECTION_TICKS, TICK_MS};
pub use store::{Block, Command};

use versions::{v0_2_3, v0_2_4};

faultline::sim::bug_switches! {
    /// omnipaxos's releases with known bugs; no switch runs the newest,
    /// 0.2.4.
    pub enum OmniPaxosVersion {
        /// omnipaxos 0.2.3: a follower takes the decided index of a
        /// leader's `AcceptSync` as it comes (fixed in 0.2.4). A leader that
        /// completed its Prepare without this follower's Promise can be
        /// behind it, so the follower's decided index moves back.
        V0_2_3 = "0.2.3", caught by All within 500,
    }
}

faultline::sim::releases! {
    node OmniPaxosKv, message Msg, block Block, op KvRequest, reply KvReply,
    switch OmniPaxosVersion, view dyn RaftView;
    newest V0_2_4 => v0_2_4;
    V0_2_3 => v0_2_3
}

/// omnipaxos, described once for the command line and the tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct OmniPaxosModel;

impl EngineModel for OmniPaxosModel {
    type Node = OmniPaxosKv;
    type Bug = OmniPaxosVersion;
    const NAME: &'static str = "omnipaxos";
    const SUMMARY: &'static str = "haraldng/omnipaxos 0.2.4 (the bug switches are older releases) replicating a key-value store";

    fn scenario(&self, bug: Option<OmniPaxosVersion>) -> Scenario<OmniPaxosKv> {
        scenario(bug)
    }

    fn op_kind(&self, op: &KvRequest) -> &'static str {
        op.command.kind()
    }
}

/// Five servers in the run every consensus library is judged in
/// ([`crate::raft_kv`]).
pub fn scenario(release: Option<OmniPaxosVersion>) -> Scenario<OmniPaxosKv> {
    crate::raft_kv::scenario(move |_| OmniPaxosKv::Fresh(release), OmniPaxosKv::running)
}
