//! What the gateway model's nodes and clients say, and the ghost labels
//! that the checks read and the protocol never does.

use super::token::{Key, Token};
use sim::SimTime;

/// Who a client is, for the checks and the summary (a ghost: never read by
/// the protocol).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Uses the service as intended.
    Honest,
    /// Alters tokens: bad signatures.
    Forger,
    /// Presents expired tokens and replays captured requests.
    Replayer,
    /// Uses a read-only token to write, and writes other clients' keys.
    Escalator,
    /// Sends far over its limit, through every gateway at once.
    Flooder,
    /// Sends malformed requests and retries with no backoff.
    Careless,
}

impl Role {
    /// Its name, as operation kinds in summaries.
    pub fn name(self) -> &'static str {
        match self {
            Role::Honest => "honest",
            Role::Forger => "forger",
            Role::Replayer => "replayer",
            Role::Escalator => "escalator",
            Role::Flooder => "flooder",
            Role::Careless => "careless",
        }
    }
}

/// What a request asks of the backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read a key.
    Read {
        /// The key.
        key: Slot,
    },
    /// Write a key.
    Write {
        /// The key.
        key: Slot,
        /// The value.
        value: u64,
        /// The value's size in bytes (a careless client sends huge ones).
        size: u32,
    },
    /// An operation the service does not have.
    Unknown(u16),
}

/// A key: its owner (the only client that may write it) and an index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    /// The owning client.
    pub owner: u32,
    /// Which of its keys.
    pub index: u8,
}

/// A client's request to a gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    /// The token presented.
    pub token: Token,
    /// Unique per client and request: a replay repeats it.
    pub nonce: u64,
    /// What it asks.
    pub action: Action,
    /// Ghost: who sent it.
    pub role: Role,
}

/// A client operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GwOp {
    /// Ask the auth service for a token.
    Login {
        /// The client.
        client: u32,
        /// Ghost: who asks.
        role: Role,
    },
    /// A request through a gateway.
    Call(Request),
}

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// Unknown operation or oversized value.
    Malformed,
    /// Bad signature or unknown key.
    BadToken,
    /// The token has expired.
    Expired,
    /// Outside the token's scope, or another client's key.
    Forbidden,
    /// Over the client's rate limit.
    Throttled,
    /// Seen before: a replay (or a retry of an applied request).
    Duplicate,
    /// The node cannot judge yet (no keys, or no time from the issuer).
    Unavailable,
}

/// The answer to a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GwReply {
    /// A token.
    Issued(Token),
    /// The request was served: a read's value, or `None` after a write.
    Served(Option<u64>),
    /// Refused, and why.
    Refused(Refusal),
}

/// A message between nodes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GwMsg {
    /// The auth service's keys (current and previous): on rotation, and
    /// when asked.
    Keys(Vec<Key>),
    /// "What time is it on your monotonic clock?", with the asker's own.
    TimeReq {
        /// The asker's monotonic clock when it asked.
        sent: SimTime,
    },
    /// The issuer's monotonic clock, and the asker's echoed.
    TimeIs {
        /// Echoed.
        sent: SimTime,
        /// The issuer's monotonic clock when it answered.
        issuer: SimTime,
    },
    /// A gateway forwards an admitted request to the backend.
    Forward {
        /// The gateway's id for it.
        id: u64,
        /// The request.
        request: Request,
    },
    /// The backend's answer.
    Done {
        /// The forward's id.
        id: u64,
        /// What to tell the client.
        reply: GwReply,
    },
}

/// A node's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GwTimer {
    /// The auth service rotates its key.
    Rotate,
    /// A gateway or the backend asks the issuer's time (and keys, if none).
    Sync,
}
