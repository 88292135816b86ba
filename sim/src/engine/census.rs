//! Counting what is pending: the queue's events by kind and by node, for
//! reports on a run that went wrong (see [`Simulation::census`]).

use super::Simulation;
use crate::event::Event;
use crate::node::Node;

/// Pending events counted by kind and by node (see [`Simulation::census`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Census {
    /// By kind: a message's variant name, `timer`, `client op`, `start`, `fault`.
    pub by_kind: std::collections::BTreeMap<String, u64>,
    /// By the node the event is for (`none` for faults).
    pub by_node: std::collections::BTreeMap<String, u64>,
    /// The messages alone, by kind.
    pub by_message: std::collections::BTreeMap<String, u64>,
    /// The messages alone, by the node that sent them.
    pub by_sender: std::collections::BTreeMap<String, u64>,
}

/// The name a value's `Debug` form starts with: a message's variant.
fn variant_name(value: &impl std::fmt::Debug) -> String {
    let text = format!("{value:?}");
    let name: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() {
        "message".to_string()
    } else {
        name
    }
}

impl<N: Node> Simulation<N> {
    /// What the waiting events are: counts by kind (a message's variant
    /// name, `timer`, `client op`, `start`, `fault`) and by the node they are
    /// for. For reports on a run that went wrong; it formats every pending
    /// message, so it is not for the hot path.
    pub fn census(&self) -> Census {
        let mut census = Census::default();
        for event in self.world.queue.iter() {
            let (kind, node) = match event {
                Event::Deliver { from, to, msg, .. } => {
                    let kind = variant_name(msg);
                    *census.by_message.entry(kind.clone()).or_default() += 1;
                    *census.by_sender.entry(from.to_string()).or_default() += 1;
                    (kind, Some(*to))
                }
                Event::Timer { node, .. } => ("timer".to_string(), Some(*node)),
                Event::ClientOp { node, .. } => ("client op".to_string(), Some(*node)),
                Event::Start { node } => ("start".to_string(), Some(*node)),
                Event::Fault(_) | Event::FocusFault(..) => ("fault".to_string(), None),
            };
            *census.by_kind.entry(kind).or_default() += 1;
            let node = node.map_or_else(|| "none".to_string(), |n| n.to_string());
            *census.by_node.entry(node).or_default() += 1;
        }
        census
    }
}
