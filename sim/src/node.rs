//! The node trait: a protocol participant as a sans-IO state machine.
//!
//! A node never performs I/O and never reads a real clock. Each handler receives a
//! [`Context`] through which it acts on the world; the engine applies those
//! effects. This is the style of stateright's actors and of quinn-proto: the same
//! node can run under this engine, under another host, or in a unit test.

use crate::context::Context;
use crate::node_id::NodeId;
use std::fmt::Debug;
use std::hash::Hash;

/// Identifies a client operation submitted to a node; replies carry it back.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct OpId(pub u64);

/// A participant in a simulated protocol.
///
/// The associated types are the node's vocabulary. Payloads must be `Hash` so the
/// trace can digest them, and `Debug` so a recorded trace can show them.
pub trait Node: Sized {
    /// Messages between nodes. `Clone` because the network may duplicate them.
    type Message: Clone + Debug + Hash;
    /// The payload of a timer.
    type Timer: Debug + Hash;
    /// The value of a durable storage block.
    type Block: Clone + Debug;
    /// A client operation.
    type Op: Debug + Hash;
    /// The answer to a client operation.
    type Reply: Debug + Hash;

    /// Called once, at time zero, on a fresh node.
    fn on_start(&mut self, ctx: &mut Context<'_, Self>);

    /// Called when a message arrives.
    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Self::Message);

    /// Called when a timer set by this node fires (cancelled timers never fire).
    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: Self::Timer) {
        let _ = (ctx, timer);
    }

    /// Called on a fresh node after a crash and restart. The node's storage holds
    /// exactly what was synced before the crash (see [`crate::storage`]).
    fn on_recover(&mut self, ctx: &mut Context<'_, Self>);

    /// Called when a client operation reaches this node. Answer it, now or later,
    /// with [`Context::reply`]. The default answers nothing.
    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op_id: OpId, op: Self::Op) {
        let _ = (ctx, op_id, op);
    }
}
