//! The simulation's configuration, built with a builder and validated up front.

use crate::error::ConfigError;
use crate::link::LinkConfig;
use crate::marks::Buggify;
use serde::{Deserialize, Serialize};

/// Everything that shapes a run besides the nodes' code and the faults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimConfig {
    /// The root seed; every random stream derives from it.
    pub seed: u64,
    /// How many nodes the cluster has (`1..=MAX_NODES`).
    pub nodes: usize,
    /// The config every link starts with (and returns to on `ResetLinks`).
    pub link: LinkConfig,
    /// Keep every trace event in memory (the hash is computed either way).
    pub record_trace: bool,
    /// Which fault points may fire (see [`crate::marks`]); off unless set.
    #[serde(default)]
    pub buggify: Buggify,
}

impl SimConfig {
    /// The most nodes one simulation addresses. Link tables are `nodes^2`, so this
    /// keeps them under a few megabytes.
    pub const MAX_NODES: usize = 1024;

    /// A config with `seed`, three nodes, default links and no recording.
    pub fn new(seed: u64) -> SimConfig {
        SimConfig {
            seed,
            nodes: 3,
            link: LinkConfig::default(),
            record_trace: false,
            buggify: Buggify::Off,
        }
    }

    /// Sets the node count.
    pub fn nodes(mut self, nodes: usize) -> Self {
        self.nodes = nodes;
        self
    }

    /// Sets the default link config.
    pub fn link(mut self, link: LinkConfig) -> Self {
        self.link = link;
        self
    }

    /// Turns full trace recording on or off.
    pub fn record_trace(mut self, on: bool) -> Self {
        self.record_trace = on;
        self
    }

    /// Sets which fault points may fire.
    pub fn buggify(mut self, buggify: Buggify) -> Self {
        self.buggify = buggify;
        self
    }

    /// Checks every field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.nodes == 0 {
            return Err(ConfigError::ZeroNodes);
        }
        if self.nodes > Self::MAX_NODES {
            return Err(ConfigError::TooManyNodes {
                count: self.nodes,
                limit: Self::MAX_NODES,
            });
        }
        self.link.validate("link")
    }
}
