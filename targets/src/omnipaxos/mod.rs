//! omnipaxos (haraldng/omnipaxos), a sans-IO Sequence Paxos with ballot
//! leader election, under the engine: five servers of a key-value store,
//! at the newest release, 0.2.4.
//!
//! The library runs unmodified from crates.io; [`replica`] says how the
//! adapter keeps its contract (durable storage before sends, FIFO sessions
//! with `reconnected`, ticks on the node's clock). It is judged as the Raft
//! libraries are ([`crate::raft_kv`]): the decided prefix never changes,
//! one leader per ballot, linearizable, and, healed, a leader and progress.
//! No older release is a switch: every 0.2 release is semver-compatible
//! with 0.2.4, and Cargo links one of them into a binary.

mod replica;
mod store;

use crate::judge::raft::RaftView;
use models::kv::{KvReply, KvRequest};
pub use replica::{ELECTION_TICKS, TICK_MS};
use sim::model::{EngineModel, NoBugs};
use sim::scenario::Scenario;
pub use store::{Block, Command};

/// The newest release.
mod v0_2 {
    pub(super) use super::replica::{Replica, Wire};
}

crate::release::releases! {
    node OmniPaxosKv, message Msg, block Block, op KvRequest, reply KvReply,
    switch NoBugs, view dyn RaftView;
    newest V0_2 => v0_2;
}

/// omnipaxos, described once for the command line and the tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct OmniPaxosModel;

impl EngineModel for OmniPaxosModel {
    type Node = OmniPaxosKv;
    type Bug = NoBugs;
    const NAME: &'static str = "omnipaxos";
    const SUMMARY: &'static str = "haraldng/omnipaxos 0.2.4 replicating a key-value store";

    fn scenario(&self, bug: Option<NoBugs>) -> Scenario<OmniPaxosKv> {
        scenario(bug)
    }

    fn op_kind(&self, op: &KvRequest) -> &'static str {
        op.command.kind()
    }
}

/// Five servers in the run every consensus library is judged in
/// ([`crate::raft_kv`]).
pub fn scenario(release: Option<NoBugs>) -> Scenario<OmniPaxosKv> {
    crate::raft_kv::scenario(move |_| OmniPaxosKv::Fresh(release), OmniPaxosKv::running)
}
