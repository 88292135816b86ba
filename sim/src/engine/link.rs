//! The fault model of one directed link.
//!
//! A message from `a` to `b` is subject to the config of the link `a -> b`, drawn
//! in this order from the engine's streams:
//! 1. drop with probability `drop` (faults stream);
//! 2. duplicate with probability `duplicate` (faults stream): the copy travels
//!    independently, with its own latency;
//! 3. for each copy, a latency from `latency` (network stream), plus, with
//!    probability `reorder` (faults stream), an extra delay uniform in
//!    `0..=reorder_delay_max`, which lets later messages overtake it.
//!
//! Partitions and clogging are link *state*, kept by the network, not config.

use crate::error::ConfigError;
use crate::latency::Latency;
use crate::ratio::Ratio;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// Latency and message-fault settings for a directed link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkConfig {
    /// One-way latency distribution.
    pub latency: Latency,
    /// Probability that a message is lost.
    #[serde(default)]
    pub drop: Ratio,
    /// Probability that a message is delivered twice.
    #[serde(default)]
    pub duplicate: Ratio,
    /// Probability that a message gets an extra delay (and so may be reordered).
    #[serde(default)]
    pub reorder: Ratio,
    /// The largest extra delay a reordered message gets.
    #[serde(default)]
    pub reorder_delay_max: SimDuration,
}

impl Default for LinkConfig {
    /// A reliable link with the default latency (1 to 10 ms uniform).
    fn default() -> Self {
        LinkConfig::reliable(Latency::default())
    }
}

impl LinkConfig {
    /// A link with the given latency and no message faults.
    pub fn reliable(latency: Latency) -> LinkConfig {
        LinkConfig {
            latency,
            drop: Ratio::ZERO,
            duplicate: Ratio::ZERO,
            reorder: Ratio::ZERO,
            reorder_delay_max: SimDuration::ZERO,
        }
    }

    /// Sets the drop probability.
    pub fn with_drop(mut self, drop: Ratio) -> Self {
        self.drop = drop;
        self
    }

    /// Sets the duplication probability.
    pub fn with_duplicate(mut self, duplicate: Ratio) -> Self {
        self.duplicate = duplicate;
        self
    }

    /// Sets the reorder probability and the largest extra delay.
    pub fn with_reorder(mut self, reorder: Ratio, delay_max: SimDuration) -> Self {
        self.reorder = reorder;
        self.reorder_delay_max = delay_max;
        self
    }

    /// True when no message fault can fire (the hot path skips the fault draws).
    pub fn is_faultless(&self) -> bool {
        self.drop.is_zero() && self.duplicate.is_zero() && self.reorder.is_zero()
    }

    /// Checks every field; `field` prefixes the names in errors.
    pub fn validate(&self, field: &str) -> Result<(), ConfigError> {
        self.latency.validate(&format!("{field}.latency"))?;
        self.drop.validate(&format!("{field}.drop"))?;
        self.duplicate.validate(&format!("{field}.duplicate"))?;
        self.reorder.validate(&format!("{field}.reorder"))?;
        if self.reorder_delay_max > SimDuration::MAX_CONFIGURABLE {
            return Err(ConfigError::DurationTooLarge {
                field: format!("{field}.reorder_delay_max"),
                nanos: self.reorder_delay_max.0,
            });
        }
        Ok(())
    }
}
