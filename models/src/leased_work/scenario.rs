//! The standard `leased-work` scenario, and the model's description.

use super::invariants;
use super::jobs::JobClients;
use super::{LwBug, LwNode, WORKERS};
use sim::model::{EngineModel, Exhaustive};
use sim::scenario::{Check, Scenario};
use sim::{Mix, SimDuration};

/// `leased-work`, described once for the catalog.
#[derive(Clone, Copy, Debug, Default, Hash)]
pub struct LeasedWorkModel;

impl EngineModel for LeasedWorkModel {
    type Node = LwNode;
    type Bug = LwBug;
    const NAME: &'static str = "leased-work";
    const SUMMARY: &'static str =
        "jobs in chunks leased to stateless workers, with renewals and fencing tokens";
    const EXHAUSTIVE: Option<Exhaustive<Self>> = Some(Exhaustive::new());

    fn scenario(&self, bug: Option<LwBug>) -> Scenario<LwNode> {
        scenario(bug)
    }

    fn op_kind(&self, _: &super::messages::SubmitJob) -> &'static str {
        "job"
    }
}

/// The coordinator, the store and three workers; two clients that submit
/// jobs one after another and retry a silent attempt (they wait up to 30 s
/// for a job, longer than any run, so a job is never given up on); the
/// `all` mix; the lease and store monitors after every event; 10 s of
/// safety; then, healed, every client's job completes and no chunk is lost.
pub fn scenario(bug: Option<LwBug>) -> Scenario<LwNode> {
    Scenario::new(move |id| LwNode::new(id, bug))
        .nodes(2 + WORKERS)
        .core(sim::core::CoreSpec {
            quorum: 3,
            required: vec![super::COORDINATOR, super::STORE],
        })
        .clients(2, JobClients::default)
        .client_timeout(SimDuration::from_secs(30))
        .faults(Mix::All.nemesis())
        .focus("a worker holding a chunk", invariants::busy_worker)
        .check(Check::always(
            "no two live leases",
            invariants::no_two_live_leases,
        ))
        .check(Check::properties(
            &invariants::STORE_PROPERTIES,
            invariants::store_properties,
        ))
        .check(Check::monitor(
            "done means stored",
            invariants::done_means_stored,
        ))
        .check(Check::eventually(
            "no chunk lost",
            invariants::no_chunk_lost,
        ))
        .probe(super::coordinator::LEASE_EXPIRED, 20)
        .run_for(SimDuration::from_secs(10))
}
