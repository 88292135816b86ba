//! What primary-backup replicates: any deterministic state machine whose
//! requests carry a client session (so a retried request applies once).
//! The key-value store is one; the queue's broker is another.

use crate::kv::{KvReply, KvRequest, KvStore};
use sim::{NodeId, SimTime};
use std::fmt::Debug;
use std::hash::Hash;

/// A state machine primary-backup can replicate.
pub trait StateMachine: Clone + Debug + Default + PartialEq + Eq + Hash + 'static {
    /// A client's request.
    type Request: Copy + Debug + PartialEq + Eq + Hash;
    /// The answer to it.
    type Reply: Clone + Debug + Hash;

    /// Applies `request` once per (client, sequence number) and returns its
    /// reply; a retry of the last request gets the first reply, and a
    /// request older than its client's session gets `None`.
    fn apply(&mut self, request: &Self::Request) -> Option<Self::Reply>;

    /// The request's client and sequence number.
    fn session(request: &Self::Request) -> (u32, u32);

    /// "Not here: ask `hint`."
    fn redirect(hint: Option<NodeId>) -> Self::Reply;

    /// The primary stamps each request with its clock before applying it,
    /// so that a machine that needs the time (a lease's expiry) gets one
    /// value on every replica. The default ignores it.
    fn stamp(request: &mut Self::Request, now: SimTime) {
        let _ = (request, now);
    }
}

impl StateMachine for KvStore {
    type Request = KvRequest;
    type Reply = KvReply;

    fn apply(&mut self, request: &KvRequest) -> Option<KvReply> {
        KvStore::apply(self, request)
    }

    fn session(request: &KvRequest) -> (u32, u32) {
        (request.client, request.seq)
    }

    fn redirect(hint: Option<NodeId>) -> KvReply {
        KvReply::Redirect { hint }
    }
}
