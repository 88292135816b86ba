//! The standard `read-replicas` scenario, and the model's description.

use super::freshness::MAX_STALENESS;
use super::replica::probes;
use super::workload::{self, ReplicaClients};
use super::{RrBug, RrNode, PRIMARY, REPLICAS};
use sim::model::EngineModel;
use sim::scenario::{Check, Scenario};
use sim::{Mix, NodeId, SimDuration, Simulation};

/// `read-replicas`, described once for the catalog.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadReplicasModel;

impl EngineModel for ReadReplicasModel {
    type Node = RrNode;
    type Bug = RrBug;
    const NAME: &'static str = "read-replicas";
    const SUMMARY: &'static str =
        "a durable primary and lagging read replicas that join and leave, with bounded staleness and session guarantees";

    fn scenario(&self, bug: Option<RrBug>) -> Scenario<RrNode> {
        scenario(bug)
    }

    fn op_kind(&self, op: &super::messages::RrOp) -> &'static str {
        workload::op_kind(op)
    }

    fn served_by(&self, reply: &super::messages::RrReply) -> Option<&'static str> {
        workload::served_by(reply)
    }
}

/// The primary and three replicas (the scalable fleet); four sessions, four
/// reads in five; the `all` mix; the read guarantees with the stated bound;
/// 10 s of safety; then, healed, every client's next operation completes
/// and every replica catches up.
pub fn scenario(bug: Option<RrBug>) -> Scenario<RrNode> {
    Scenario::new(move |id| RrNode::new(id, bug))
        .nodes(1 + REPLICAS)
        .core(sim::core::CoreSpec {
            quorum: 2,
            required: vec![PRIMARY],
        })
        .clients(4, ReplicaClients::default)
        .faults(Mix::All.nemesis())
        .scalable((1..=REPLICAS).map(NodeId::from))
        .focus("the primary", |_| Some(PRIMARY))
        .fault_point(super::replica::LATE_PULL)
        .check(Check::read_guarantees(
            MAX_STALENESS,
            workload::read_history,
        ))
        .check(Check::eventually(
            "every replica caught up",
            every_replica_caught_up,
        ))
        .probe(probes::CHECKPOINT_INSTALLED, 20)
        .probe(probes::STALE_REPLICA_REDIRECTED, 20)
        .run_for(SimDuration::from_secs(10))
}

/// Every replica that is up, and that the liveness phase healed, has
/// applied the primary's whole log.
pub fn every_replica_caught_up(sim: &Simulation<RrNode>) -> Result<(), String> {
    let commit = sim
        .node(PRIMARY)
        .and_then(RrNode::primary)
        .map_or(0, |p| p.commit());
    for i in 1..sim.node_count() {
        let id = NodeId::from(i);
        if sim.status(id).is_down() || !sim.is_healed(id) {
            continue;
        }
        if let Some(r) = sim
            .node(id)
            .and_then(RrNode::replica)
            .filter(|r| r.applied() < commit)
        {
            return Err(format!(
                "{id} has applied {} of {commit} versions",
                r.applied()
            ));
        }
    }
    Ok(())
}
