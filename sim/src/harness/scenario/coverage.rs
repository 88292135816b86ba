//! A scenario's fault points and coverage probes (see [`crate::marks`]):
//! which sites may fire, the probes the model declares, and the
//! harness-level probes checked after every event of the safety phase.

use super::{ProbeInfo, Scenario};
use crate::engine::Simulation;
use crate::marks::Buggify;
use crate::node::Node;

impl<N: Node + 'static> Scenario<N>
where
    N::Op: Clone,
    N::Reply: Clone,
{
    /// Sets which fault points may fire ([`crate::marks`]); by default
    /// [`Buggify::Swarm`], each site enabled on some seeds.
    pub fn buggify(mut self, buggify: Buggify) -> Self {
        self.buggify = buggify;
        self
    }

    /// The fault points a run allows unless told otherwise.
    pub fn fault_points(&self) -> &Buggify {
        &self.buggify
    }

    /// Declares a fault point the model's code evaluates
    /// ([`crate::node::Context::buggify`]). Every site must be declared:
    /// a run that evaluates one that is not fails (kind `panic`, naming
    /// it), and an artifact or kept failure that lists one that is not is
    /// refused as bad input.
    pub fn fault_point(mut self, name: &'static str) -> Self {
        assert!(
            !self.fault_points.contains(&name),
            "fault point `{name}` declared twice"
        );
        self.fault_points.push(name);
        self
    }

    /// Declares a coverage probe the model's code reaches
    /// ([`crate::node::Context::sometimes`] or `reached`): `explore` warns
    /// when no seed of a sweep reached it, and a sweep from seed 0 must
    /// reach it within `within_seeds`.
    pub fn probe(mut self, name: &'static str, within_seeds: u64) -> Self {
        self.probes.push(ProbeInfo {
            name: name.to_string(),
            within_seeds,
        });
        self
    }

    /// Declares a harness-level probe: reached when `condition` holds of
    /// the simulation after an event of the safety phase ("a leader
    /// changed while the cluster was partitioned"). Checked after every
    /// event until it first holds.
    pub fn sometimes(
        mut self,
        name: &'static str,
        within_seeds: u64,
        condition: impl Fn(&Simulation<N>) -> bool + 'static,
    ) -> Self {
        self = self.probe(name, within_seeds);
        self.state_probes.push((name, Box::new(condition)));
        self
    }

    /// Counts the harness-level probes that hold now, and forgets them.
    pub(super) fn probe_state(&self, sim: &mut Simulation<N>, unreached: &mut Vec<usize>) {
        unreached.retain(|&i| {
            let (name, condition) = &self.state_probes[i];
            let holds = condition(sim);
            if holds {
                sim.reached(name);
            }
            !holds
        });
    }
}
