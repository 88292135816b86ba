//! [`NodeTable`]: read access to a cluster's node states, whichever host runs
//! them. Invariant monitors written against it run on the engine
//! ([`crate::Simulation`]) and on any other host that can show its nodes
//! (the madsim host does), so a model's safety checks travel with the model.

use crate::{Node, NodeId};

/// A cluster's nodes as an invariant monitor sees them.
pub trait NodeTable<N: Node> {
    /// How many nodes the cluster has.
    fn node_count(&self) -> usize;
    /// Node `id`'s state, or `None` while it is crashed.
    fn node(&self, id: NodeId) -> Option<&N>;
    /// A counter that changes whenever node `id`'s state may have changed,
    /// so a monitor can skip the nodes an event left alone.
    fn node_version(&self, id: NodeId) -> u64;
}

/// Every node of `table` that is not crashed, with its id.
pub fn live_nodes<N: Node>(table: &dyn NodeTable<N>) -> impl Iterator<Item = (NodeId, &N)> {
    (0..table.node_count()).filter_map(move |i| {
        let id = NodeId::from(i);
        table.node(id).map(|n| (id, n))
    })
}

impl<N: Node> NodeTable<N> for crate::Simulation<N> {
    fn node_count(&self) -> usize {
        crate::Simulation::node_count(self)
    }
    fn node(&self, id: NodeId) -> Option<&N> {
        crate::Simulation::node(self, id)
    }
    fn node_version(&self, id: NodeId) -> u64 {
        crate::Simulation::node_version(self, id)
    }
}
