//! A scenario's fault points and coverage probes (see [`crate::marks`]):
//! which sites may fire, the probes the model declares, and the
//! harness-level probes checked after every event of the safety phase;
//! and what it offers the nemesis beyond the common kinds (surges,
//! operators, a scalable fleet, sparse schedules only).

use super::{ProbeInfo, Scenario};
use crate::engine::Simulation;
use crate::marks::Buggify;
use crate::node::Node;
use crate::node_id::NodeId;

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

    /// Takes traffic surges (the `surge` fault kind, in the `surge` and
    /// `all` mixes): periods when the clients' rate is multiplied. Without
    /// it, no plan has a surge, so a model's figures from before surges
    /// existed still hold.
    pub fn surges(mut self) -> Self {
        self.extras.surges = true;
        self
    }

    /// Names the nodes an operator may act on (the `operate` fault kind,
    /// in the `operator` and `all` mixes): the nodes' `on_operate` handler
    /// runs at random moments. Without it, no plan has one.
    pub fn operated(mut self, nodes: impl IntoIterator<Item = NodeId>) -> Self {
        self.extras.operated = nodes.into_iter().collect();
        self
    }

    /// Declares versions 1 to `newest` of the node, built by `factory`
    /// (version 1 must be what the scenario's own factory builds): the
    /// `upgrade` mix then rolls upgrades and rollbacks through the cluster
    /// (see [`crate::versions`]).
    pub fn versions(mut self, newest: u32, factory: impl Fn(NodeId, u32) -> N + 'static) -> Self {
        assert!(newest >= 2, "a model with versions has at least two");
        self.versioned = Some(std::rc::Rc::new(factory));
        self.extras.versions = newest;
        self
    }

    /// The fault kinds this scenario never draws: the own-stream kinds it
    /// offers no target (see [`crate::nemesis::Extras::takes`]).
    pub fn untaken(&self) -> Vec<crate::FaultKind> {
        crate::FaultKind::each()
            .filter(|&k| !self.extras.takes(k))
            .collect()
    }

    /// The node's newest version (1 when it has no others).
    pub fn newest_version(&self) -> u32 {
        self.extras.versions.max(1)
    }

    /// Keeps every seed's fault schedule sparse: no dense or storm shapes
    /// (see [`crate::shape`]). For a scenario that checks a service level
    /// (a share of requests served) that no service keeps under a storm.
    pub fn sparse_faults(mut self) -> Self {
        self.extras.sparse_only = true;
        self
    }

    /// Names the nodes that may leave the fleet and join again (the `scale`
    /// fault kind, in the `scale` and `all` mixes). Without it, no plan
    /// makes a node leave.
    pub fn scalable(mut self, nodes: impl IntoIterator<Item = NodeId>) -> Self {
        self.extras.scalable = nodes.into_iter().collect();
        self
    }
}
