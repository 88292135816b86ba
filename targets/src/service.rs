//! The key-value service every consensus replica carries, whatever the
//! library: the store (with its exactly-once sessions), the client
//! operations waiting for their entries, and the leader to redirect to.
//!
//! The replica proposes a request and tells the service where it landed
//! ([`KvService::wait`]); it hands the service each committed entry in
//! order ([`KvService::apply`]), and the service answers the operation
//! that proposed it, or redirects it when another entry took its place.
//! A replica that stops leading redirects what it holds
//! ([`KvService::step_down`]): the client retries with the same sequence
//! number, and the store applies each (client, sequence) once.

use models::kv::{KvReply, KvRequest, KvStore};
use sim::{Context, Node, NodeId, OpId};
use std::collections::BTreeMap;

/// One replica's store and waiting operations.
#[derive(Clone, Debug, Default)]
pub struct KvService {
    store: KvStore,
    applied: u64,
    /// Operations proposed here: index -> (term, operation).
    waiting: BTreeMap<u64, (u64, OpId)>,
    leader_hint: Option<NodeId>,
}

impl KvService {
    /// The index of the last entry applied (0: none).
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// `op` was proposed as the entry at (`index`, `term`).
    pub fn wait(&mut self, index: u64, term: u64, op: OpId) {
        self.waiting.insert(index, (term, op));
    }

    /// `leader` leads, as far as this replica heard.
    pub fn heard_leader(&mut self, leader: NodeId) {
        self.leader_hint = Some(leader);
    }

    /// Answers `op` with a redirect to the leader this replica heard of.
    pub fn redirect<N: Node<Reply = KvReply>>(&self, ctx: &mut Context<'_, N>, op: OpId) {
        let hint = self.leader_hint.filter(|&h| h != ctx.id());
        ctx.reply(op, KvReply::Redirect { hint });
    }

    /// Applies the committed entry at (`index`, `term`), the next one:
    /// `request` is its command, if it is one. The operation waiting on
    /// that index is answered, or redirected if its entry lost the index.
    pub fn apply<N: Node<Reply = KvReply>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        index: u64,
        term: u64,
        request: Option<&KvRequest>,
    ) {
        assert_eq!(
            index,
            self.applied + 1,
            "entries are applied in order, once"
        );
        let reply = request.and_then(|r| self.store.apply(r));
        if let Some((t, op)) = self.waiting.remove(&index) {
            match reply {
                Some(reply) if t == term => ctx.reply(op, reply),
                _ => self.redirect(ctx, op),
            }
        }
        self.applied = index;
    }

    /// This replica does not lead: redirects every operation it holds.
    pub fn step_down<N: Node<Reply = KvReply>>(&mut self, ctx: &mut Context<'_, N>) {
        for (_, (_, op)) in std::mem::take(&mut self.waiting) {
            self.redirect(ctx, op);
        }
    }
}
