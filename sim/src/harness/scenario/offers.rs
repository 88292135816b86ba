//! What a scenario offers the nemesis beyond the common fault kinds:
//! traffic surges, operator actions, a scalable fleet, versions to upgrade
//! and roll back, sparse schedules only, the cores of the core liveness
//! mode, and disks that may lie (see [`crate::nemesis::Extras`]).

use super::Scenario;
use crate::core::CoreSpec;
use crate::node::Node;
use crate::node_id::NodeId;

impl<N: Node + 'static> Scenario<N>
where
    N::Op: Clone,
    N::Reply: Clone,
{
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

    /// Declares which sets of nodes can make progress on their own: the
    /// core liveness mode (`explore --liveness core`, see [`crate::core`])
    /// then heals only such a core after the safety phase, keeps a fault on
    /// every other node, and requires progress. Without it the mode is
    /// refused for this scenario.
    pub fn core(mut self, spec: CoreSpec) -> Self {
        assert!(
            (1..=self.config.nodes).contains(&spec.quorum),
            "a core has 1 to {} nodes",
            self.config.nodes
        );
        self.extras.core = Some(spec);
        self
    }

    /// Takes storage faults (the `disk` fault kind, in the `disks` and
    /// `all` mixes) on the disks the atlas lets lie: at most `nodes -
    /// intact.quorum` of them per seed, never a node `intact` requires, so
    /// that a quorum with every required node keeps every block intact
    /// (see [`crate::atlas`]). Without it, no plan has one.
    pub fn lying_disks(mut self, intact: CoreSpec) -> Self {
        assert!(
            (1..self.config.nodes).contains(&intact.quorum)
                && intact.required.len() <= intact.quorum,
            "1 to {} disks stay intact, the required ones among them",
            self.config.nodes - 1
        );
        self.extras.intact_disks = Some(intact);
        self
    }

    /// Which disks stay intact under storage faults, if the scenario takes
    /// them.
    pub fn intact_disks(&self) -> Option<&CoreSpec> {
        self.extras.intact_disks.as_ref()
    }

    /// The cores this scenario declares, if any.
    pub fn core_spec(&self) -> Option<&CoreSpec> {
        self.extras.core.as_ref()
    }
}
