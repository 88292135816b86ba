//! Test mutants of raft-kv: mistakes a Raft implementer makes, kept out of
//! the bug switches (no `--bug` names them, and `list` does not show them),
//! so that a test can hold faultline's storm detection to them (see
//! `tests/cli/storm.rs`). Each turns a lost log into a message storm: a
//! follower that lost entries rejects every append, the leader walks back
//! one entry per reject, and duplicated messages multiply the chains.

pub use super::node::Mutant;
use super::node::RaftKv;
use super::scenario::scenario_of;
use sim::scenario::Scenario;

/// The standard scenario (see [`super::scenario::scenario`]), every node
/// running `mutant`.
pub fn scenario(mutant: Mutant) -> Scenario<RaftKv> {
    scenario_of(move |version| RaftKv::mutant(mutant, version))
}
