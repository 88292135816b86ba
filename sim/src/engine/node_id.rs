//! Identities: of nodes, and of client operations.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The index of a node in the cluster, `0..nodes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The index as a `usize`, for indexing per-node tables.
    #[inline]
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// Checks that this id names a node of a cluster of `nodes`.
    pub fn validate(self, nodes: usize, field: &str) -> Result<(), crate::ConfigError> {
        if self.index() < nodes {
            Ok(())
        } else {
            Err(crate::ConfigError::UnknownNode {
                field: field.to_string(),
                node: self.index(),
                nodes,
            })
        }
    }
}

impl From<usize> for NodeId {
    fn from(i: usize) -> Self {
        NodeId(u32::try_from(i).expect("node index fits in u32"))
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

/// Identifies a client operation submitted to a node; replies carry it back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OpId(pub u64);
