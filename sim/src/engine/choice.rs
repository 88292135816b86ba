//! The engine driven by choices rather than by its clock: which pending
//! event runs next, which message is lost or doubled, which client
//! operation arrives. The exhaustive search takes these steps from every
//! state it reaches; a replay of what it found takes the same steps again.
//!
//! An event is named by its sequence number, which the queue gives in
//! scheduling order, so the same steps from the same start name the same
//! events in any process. Taking an event runs it at its due time, or now
//! if that is later: an event taken before an earlier one waited, as a
//! slow message or a late timer does. No event ever runs before its time.

use super::Simulation;
use crate::error::ConfigError;
use crate::event::Event;
use crate::node::Node;
use crate::node_id::{NodeId, OpId};
use crate::time::SimTime;
use crate::trace::{DropReason, TraceEvent};

/// What a pending event does when it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PendingKind {
    /// A node's start handler.
    Start {
        /// The node.
        node: NodeId,
    },
    /// A message's arrival.
    Deliver {
        /// The sender.
        from: NodeId,
        /// The receiver.
        to: NodeId,
    },
    /// A timer firing.
    Timer {
        /// The node that set it.
        node: NodeId,
    },
    /// A client operation's arrival.
    ClientOp {
        /// The node it is sent to.
        node: NodeId,
    },
    /// A scheduled fault.
    Fault,
}

/// One event that could run next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Its sequence number: what names it to [`Simulation::run_pending`].
    pub seq: u64,
    /// When it is due.
    pub at: SimTime,
    /// What it does.
    pub kind: PendingKind,
    /// Its identity without the engine's ids: two pending events with one
    /// digest do the same thing, so a search takes only one of them.
    pub digest: u64,
}

impl<N: Node> Simulation<N> {
    /// The events that could run next, in scheduling order: every pending
    /// event but cancelled timers and timers set before a crash.
    pub fn pending(&self) -> Vec<Pending> {
        let mut pending: Vec<Pending> = self
            .world
            .queue
            .entries()
            .filter(|(_, _, event)| self.is_live(event))
            .map(|(at, seq, event)| Pending {
                seq,
                at,
                kind: kind_of(event),
                digest: self.event_digest(event),
            })
            .collect();
        pending.sort_unstable_by_key(|p| p.seq);
        pending
    }

    /// Runs pending event `seq` now, or at its due time if that is later.
    /// Returns false, and changes nothing, when no event has that number.
    pub fn run_pending(&mut self, seq: u64) -> bool {
        let Some((at, event)) = self.world.queue.remove(seq) else {
            return false;
        };
        self.world.now = self.world.now.max(at);
        self.world.stats.events += 1;
        self.dispatch(event);
        true
    }

    /// Loses message `seq` in flight, as a drop fault on its link would.
    /// Returns false, and changes nothing, unless `seq` is a pending message.
    pub fn drop_pending(&mut self, seq: u64) -> bool {
        let Some((from, to, msg_id)) = self.message(seq) else {
            return false;
        };
        self.world.queue.remove(seq);
        self.world.drop_message(from, to, msg_id, DropReason::Lost);
        true
    }

    /// Doubles message `seq` in flight: a second copy is due when the first
    /// is. Returns false, and changes nothing, unless `seq` is a pending
    /// message.
    pub fn duplicate_pending(&mut self, seq: u64) -> bool {
        let Some((from, to, msg_id)) = self.message(seq) else {
            return false;
        };
        let (at, copy) = self
            .world
            .queue
            .entries()
            .find(|(_, s, _)| *s == seq)
            .map(|(at, _, event)| (at, event.clone_message()))
            .expect("a pending message");
        self.world.stats.duplicated += 1;
        let now = self.world.now;
        let event = TraceEvent::Duplicate {
            at: now,
            from,
            to,
            msg_id,
        };
        self.world.trace.push(event, String::new);
        self.world.queue.push(at, copy.expect("a message"));
        true
    }

    /// Hands client operation `op` to `node` at once (its arrival is not a
    /// pending event of its own). Returns its id.
    pub fn run_op_now(&mut self, node: NodeId, op: N::Op) -> Result<OpId, ConfigError> {
        node.validate(self.nodes.len(), "client.node")?;
        let op_id = OpId(self.next_op_id);
        self.next_op_id += 1;
        self.world.stats.events += 1;
        self.client_op(node, op_id, op);
        Ok(op_id)
    }

    /// The link and id of pending message `seq`.
    fn message(&self, seq: u64) -> Option<(NodeId, NodeId, u64)> {
        self.world
            .queue
            .entries()
            .find(|(_, s, _)| *s == seq)
            .and_then(|(_, _, event)| match event {
                Event::Deliver {
                    from, to, msg_id, ..
                } => Some((*from, *to, *msg_id)),
                _ => None,
            })
    }
}

/// What `event` does, for a search's choices.
fn kind_of<M, T, O>(event: &Event<M, T, O>) -> PendingKind {
    match event {
        Event::Start { node } => PendingKind::Start { node: *node },
        Event::Deliver { from, to, .. } => PendingKind::Deliver {
            from: *from,
            to: *to,
        },
        Event::Timer { node, .. } => PendingKind::Timer { node: *node },
        Event::ClientOp { node, .. } => PendingKind::ClientOp { node: *node },
        Event::Fault(_) | Event::FocusFault(..) => PendingKind::Fault,
    }
}

impl<M: Clone, T, O> Event<M, T, O> {
    /// A copy of a message's delivery; `None` for any other event.
    fn clone_message(&self) -> Option<Event<M, T, O>> {
        match self {
            Event::Deliver {
                from,
                to,
                msg_id,
                msg,
            } => Some(Event::Deliver {
                from: *from,
                to: *to,
                msg_id: *msg_id,
                msg: msg.clone(),
            }),
            _ => None,
        }
    }
}
