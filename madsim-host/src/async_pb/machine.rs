//! What the async primary-backup service replicates: a state machine with
//! exactly-once sessions, whose whole state the primary ships to its
//! followers. The key-value store is one; [`super::counter`] is another.

use crate::clients::Payload;
use models::kv::{KvClients, KvCommand, KvInterface, KvReply, KvRequest, KvStore};
use sim::scenario::{Interface, Workload};
use sim::NodeId;
use std::fmt::Debug;

/// A replicated state machine, as the service needs it.
pub trait Machine: Clone + Debug + Default + Send + Sync + 'static {
    /// A client request: an operation with its session (client, sequence).
    type Request: Payload + Debug;
    /// The answer to one.
    type Reply: Payload + Debug;
    /// The service as its clients see it.
    type Interface: Interface<Op = Self::Request, Reply = Self::Reply> + 'static;
    /// The clients that drive it.
    type Clients: Workload<Self::Interface> + Default + Send + 'static;

    /// Applies `request` once per session sequence number: a retry of the
    /// latest gets the same answer again, an older one `None` (unanswered).
    fn apply(&mut self, request: &Self::Request) -> Option<Self::Reply>;
    /// Whether `request` changes the state (a write is acknowledged, and
    /// must survive every failover).
    fn is_write(request: &Self::Request) -> bool;
    /// `request`'s session: its client and sequence number.
    fn session(request: &Self::Request) -> (u32, u32);
    /// The newest sequence number applied for `client`, if any.
    fn last_seq(&self, client: u32) -> Option<u32>;
    /// The answer that sends a client elsewhere (to `hint`, if known).
    fn redirect(hint: Option<NodeId>) -> Self::Reply;
}

impl Machine for KvStore {
    type Request = KvRequest;
    type Reply = KvReply;
    type Interface = KvInterface;
    type Clients = KvClients;

    fn apply(&mut self, request: &KvRequest) -> Option<KvReply> {
        KvStore::apply(self, request)
    }

    fn is_write(request: &KvRequest) -> bool {
        !matches!(request.command, KvCommand::Get { .. })
    }

    fn session(request: &KvRequest) -> (u32, u32) {
        (request.client, request.seq)
    }

    fn last_seq(&self, client: u32) -> Option<u32> {
        KvStore::last_seq(self, client)
    }

    fn redirect(hint: Option<NodeId>) -> KvReply {
        KvReply::Redirect { hint }
    }
}
