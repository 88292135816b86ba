//! The standard `two-phase-commit` scenario, and the model's description.

use super::workload::{conservation, list_history, TpcClients};
use super::{invariants, TpcBug, TpcNode, COORDINATOR, SHARDS};
use sim::model::{EngineModel, Exhaustive};
use sim::scenario::{Check, Scenario};
use sim::txn::ConsistencyModel;
use sim::{Mix, SimDuration};

/// `two-phase-commit`, described once for the catalog.
#[derive(Clone, Copy, Debug, Default, Hash)]
pub struct TwoPhaseCommitModel;

impl EngineModel for TwoPhaseCommitModel {
    type Node = TpcNode;
    type Bug = TpcBug;
    const NAME: &'static str = "two-phase-commit";
    const SUMMARY: &'static str = "transactions across three shards, committed by two-phase commit";
    const EXHAUSTIVE: Option<Exhaustive<Self>> = Some(Exhaustive::new());

    fn scenario(&self, bug: Option<TpcBug>) -> Scenario<TpcNode> {
        scenario(bug)
    }

    fn op_kind(&self, op: &super::messages::TxnRequest) -> &'static str {
        match op.steps.first() {
            Some(super::messages::Step::Transfer { .. }) => "transfer",
            Some(super::messages::Step::Balance { .. }) => "audit",
            _ => "txn",
        }
    }
}

/// The coordinator and three shards; three clients; the `all` mix, the
/// coordinator as the focus; atomicity after every event; conservation over
/// the audits and strict serializability over the list transactions at the
/// end of 10 s of safety; then, healed, every client's next transaction
/// completes and nothing is left half-done.
pub fn scenario(bug: Option<TpcBug>) -> Scenario<TpcNode> {
    Scenario::new(move |id| TpcNode::new(id, bug))
        .nodes(1 + SHARDS as usize)
        .clients(3, TpcClients::default)
        .faults(Mix::All.nemesis())
        .focus("the coordinator", |_| Some(COORDINATOR))
        .check(Check::monitor("atomicity", invariants::atomicity))
        .check(Check::of_history("conservation", conservation))
        .check(Check::transactional(
            ConsistencyModel::StrictSerializable,
            list_history,
        ))
        .check(Check::eventually(
            "never half-done",
            invariants::never_half_done,
        ))
        .probe(super::coordinator::RECOVERY_QUERY, 20)
        .probe(super::coordinator::VOTED_NO, 20)
        .run_for(SimDuration::from_secs(10))
}
