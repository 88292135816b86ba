//! The result store: one record per chunk, durable (every change is synced
//! before the answer), and the fencing check.
//!
//! A worker *claims* a chunk with its lease's token before working on it:
//! the store refuses a token older than the chunk's fence and otherwise
//! raises the fence to it, so once a newer holder has claimed, every write
//! of an older holder is refused, whichever arrives first. A write whose
//! token is not older than the fence is applied (its effect lands), unless
//! it is a duplicate of the write already applied.

use super::messages::{ChunkId, LwBlock, LwMsg, Record, Token};
use super::{LwBug, LwNode};
use sim::{Context, NodeId};
use std::collections::BTreeMap;

/// What the store accepted in its last handler: ghost state for the checks
/// (the protocol never reads it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Acceptance {
    /// The chunk.
    pub chunk: ChunkId,
    /// The token accepted.
    pub token: Token,
    /// The worker that sent it.
    pub worker: NodeId,
    /// A write that was applied (else a claim).
    pub applied: bool,
}

/// The result store.
#[derive(Clone, Debug, Hash)]
pub struct Store {
    bug: Option<LwBug>,
    records: BTreeMap<ChunkId, Record>,
    last_acceptance: Option<Acceptance>,
}

impl Store {
    /// An empty store, with a bug switched on or not.
    pub fn new(bug: Option<LwBug>) -> Store {
        Store {
            bug,
            records: BTreeMap::new(),
            last_acceptance: None,
        }
    }

    /// The store as its synced records left it (an unreadable record is
    /// lost: the store reports nothing it cannot read).
    pub fn recover(&mut self, ctx: &mut Context<'_, LwNode>) {
        let addresses: Vec<u64> = ctx.storage().synced_blocks().collect();
        for address in addresses {
            if let Ok(Some(LwBlock::Record(record))) = ctx.storage().read(address) {
                self.records.insert(ChunkId::from_address(address), *record);
            }
        }
    }

    /// The record of `chunk`, if the store has seen it.
    pub fn record(&self, chunk: ChunkId) -> Option<&Record> {
        self.records.get(&chunk)
    }

    /// What the last handler accepted, if anything.
    pub fn last_acceptance(&self) -> Option<Acceptance> {
        self.last_acceptance
    }

    /// Handles a worker's claim or write; ignores anything else.
    pub fn on_message(&mut self, ctx: &mut Context<'_, LwNode>, from: NodeId, msg: LwMsg) {
        self.last_acceptance = None;
        match msg {
            LwMsg::Claim { chunk, token } => self.claim(ctx, from, chunk, token),
            LwMsg::Write { chunk, token } => self.write(ctx, from, chunk, token),
            _ => {}
        }
    }

    /// True when the store refuses `token` for a chunk fenced at `fence`.
    fn fenced(&self, token: Token, fence: Token) -> bool {
        token < fence && self.bug != Some(LwBug::NoFencing)
    }

    /// The chunk's record, unless `token` is fenced off: then the sender
    /// is told so, and there is nothing to do.
    fn unfenced(
        &self,
        ctx: &mut Context<'_, LwNode>,
        from: NodeId,
        chunk: ChunkId,
        token: Token,
    ) -> Option<Record> {
        let record = self.records.get(&chunk).copied().unwrap_or_default();
        if self.fenced(token, record.fence) {
            let fence = record.fence;
            ctx.send(
                from,
                LwMsg::Fenced {
                    chunk,
                    token,
                    fence,
                },
            );
            return None;
        }
        Some(record)
    }

    fn claim(&mut self, ctx: &mut Context<'_, LwNode>, from: NodeId, chunk: ChunkId, token: Token) {
        let Some(mut record) = self.unfenced(ctx, from, chunk, token) else {
            return;
        };
        record.fence = record.fence.max(token);
        self.save(ctx, chunk, record, from, token, false);
        let applied = record.applied.is_some();
        ctx.send(
            from,
            LwMsg::Claimed {
                chunk,
                token,
                applied,
            },
        );
    }

    fn write(&mut self, ctx: &mut Context<'_, LwNode>, from: NodeId, chunk: ChunkId, token: Token) {
        let Some(mut record) = self.unfenced(ctx, from, chunk, token) else {
            return;
        };
        if record.applied != Some(token) {
            record.fence = record.fence.max(token);
            record.applied = Some(token);
            self.save(ctx, chunk, record, from, token, true);
        }
        ctx.send(from, LwMsg::Stored { chunk, token });
    }

    /// Makes `record` durable, then notes what was accepted.
    fn save(
        &mut self,
        ctx: &mut Context<'_, LwNode>,
        chunk: ChunkId,
        record: Record,
        worker: NodeId,
        token: Token,
        applied: bool,
    ) {
        ctx.storage()
            .write(chunk.address(), LwBlock::Record(record));
        ctx.storage().sync();
        self.records.insert(chunk, record);
        self.last_acceptance = Some(Acceptance {
            chunk,
            token,
            worker,
            applied,
        });
    }
}
