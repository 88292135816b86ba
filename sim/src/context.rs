//! The context a handler acts through.

use crate::engine::{NodeRuntime, World};
use crate::node::{Node, OpId};
use crate::node_id::NodeId;
use crate::rng::SimRng;
use crate::storage::Storage;
use crate::time::{SimDuration, SimTime};
use crate::timers::TimerId;

/// A handler's window on the world: its clock, its network, its timers, its
/// random stream, its storage, and its clients.
pub struct Context<'a, N: Node> {
    pub(crate) me: NodeId,
    pub(crate) world: &'a mut World<N>,
    pub(crate) runtime: &'a mut NodeRuntime<N>,
}

impl<'a, N: Node> Context<'a, N> {
    /// This node's id.
    #[inline]
    pub fn id(&self) -> NodeId {
        self.me
    }

    /// The cluster size; node ids are `0..node_count()`.
    #[inline]
    pub fn node_count(&self) -> usize {
        self.world.node_count()
    }

    /// The time on this node's own clock (which may be skewed; see [`crate::clock`]).
    #[inline]
    pub fn now(&self) -> SimTime {
        self.runtime.clock.local(self.world.now)
    }

    /// Sends `msg` to `to` over the simulated network.
    ///
    /// # Panics
    /// If `to` is not a node of the cluster: that is a bug in the model.
    #[inline]
    pub fn send(&mut self, to: NodeId, msg: N::Message) {
        assert!(
            to.index() < self.world.node_count(),
            "{} sent to {to}, but the cluster has {} nodes",
            self.me,
            self.world.node_count()
        );
        self.world.send(self.me, to, msg);
    }

    /// Sends a copy of `msg` to every other node, in id order.
    pub fn broadcast(&mut self, msg: N::Message) {
        for i in 0..self.world.node_count() {
            let to = NodeId::from(i);
            if to != self.me {
                self.world.send(self.me, to, msg.clone());
            }
        }
    }

    /// Sets a timer that fires after `after` on this node's clock.
    #[inline]
    pub fn set_timer(&mut self, after: SimDuration, payload: N::Timer) -> TimerId {
        let real = self.runtime.clock.real_delay(after);
        self.world
            .set_timer(self.me, self.runtime.incarnation, real, payload)
    }

    /// Cancels a pending timer. Returns false if it already fired or was cancelled.
    #[inline]
    pub fn cancel_timer(&mut self, id: TimerId) -> bool {
        self.world.timers.disarm(id)
    }

    /// This node's random stream.
    #[inline]
    pub fn rng(&mut self) -> &mut SimRng {
        &mut self.runtime.rng
    }

    /// This node's durable storage.
    #[inline]
    pub fn storage(&mut self) -> &mut Storage<N::Block> {
        &mut self.runtime.storage
    }

    /// Answers client operation `op`.
    pub fn reply(&mut self, op: OpId, reply: N::Reply) {
        self.world.reply(self.me, op, reply);
    }
}
