//! The engine's side of node versions (see [`crate::versions`]): declaring
//! them, and carrying out a [`Fault::Upgrade`].

use super::{NodeStatus, Simulation};
use crate::fault::Fault;
use crate::node::Node;
use crate::node_id::NodeId;

impl<N: Node> Simulation<N> {
    /// Declares versions 1 to `newest` of the node, built by `factory`
    /// (see [`crate::versions`]); every node runs version 1 until a
    /// [`Fault::Upgrade`] says otherwise. Call it before the run starts.
    pub fn set_versions(&mut self, newest: u32, factory: impl FnMut(NodeId, u32) -> N + 'static) {
        self.factory.set_versions(newest, Box::new(factory));
    }

    /// The version `node` runs (or will run when it restarts).
    pub fn running_version(&self, node: NodeId) -> u32 {
        self.factory.running(node)
    }

    /// `node` from now on runs `version` (see [`Fault::Upgrade`]): a node
    /// that is up (or paused) stops cleanly, its writes flushed, and starts
    /// as `version`, recovering from its storage; a crashed node restarts as
    /// it, and a node that left joins as it.
    pub(super) fn upgrade(&mut self, node: NodeId, version: u32) {
        let i = node.index();
        self.factory.set_running(node, version);
        self.trace_fault(Fault::Upgrade { node, version });
        let rt = &mut self.runtimes[i];
        if !matches!(rt.status, NodeStatus::Up | NodeStatus::Paused) {
            return;
        }
        rt.storage.sync();
        rt.status = NodeStatus::Up;
        rt.incarnation += 1;
        rt.backlog.clear();
        rt.version += 1;
        self.nodes[i] = Some(self.factory.build(node));
        self.run_handler(node, |n, ctx| n.on_recover(ctx));
    }
}
