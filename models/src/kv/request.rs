//! Client requests and replies. Every request carries its client id and
//! sequence number, so a retried request can be recognised and applied once.

use serde::{Deserialize, Serialize};
use sim::NodeId;

/// A key-value command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KvCommand {
    /// Read a key.
    Get {
        /// The key.
        key: u8,
    },
    /// Replace a key's value with one token.
    Put {
        /// The key.
        key: u8,
        /// The token.
        value: u32,
    },
    /// Append a token to a key's value.
    Append {
        /// The key.
        key: u8,
        /// The token.
        value: u32,
    },
}

impl KvCommand {
    /// The key it touches.
    pub fn key(&self) -> u8 {
        match *self {
            KvCommand::Get { key } | KvCommand::Put { key, .. } | KvCommand::Append { key, .. } => {
                key
            }
        }
    }

    /// True for a read.
    pub fn is_read(&self) -> bool {
        matches!(self, KvCommand::Get { .. })
    }

    /// Its kind, for per-kind statistics.
    pub fn kind(&self) -> &'static str {
        match self {
            KvCommand::Get { .. } => "get",
            KvCommand::Put { .. } => "put",
            KvCommand::Append { .. } => "append",
        }
    }
}

/// A client's request: the command, who sent it, and its sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KvRequest {
    /// The client (a stable slot: it keeps its id across timeouts).
    pub client: u32,
    /// The client's sequence number; each new operation takes the next one,
    /// and a retry reuses it.
    pub seq: u32,
    /// What to do.
    pub command: KvCommand,
}

impl std::fmt::Display for KvRequest {
    /// `client 3 #5: append 1 7`: who, which sequence number, and what.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (client, seq) = (self.client, self.seq);
        match self.command {
            KvCommand::Get { key } => write!(f, "client {client} #{seq}: get {key}"),
            KvCommand::Put { key, value } => write!(f, "client {client} #{seq}: put {key} {value}"),
            KvCommand::Append { key, value } => {
                write!(f, "client {client} #{seq}: append {key} {value}")
            }
        }
    }
}

/// A server's answer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KvReply {
    /// A get's value: the tokens, oldest first (empty: never written).
    Value(Vec<u32>),
    /// The put or append was applied.
    Done,
    /// This node cannot serve the request; try `hint` if it names a node.
    Redirect {
        /// The node this one believes can serve it.
        hint: Option<NodeId>,
    },
}

/// The key-value service as its clients see it, for a service that is not
/// a sans-IO node (every key-value [`sim::Node`] is already one).
#[derive(Clone, Copy, Debug, Default, Hash)]
pub struct KvInterface;

impl sim::scenario::Interface for KvInterface {
    type Op = KvRequest;
    type Reply = KvReply;
}
