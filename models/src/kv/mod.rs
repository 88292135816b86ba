//! What the key-value models share: the client's requests and replies, the
//! store with its exactly-once session table, the client library (workload)
//! with retries and a leader cache, and the translation of a run's history
//! into the checker's `kv` spec.
//!
//! Keys are small integers and values are unique tokens, so messages stay
//! small and `Copy`; the checker sees them as strings (see [`history`]).

pub mod history;
pub mod request;
pub mod service;
pub mod store;
pub mod workload;

pub use request::{KvCommand, KvInterface, KvReply, KvRequest};
pub use service::KvService;
pub use store::KvStore;
pub use workload::KvClients;
