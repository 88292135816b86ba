//! The sink: a small durable keyed store of effects. It applies a message's
//! effect once per message id: the effect and its dedup entry are one
//! state ([`super::machine::QueueMachine::effects`]), written and synced in
//! one write before it answers. That is the idempotent consumer.

use super::machine::{Effect, QReply, QRequest, QueueMachine};
use super::QNode;
use crate::primary_backup::machine::StateMachine;
use crate::primary_backup::messages::{PbBlock, PbMsg};
use sim::{Context, NodeId};
use std::collections::BTreeMap;

/// The sink's state.
#[derive(Clone, Debug)]
pub struct Sink {
    machine: QueueMachine,
}

impl Sink {
    /// An empty sink (`no_dedup`: the bug).
    pub fn new(no_dedup: bool) -> Sink {
        Sink {
            machine: QueueMachine::new(0, false, no_dedup),
        }
    }

    /// The effects applied, by message id.
    pub fn effects(&self) -> &BTreeMap<u64, Effect> {
        &self.machine.effects
    }

    /// After a crash: the synced effects.
    pub fn recover(&mut self, block: Option<&PbBlock<QueueMachine>>) {
        if let Some(PbBlock::Replica { store, .. }) = block {
            self.machine = store.clone();
        }
    }

    /// A consumer's call: apply an effect.
    pub fn on_call(
        &mut self,
        ctx: &mut Context<'_, QNode>,
        from: NodeId,
        id: u64,
        mut request: QRequest,
    ) {
        QueueMachine::stamp(&mut request, ctx.now());
        let Some(reply) = self.machine.apply(&request) else {
            return;
        };
        if matches!(reply, QReply::Applied { again: false }) || self.machine.no_dedup {
            let block = PbBlock::Replica {
                epoch: 0,
                store: self.machine.clone(),
                applied: 0,
                installed: 0,
            };
            ctx.storage().write(0, block);
            ctx.storage().sync();
        }
        ctx.send(from, PbMsg::Answer { id, reply });
    }
}
