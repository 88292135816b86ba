//! The sink: a small durable keyed store of effects. It applies a message's
//! effect once per message id: the effect and its dedup entry are one
//! state ([`super::machine::QueueMachine::effects`]), written and synced in
//! one write before it answers. That is the idempotent consumer.

use super::machine::{Effect, QReply, QRequest, QueueMachine};
use super::QNode;
use crate::primary_backup::disk;
use crate::primary_backup::machine::StateMachine;
use crate::primary_backup::messages::{PbBlock, PbMsg};
use sim::sealed::Loaded;
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

    /// After a crash: the synced effects. The sink's disk is never one
    /// that lies (the queue takes no storage faults); a damaged block
    /// leaves it empty.
    pub fn recover(&mut self, ctx: &mut Context<'_, QNode>) {
        if let Loaded::Trusted(PbBlock::Replica { store, .. }) = disk::load(ctx, None) {
            self.machine = store;
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
                lost: false,
            };
            disk::save(ctx, None, block);
        }
        ctx.send(from, PbMsg::Answer { id, reply });
    }
}
