//! What a disk does to its node once a handler returns: a failed or torn
//! sync stops the node (it crashes, and restarts from its disk a moment
//! later), and a slow disk keeps it busy for the syncs it made.

use super::{Event, Simulation};
use crate::fault::Fault;
use crate::node::Node;
use crate::node_id::NodeId;
use crate::time::SimDuration;

/// How long a node a failed sync stopped stays down before it restarts.
pub(super) const RESTART_AFTER_HALT: SimDuration = SimDuration::from_millis(50);

impl<N: Node> Simulation<N> {
    /// After a handler of `node`: stops it if a sync failed, or keeps it
    /// busy for its slow syncs.
    #[inline]
    pub(super) fn after_disk(&mut self, node: NodeId) {
        let storage = &mut self.runtimes[node.index()].storage;
        if !storage.needs_attention() {
            return; // the common case: one test per handler
        }
        if storage.is_halted() {
            self.crash(node, false);
            self.queue_fault(RESTART_AFTER_HALT, Fault::Restart { node });
            return;
        }
        let busy = storage.take_slow();
        if busy.as_nanos() > 0 && self.pause(node) {
            self.trace_fault(Fault::Pause { node });
            self.queue_fault(busy, Fault::Resume { node });
        }
    }

    /// Queues `fault` to apply `after` from now.
    fn queue_fault(&mut self, after: SimDuration, fault: Fault) {
        let at = self.world.now.after(after);
        self.world.queue.push(at, Event::Fault(Box::new(fault)));
    }
}
