//! What the engine's queue holds: a node's start, a message's delivery, a
//! timer, a client operation, or a fault. Generic over the node's message,
//! timer and operation types, so the files below the node trait can hold
//! events without knowing it.

use crate::fault::Fault;
use crate::node_id::{NodeId, OpId};
use crate::timers::TimerId;

/// One pending event.
#[derive(Clone)]
pub(crate) enum Event<M, T, O> {
    Start {
        node: NodeId,
    },
    Deliver {
        from: NodeId,
        to: NodeId,
        msg_id: u64,
        msg: M,
    },
    Timer {
        node: NodeId,
        incarnation: u32,
        id: TimerId,
        payload: T,
    },
    ClientOp {
        node: NodeId,
        op_id: OpId,
        op: O,
    },
    Fault(Box<Fault>),
    /// A fault aimed at the focus, as part of a focus episode.
    FocusFault(Box<Fault>, u32),
}
