//! A member's identity: its node, and its generation, which grows at each
//! restart (kept on the node's storage, block [`GENERATION`]) and when foca
//! renews an identity the cluster declared down. Each release implements its
//! own `Identity` trait for it (see [`super::versions`]); the address is the
//! node, and of two identities of one node the later generation wins.

use serde::{Deserialize, Serialize};

/// The storage block of the generation.
pub(crate) const GENERATION: u64 = 0;

/// A member's identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Id {
    /// The node (its index in the simulation).
    pub node: u8,
    /// Its generation.
    pub generation: u32,
}

impl Id {
    /// The same node, one generation on.
    pub fn renewed(self) -> Id {
        Id {
            node: self.node,
            generation: self.generation + 1,
        }
    }
}
