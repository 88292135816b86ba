//! The standard `raft-kv` scenario.

use super::invariants;
use super::node::{RaftKv, Role};
use super::RaftBug;
use crate::kv::{history, KvClients};
use sim::scenario::Scenario;
use sim::{Nemesis, SimDuration, Simulation};

/// Some live node leads.
pub fn has_leader(sim: &Simulation<RaftKv>) -> Result<(), String> {
    sim.live_nodes()
        .any(|(_, n)| n.role() == Role::Leader)
        .then_some(())
        .ok_or_else(|| "no leader".to_string())
}

/// Five nodes, three clients of [`KvClients`], the `all` nemesis, the four
/// safety properties after every event ([`invariants::safety`]), linearizability under the `kv` spec,
/// 10 s of safety; then, healed, a leader and every client's next operation.
pub fn scenario(bug: Option<RaftBug>) -> Scenario<RaftKv> {
    Scenario::new(move |_| RaftKv::new(bug))
        .nodes(5)
        .clients(3, KvClients::default)
        .faults(Nemesis::default())
        .monitor("raft safety", invariants::safety)
        .linearizable(history::check)
        .eventually("a leader", has_leader)
        .run_for(SimDuration::from_secs(10))
}
