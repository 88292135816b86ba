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
///
/// Under the engine these act on the simulated world directly; under another
/// host ([`crate::host`]) they are collected as effects for the host to carry out.
pub struct Context<'a, N: Node> {
    pub(crate) me: NodeId,
    pub(crate) backend: Backend<'a, N>,
}

/// Where a context's actions go.
pub(crate) enum Backend<'a, N: Node> {
    /// The engine's world and this node's runtime.
    Engine {
        world: &'a mut World<N>,
        runtime: &'a mut NodeRuntime<N>,
    },
    /// A node hosted outside the engine.
    Hosted(&'a mut crate::host::HostState<N>),
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
        match &self.backend {
            Backend::Engine { world, .. } => world.node_count(),
            Backend::Hosted(h) => h.node_count,
        }
    }

    /// The time on this node's own clock (which may be skewed; see [`crate::clock`]).
    #[inline]
    pub fn now(&self) -> SimTime {
        match &self.backend {
            Backend::Engine { world, runtime } => runtime.clock.local(world.now),
            Backend::Hosted(h) => h.now,
        }
    }

    /// Sends `msg` to `to` over the simulated network.
    ///
    /// # Panics
    /// If `to` is not a node of the cluster: that is a bug in the model.
    #[inline]
    pub fn send(&mut self, to: NodeId, msg: N::Message) {
        let nodes = self.node_count();
        assert!(
            to.index() < nodes,
            "{} sent to {to}, but the cluster has {nodes} nodes",
            self.me
        );
        match &mut self.backend {
            Backend::Engine { world, .. } => world.send(self.me, to, msg),
            Backend::Hosted(h) => h.effects.push(crate::host::Effect::Send { to, msg }),
        }
    }

    /// Sends a copy of `msg` to every other node, in id order.
    pub fn broadcast(&mut self, msg: N::Message) {
        for i in 0..self.node_count() {
            let to = NodeId::from(i);
            if to != self.me {
                self.send(to, msg.clone());
            }
        }
    }

    /// Sets a timer that fires after `after` on this node's clock.
    #[inline]
    pub fn set_timer(&mut self, after: SimDuration, payload: N::Timer) -> TimerId {
        match &mut self.backend {
            Backend::Engine { world, runtime } => {
                let real = runtime.clock.real_delay(after);
                world.set_timer(self.me, runtime.incarnation, real, payload)
            }
            Backend::Hosted(h) => {
                let id = h.timers.arm();
                h.effects
                    .push(crate::host::Effect::SetTimer { id, after, payload });
                id
            }
        }
    }

    /// Cancels a pending timer. Returns false if it already fired or was cancelled.
    #[inline]
    pub fn cancel_timer(&mut self, id: TimerId) -> bool {
        match &mut self.backend {
            Backend::Engine { world, .. } => world.timers.disarm(id),
            Backend::Hosted(h) => h.timers.disarm(id),
        }
    }

    /// This node's random stream.
    #[inline]
    pub fn rng(&mut self) -> &mut SimRng {
        match &mut self.backend {
            Backend::Engine { runtime, .. } => &mut runtime.rng,
            Backend::Hosted(h) => &mut h.rng,
        }
    }

    /// This node's durable storage.
    #[inline]
    pub fn storage(&mut self) -> &mut Storage<N::Block> {
        match &mut self.backend {
            Backend::Engine { runtime, .. } => &mut runtime.storage,
            Backend::Hosted(h) => &mut h.storage,
        }
    }

    /// Answers client operation `op`.
    pub fn reply(&mut self, op: OpId, reply: N::Reply) {
        match &mut self.backend {
            Backend::Engine { world, .. } => world.reply(self.me, op, reply),
            Backend::Hosted(h) => h.effects.push(crate::host::Effect::Reply { op, reply }),
        }
    }
}
