//! The standard `primary-backup` scenario, and the model's description.

use super::invariants;
use super::replica::probes;
use super::{PbBug, PbNode};
use crate::kv::{history, KvClients, KvRequest};
use sim::core::CoreSpec;
use sim::model::{EngineModel, Exhaustive};
use sim::scenario::{Check, Scenario};
use sim::spec::kv::Kv;
use sim::{Mix, NodeId, SimDuration, Simulation};

/// `primary-backup`, described once for the catalog.
#[derive(Clone, Copy, Debug, Default, Hash)]
pub struct PrimaryBackupModel;

impl EngineModel for PrimaryBackupModel {
    type Node = PbNode;
    type Bug = PbBug;
    const NAME: &'static str = "primary-backup";
    const SUMMARY: &'static str =
        "a key-value store with a primary, synchronous backups and failover by epochs";
    const EXHAUSTIVE: Option<Exhaustive<Self>> = Some(Exhaustive::new());

    fn scenario(&self, bug: Option<PbBug>) -> Scenario<PbNode> {
        scenario(bug)
    }

    fn op_kind(&self, op: &KvRequest) -> &'static str {
        op.command.kind()
    }
}

/// Some live replica serves as primary.
pub fn has_primary(sim: &Simulation<PbNode>) -> Result<(), String> {
    sim.live_nodes()
        .any(|(_, n)| n.replica().is_some_and(|r| r.serving()))
        .then_some(())
        .ok_or_else(|| "no replica serves as primary".to_string())
}

/// The serving primary of the highest epoch: what focused faults hit.
pub fn primary(sim: &Simulation<PbNode>) -> Option<sim::NodeId> {
    sim.live_nodes()
        .filter_map(|(id, n)| n.replica().filter(|r| r.serving()).map(|r| (id, r.epoch())))
        .max_by_key(|&(_, epoch)| epoch)
        .map(|(id, _)| id)
}

/// The disks that may lie: one replica's at most, never the service's. A
/// primary answers only once a backup holds a write too, so one of every
/// acknowledged write's two copies is intact.
pub fn lying_disks() -> CoreSpec {
    CoreSpec {
        quorum: 3,
        required: vec![NodeId(0)],
    }
}

/// The configuration service and three replicas, three clients of
/// [`KvClients`], the `all` mix (with storage faults on one replica's disk:
/// [`lying_disks`]), both invariants after every event,
/// linearizability under the `kv` spec, 10 s of safety; then, healed, a
/// serving primary and every client's next operation.
pub fn scenario(bug: Option<PbBug>) -> Scenario<PbNode> {
    Scenario::new(move |id| PbNode::new(id, bug))
        .nodes(4)
        .clients(3, KvClients::default)
        .faults(Mix::All.nemesis())
        .focus("the primary", primary)
        .lying_disks(lying_disks())
        .check(Check::monitor(
            "one primary per epoch",
            invariants::one_primary_per_epoch,
        ))
        .check(Check::monitor(
            "acknowledged writes survive",
            invariants::acknowledged_writes_survive,
        ))
        .check(Check::linearizable(Kv, history::spec_history))
        .check(Check::eventually("a serving primary", has_primary))
        .probe(probes::BACKUP_PROMOTED, 20)
        .probe(probes::STALE_PRIMARY_FENCED, 20)
        .probe(probes::FORWARD_AHEAD_OF_GAP, 20)
        .probe(probes::STATE_LOST, 50)
        .probe(probes::LOST_STATE_RESTORED, 100)
        .run_for(SimDuration::from_secs(10))
}
