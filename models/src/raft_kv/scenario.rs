//! The standard `raft-kv` scenario, and the model's description.

use super::invariants;
use super::node::{probes, RaftKv, Role};
use super::RaftBug;
use crate::kv::{history, KvClients, KvRequest};
use sim::core::CoreSpec;
use sim::model::{EngineModel, Exhaustive};
use sim::scenario::{Check, Scenario};
use sim::spec::kv::Kv;
use sim::{live_nodes, Mix, NodeTable, SimDuration, Simulation};

/// `raft-kv`, described once for the catalog.
#[derive(Clone, Copy, Debug, Default, Hash)]
pub struct RaftKvModel;

impl EngineModel for RaftKvModel {
    type Node = RaftKv;
    type Bug = RaftBug;
    const NAME: &'static str = "raft-kv";
    const SUMMARY: &'static str = "a key-value store replicated by Raft, reads through the log";
    const EXHAUSTIVE: Option<Exhaustive<Self>> = Some(Exhaustive::new());

    fn scenario(&self, bug: Option<RaftBug>) -> Scenario<RaftKv> {
        scenario(bug)
    }

    fn op_kind(&self, op: &KvRequest) -> &'static str {
        op.command.kind()
    }
}

/// Some live node leads.
pub fn has_leader(sim: &Simulation<RaftKv>) -> Result<(), String> {
    sim.live_nodes()
        .any(|(_, n)| n.role() == Role::Leader)
        .then_some(())
        .ok_or_else(|| "no leader".to_string())
}

/// The hot monitor: no node the liveness phase healed leads or knows the
/// leader of its term. After the heal it may last 2 s at most: a few
/// election rounds.
pub const NO_LEADER: &str = "no healed node knows a leader";

/// The live leader of the highest term: what focused faults hit, on any
/// host that can show its nodes.
pub fn leader(nodes: &dyn NodeTable<RaftKv>) -> Option<sim::NodeId> {
    live_nodes(nodes)
        .filter(|(_, n)| n.role() == Role::Leader)
        .max_by_key(|(_, n)| n.term())
        .map(|(id, _)| id)
}

/// Five nodes, three clients of [`KvClients`], the `all` mix (with storage
/// faults on up to two disks), the four
/// safety properties after every event ([`invariants::safety`]),
/// linearizability under the `kv` spec, 10 s of safety; then, healed, a
/// leader and every client's next operation.
pub fn scenario(bug: Option<RaftBug>) -> Scenario<RaftKv> {
    scenario_of(move |version| RaftKv::of_version(bug, version))
}

/// The standard scenario of nodes that `node` makes at each version.
pub(super) fn scenario_of(node: impl Fn(u32) -> RaftKv + Clone + 'static) -> Scenario<RaftKv> {
    let first = node.clone();
    Scenario::new(move |_| first(1))
        .versions(2, move |_, version| node(version))
        .nodes(5)
        .clients(3, KvClients::default)
        .faults(Mix::All.nemesis())
        .focus("the leader", |sim: &Simulation<RaftKv>| leader(sim))
        .core(CoreSpec::majority(5))
        .lying_disks(CoreSpec::majority(5))
        .node_state(RaftKv::state_line)
        .check(Check::properties(&invariants::PROPERTIES, || {
            let mut safety = invariants::safety();
            move |sim: &Simulation<RaftKv>| safety(sim)
        }))
        .check(Check::linearizable(Kv, history::spec_history))
        .check(Check::eventually("a leader", has_leader))
        .hot_for(NO_LEADER, SimDuration::from_secs(2), |sim| {
            let healed = sim.live_nodes().filter(|&(id, _)| sim.is_healed(id));
            healed
                .filter_map(|(_, n)| n.known_leader())
                .next()
                .is_none()
        })
        .fault_point(super::node::EARLY_ELECTION)
        .probe(probes::LEADER_WITH_UNCOMMITTED, 5)
        .probe(probes::OLD_TERM_ON_MAJORITY, 50)
        .probe(probes::CONFLICT_TRUNCATED, 20)
        .probe(probes::LOG_DAMAGED, 20)
        .probe(probes::REPAIRED, 20)
        .probe(probes::FORFEITED, 30)
        .sometimes(TWO_LEADERS, 10, |sim| {
            let leaders = sim.live_nodes().filter(|(_, n)| n.role() == Role::Leader);
            leaders.count() >= 2
        })
        .run_for(SimDuration::from_secs(10))
}

/// The harness-level probe: a deposed leader that does not know it yet.
pub const TWO_LEADERS: &str = "two nodes believe they lead";
