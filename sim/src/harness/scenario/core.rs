//! The scenario's part of the core liveness mode (see [`crate::core`]):
//! whether a plan's core is one the model declares, and what a stuck
//! core's nodes were doing, for the failure message.

use super::Scenario;
use crate::core::CoreLiveness;
use crate::engine::{NodeStatus, Simulation};
use crate::node::Node;
use crate::plan::FaultPlan;

impl<N: Node + 'static> Scenario<N>
where
    N::Op: Clone,
    N::Reply: Clone,
{
    /// Says how a stuck run describes one node's state in its failure
    /// message ("follower, term 12, leader n3, commit 40"). Without it,
    /// only whether the node is up.
    pub fn node_state(mut self, describe: impl Fn(&N) -> String + 'static) -> Self {
        self.node_state = Some(Box::new(describe));
        self
    }

    /// Whether `plan`'s core liveness phase, if it has one, fits this
    /// scenario: the scenario declares its cores ([`Scenario::core`]) and
    /// the plan's core is one of them.
    pub fn admits_core(&self, plan: &FaultPlan) -> Result<(), String> {
        let Some(core) = &plan.core else {
            return Ok(());
        };
        let Some(spec) = self.core_spec() else {
            return Err("the plan heals only a core, and this model defines no core".into());
        };
        spec.admits(&core.core)
            .map_err(|e| format!("core.core: {e}"))
    }

    /// The core's nodes as the liveness phase ended: each one's status,
    /// and its state as the scenario describes it.
    pub(super) fn core_state(&self, sim: &Simulation<N>, core: &CoreLiveness) -> String {
        let nodes: Vec<String> = core
            .core
            .iter()
            .map(|&id| {
                let state = match (sim.status(id), sim.node(id)) {
                    (NodeStatus::Up, Some(n)) => self.node_state.as_ref().map(|d| d(n)),
                    (status, _) => Some(format!("{status:?}").to_lowercase()),
                };
                format!("{id}: {}", state.unwrap_or_else(|| "up".to_string()))
            })
            .collect();
        format!("{}; the core: {}", core.describe(), nodes.join("; "))
    }
}
