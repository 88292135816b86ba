//! The key-value service every consensus replica carries, whatever the
//! library: the store (with its exactly-once sessions), the client
//! operations waiting for their entries, and the leader to redirect to.
//!
//! The replica proposes a request and tells the service where it landed
//! ([`KvService::wait`]), or, when the library does not say, which request
//! to wait for ([`KvService::wait_for`]); it hands the service each committed entry in
//! order ([`KvService::apply`]), and the service answers the operation
//! that proposed it, or redirects it when another entry took its place.
//! A replica that stops leading redirects what it holds
//! ([`KvService::step_down`]): the client retries with the same sequence
//! number, and the store applies each (client, sequence) once.

use crate::kv::{KvCommand, KvReply, KvRequest, KvStore};
use sim::{Context, Node, NodeId, OpId};
use std::collections::BTreeMap;

/// One replica's store and waiting operations.
#[derive(Clone, Debug, Default, Hash)]
pub struct KvService {
    store: KvStore,
    applied: u64,
    /// Operations proposed here: index -> (term, operation).
    waiting: BTreeMap<u64, (u64, OpId)>,
    /// Operations proposed here where the library does not say the index:
    /// (client, sequence number) -> operation.
    by_request: BTreeMap<(u32, u32), OpId>,
    leader_hint: Option<NodeId>,
}

impl KvService {
    /// A service whose log starts after `index` (a library's initial
    /// snapshot): the first entry it applies is `index + 1`.
    pub fn after(index: u64) -> KvService {
        KvService {
            applied: index,
            ..KvService::default()
        }
    }

    /// The index of the last entry applied (0: none).
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// `op` was proposed as the entry at (`index`, `term`).
    pub fn wait(&mut self, index: u64, term: u64, op: OpId) {
        self.waiting.insert(index, (term, op));
    }

    /// `op` was proposed as `request`, at an index the library does not
    /// say: it is answered when `request` is applied here.
    pub fn wait_for(&mut self, request: &KvRequest, op: OpId) {
        self.by_request.insert((request.client, request.seq), op);
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
        let by_request = request.and_then(|r| self.by_request.remove(&(r.client, r.seq)));
        if let (Some(op), Some(reply)) = (by_request, &reply) {
            ctx.reply(op, reply.clone());
        }
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

/// A request as the bytes of a log entry, for libraries that replicate
/// bytes: client and sequence number, then the command (a tag, the key and
/// the value), little-endian, 14 bytes.
pub fn encode(request: &KvRequest) -> Vec<u8> {
    let (tag, key, value) = match request.command {
        KvCommand::Get { key } => (0u8, key, 0u32),
        KvCommand::Put { key, value } => (1, key, value),
        KvCommand::Append { key, value } => (2, key, value),
    };
    let mut out = Vec::with_capacity(14);
    out.extend_from_slice(&request.client.to_le_bytes());
    out.extend_from_slice(&request.seq.to_le_bytes());
    out.extend_from_slice(&[tag, key]);
    out.extend_from_slice(&value.to_le_bytes());
    out
}

/// The request [`encode`] wrote, or `None` for bytes it did not write
/// (an empty entry, say).
pub fn decode(bytes: &[u8]) -> Option<KvRequest> {
    let word = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("four bytes")))
    };
    if bytes.len() != 14 {
        return None;
    }
    let (client, seq, value) = (word(0)?, word(4)?, word(10)?);
    let key = bytes[9];
    let command = match bytes[8] {
        0 => KvCommand::Get { key },
        1 => KvCommand::Put { key, value },
        2 => KvCommand::Append { key, value },
        _ => return None,
    };
    Some(KvRequest {
        client,
        seq,
        command,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_survives_its_bytes() {
        for command in [
            KvCommand::Get { key: 3 },
            KvCommand::Put {
                key: 1,
                value: 7_000_123,
            },
            KvCommand::Append {
                key: 2,
                value: u32::MAX,
            },
        ] {
            let request = KvRequest {
                client: 9,
                seq: 41,
                command,
            };
            assert_eq!(decode(&encode(&request)), Some(request));
        }
        assert_eq!(decode(&[]), None);
        assert_eq!(decode(&[0; 13]), None);
    }
}
