//! Configuration errors: what real input can get wrong.
//!
//! Every variant names the field it is about, so a user sees which setting to fix.
//! Broken invariants of the simulator itself are assertions, not errors.

/// A configuration or fault that cannot be run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A setting that is not a probability (over 1, or a zero denominator).
    #[error(transparent)]
    Ratio(#[from] check::ratio::RatioError),
    /// A cluster with no nodes.
    #[error("nodes: a simulation needs at least one node, got 0")]
    ZeroNodes,
    /// More nodes than the engine addresses.
    #[error("nodes: {count} nodes is more than the limit of {limit}")]
    TooManyNodes {
        /// Requested.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A node id outside the cluster.
    #[error("{field}: node {node} does not exist (the cluster has nodes 0..{nodes})")]
    UnknownNode {
        /// The setting.
        field: String,
        /// The id given.
        node: usize,
        /// Cluster size.
        nodes: usize,
    },
    /// A duration past [`crate::SimDuration::MAX_CONFIGURABLE`].
    #[error("{field}: duration of {nanos} ns is too large (limit {limit} ns)", limit = crate::SimDuration::MAX_CONFIGURABLE.0)]
    DurationTooLarge {
        /// The setting.
        field: String,
        /// The value given.
        nanos: u64,
    },
    /// A range whose minimum is above its maximum.
    #[error("{field}: minimum {min} is above maximum {max}")]
    InvertedRange {
        /// The setting.
        field: String,
        /// Minimum given.
        min: u64,
        /// Maximum given.
        max: u64,
    },
    /// A clock drift outside the accepted range.
    #[error("{field}: drift of {ppm} ppm is outside -{limit}..={limit}")]
    DriftOutOfRange {
        /// The setting.
        field: String,
        /// The drift given.
        ppm: i32,
        /// The accepted magnitude.
        limit: i32,
    },
    /// A partition that does not cut anything, or names a node twice.
    #[error("{field}: {reason}")]
    BadPartition {
        /// The setting.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A plan whose faults are not in time order.
    #[error("{field}: a plan lists its faults in time order, but {at_nanos} ns is earlier than {previous_field} at {previous_nanos} ns")]
    OutOfOrder {
        /// The fault that comes too early.
        field: String,
        /// Its time.
        at_nanos: u64,
        /// The fault before it.
        previous_field: String,
        /// That fault's time.
        previous_nanos: u64,
    },
    /// A clock offset outside the accepted range.
    #[error("{field}: offset of {offset_ns} ns is outside -{limit}..={limit} ns")]
    OffsetOutOfRange {
        /// The setting.
        field: String,
        /// The offset given, with its sign.
        offset_ns: i64,
        /// The accepted magnitude.
        limit: u64,
    },
    /// A setting outside what can be run.
    #[error("{field}: {reason}")]
    OutOfRange {
        /// The setting.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A scheduled time that lies in the past or overflows.
    #[error("{field}: time {at_nanos} ns is before the current time {now_nanos} ns")]
    TimeInPast {
        /// The setting.
        field: String,
        /// The requested time.
        at_nanos: u64,
        /// The simulation's current time.
        now_nanos: u64,
    },
}
