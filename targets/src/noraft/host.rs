//! What a replica asks of the node that hosts it, so that the replica of
//! each release is written without naming the release enum around it: the
//! one timer, the timing, and the host's messages, which wrap the
//! release's own.

use super::block::Block;
use models::kv::{KvReply, KvRequest};
use sim::Node;

/// A leader's heartbeat interval, in milliseconds.
pub const HEARTBEAT_MS: u64 = 30;
/// The range an election timeout is drawn from, in milliseconds.
pub const ELECTION_MS: (u64, u64) = (150, 300);

/// The one timer: noraft's election timeout (a leader's heartbeat).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tick;

/// A node that hosts a replica whose messages are `W`.
pub trait Host<W>: Node<Timer = Tick, Block = Block, Op = KvRequest, Reply = KvReply> {
    /// The replica's message as one of the host's.
    fn wrap(wire: W) -> Self::Message;
}
