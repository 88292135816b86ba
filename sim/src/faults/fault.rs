//! Faults the engine can inject, as serde values.
//!
//! Each fault takes effect at the instant it is applied (immediately, or at the
//! time it was scheduled for). A fault plan (a timed list of these) is how
//! harnesses and hand-written tests drive the cluster into trouble. The fault
//! model of each kind is documented with the module that implements it:
//! [`crate::partition`], [`crate::link`], [`crate::clock`], [`crate::storage`].
//!
//! Node faults: a *crash* drops the node's volatile state, its pending timers and
//! its unsynced writes; a *restart* builds a fresh node from the factory and calls
//! its recover handler. A *pause* freezes the node: messages and timers that come
//! due wait and are handled, in order, on *resume*. Crashing a crashed node,
//! restarting a running one, or pausing a paused one does nothing.

use crate::clock::NodeClock;
use crate::disk::DiskFault;
use crate::error::ConfigError;
use crate::link::LinkConfig;
use crate::node_id::NodeId;
use crate::partition::Partition;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// One fault or heal.
///
/// Its `Hash` (which the trace hash folds) writes an explicit tag per
/// variant, never the variant's position, so variants may be added or
/// reordered anywhere without changing the hash of a recorded run.
///
/// It is deliberately not `#[non_exhaustive]`: a host that carries faults
/// out (the engine, the madsim host) names every variant, so a new kind of
/// fault is a compile error there rather than a fault skipped in silence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum Fault {
    /// Blocks the links the shape cuts, in addition to any partition in force.
    Partition(Partition),
    /// Removes every partition.
    Heal,
    /// Crashes a node.
    Crash {
        /// The node.
        node: NodeId,
        /// When true the crash tears: a random prefix of unsynced writes survives.
        #[serde(default)]
        torn_writes: bool,
    },
    /// Restarts a crashed node.
    Restart {
        /// The node.
        node: NodeId,
    },
    /// Pauses a running node.
    Pause {
        /// The node.
        node: NodeId,
    },
    /// Resumes a paused node.
    Resume {
        /// The node.
        node: NodeId,
    },
    /// Holds every message sent over `from -> to` until the link is unclogged.
    Clog {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
    },
    /// Releases a clogged link; held messages depart now with fresh latencies.
    Unclog {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
    },
    /// Sets a node's clock: it reads true time plus `offset_ns` now, and runs
    /// `drift_ppm` parts per million fast from now on.
    SetClock {
        /// The node.
        node: NodeId,
        /// Offset from true time, in nanoseconds.
        offset_ns: i64,
        /// Rate error in parts per million.
        #[serde(default)]
        drift_ppm: i32,
    },
    /// Replaces the config of one directed link.
    SetLink {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The new config.
        config: LinkConfig,
    },
    /// Replaces the config of every link (a flaky-network period).
    SetAllLinks {
        /// The new config.
        config: LinkConfig,
    },
    /// Restores every link to the simulation's configured default.
    ResetLinks,
    /// A storage fault on a node's disk (see [`crate::disk`]).
    Disk {
        /// The node.
        node: NodeId,
        /// What goes wrong.
        fault: DiskFault,
    },
    /// Marks a synced storage block of a node corrupt.
    CorruptBlock {
        /// The node.
        node: NodeId,
        /// The block address.
        block: u64,
    },
    /// Ends one partition: lifts the cuts `Partition` with this shape made,
    /// and leaves any other partition in force (cuts are counted per link, so
    /// overlapping partitions end independently).
    EndPartition(Partition),
    /// A node leaves the fleet: gracefully (its leave handler runs first, so
    /// it can hand over and deregister) or not (as a crash); either way its
    /// state and its disk are gone, and it stays away until it joins.
    Leave {
        /// The node.
        node: NodeId,
        /// Run its leave handler first.
        #[serde(default)]
        graceful: bool,
    },
    /// A node that left joins again as a new machine: empty disk, fresh
    /// state, its start handler run.
    Join {
        /// The node.
        node: NodeId,
    },
    /// A traffic surge: from now on every client waits `1 / factor` of its
    /// usual pause between operations, so the workload's rate is multiplied
    /// by `factor` (a client already at full speed stays there). It acts on
    /// the harness's clients, not on a node.
    Surge {
        /// The rate multiplier, 1 to [`Fault::MAX_SURGE`].
        factor: u32,
    },
    /// The surge is over: clients go back to their usual rate.
    EndSurge,
    /// An operator acts on a node, as an operator would at any moment
    /// (rotate its keys, reload its config): the node's `on_operate`
    /// handler runs with `action`, a number the node interprets. A node
    /// that is not up ignores it.
    Operate {
        /// The node.
        node: NodeId,
        /// Which action, as the node numbers them.
        #[serde(default)]
        action: u32,
    },
    /// A node is restarted as another version of its code, on its durable
    /// state (see [`crate::versions`]): it stops cleanly (what it wrote is
    /// flushed, as a process restart keeps the OS's page cache), its
    /// timers and pending events go, and the new version's recover handler
    /// runs. An upgrade to an older version is a rollback. A crashed node
    /// restarts as the version; a node that left joins as it.
    Upgrade {
        /// The node.
        node: NodeId,
        /// The version it runs from now on, from 1 to the model's newest.
        version: u32,
    },
}

impl Hash for Fault {
    /// An explicit tag per variant, then the fields in order. The tags are
    /// the positions the variants had when the tags were introduced, so
    /// hashes recorded before then keep their values. A new variant takes
    /// a new tag.
    fn hash<H: Hasher>(&self, state: &mut H) {
        // `(tag, fields).hash` writes the tag (an `isize`), then the fields.
        match self {
            Fault::Partition(p) => (0isize, p).hash(state),
            Fault::Heal => 1isize.hash(state),
            Fault::Crash { node, torn_writes } => (2isize, node, torn_writes).hash(state),
            Fault::Restart { node } => (3isize, node).hash(state),
            Fault::Pause { node } => (4isize, node).hash(state),
            Fault::Resume { node } => (5isize, node).hash(state),
            Fault::Clog { from, to } => (6isize, from, to).hash(state),
            Fault::Unclog { from, to } => (7isize, from, to).hash(state),
            Fault::SetClock {
                node,
                offset_ns,
                drift_ppm,
            } => (8isize, node, offset_ns, drift_ppm).hash(state),
            Fault::SetLink { from, to, config } => (9isize, from, to, config).hash(state),
            Fault::SetAllLinks { config } => (10isize, config).hash(state),
            Fault::ResetLinks => 11isize.hash(state),
            Fault::CorruptBlock { node, block } => (12isize, node, block).hash(state),
            Fault::EndPartition(p) => (13isize, p).hash(state),
            Fault::Leave { node, graceful } => (14isize, node, graceful).hash(state),
            Fault::Join { node } => (15isize, node).hash(state),
            Fault::Surge { factor } => (16isize, factor).hash(state),
            Fault::EndSurge => 17isize.hash(state),
            Fault::Operate { node, action } => (18isize, node, action).hash(state),
            Fault::Upgrade { node, version } => (19isize, node, version).hash(state),
            Fault::Disk { node, fault } => (20isize, node, fault).hash(state),
        }
    }
}

impl Fault {
    /// The largest surge factor.
    pub const MAX_SURGE: u32 = 100;

    /// A short name for the fault's kind, as in the serde tag.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Fault::Partition(_) => "partition",
            Fault::Heal => "heal",
            Fault::EndPartition(_) => "end_partition",
            Fault::Crash { .. } => "crash",
            Fault::Restart { .. } => "restart",
            Fault::Pause { .. } => "pause",
            Fault::Resume { .. } => "resume",
            Fault::Clog { .. } => "clog",
            Fault::Unclog { .. } => "unclog",
            Fault::SetClock { .. } => "set_clock",
            Fault::SetLink { .. } => "set_link",
            Fault::SetAllLinks { .. } => "set_all_links",
            Fault::ResetLinks => "reset_links",
            Fault::CorruptBlock { .. } => "corrupt_block",
            Fault::Disk { .. } => "disk",
            Fault::Leave { .. } => "leave",
            Fault::Join { .. } => "join",
            Fault::Surge { .. } => "surge",
            Fault::EndSurge => "end_surge",
            Fault::Operate { .. } => "operate",
            Fault::Upgrade { .. } => "upgrade",
        }
    }

    /// The same fault aimed at `node`: a crash, restart, pause, resume, clock
    /// change, storage fault or isolating partition hits `node` instead;
    /// any other fault is unchanged.
    pub fn aimed_at(&self, node: NodeId) -> Fault {
        let mut f = self.clone();
        match &mut f {
            Fault::Crash { node: n, .. }
            | Fault::Restart { node: n }
            | Fault::Pause { node: n }
            | Fault::Resume { node: n }
            | Fault::SetClock { node: n, .. }
            | Fault::CorruptBlock { node: n, .. }
            | Fault::Disk { node: n, .. }
            | Fault::Leave { node: n, .. }
            | Fault::Join { node: n }
            | Fault::Operate { node: n, .. }
            | Fault::Upgrade { node: n, .. }
            | Fault::Partition(crate::partition::Partition::Isolate { node: n })
            | Fault::EndPartition(crate::partition::Partition::Isolate { node: n }) => *n = node,
            _ => {}
        }
        f
    }

    /// Checks the fault against a cluster of `nodes`; `field` prefixes the names
    /// in errors (for example `faults[3]`).
    pub fn validate(&self, nodes: usize, field: &str) -> Result<(), ConfigError> {
        let node = |id: &NodeId, name: &str| id.validate(nodes, &format!("{field}.{name}"));
        match self {
            Fault::Partition(p) | Fault::EndPartition(p) => {
                p.blocked_links(nodes, field).map(|_| ())
            }
            Fault::Heal | Fault::ResetLinks => Ok(()),
            Fault::Crash { node: n, .. }
            | Fault::Restart { node: n }
            | Fault::Pause { node: n }
            | Fault::Resume { node: n }
            | Fault::CorruptBlock { node: n, .. }
            | Fault::Leave { node: n, .. }
            | Fault::Join { node: n }
            | Fault::Operate { node: n, .. } => node(n, "node"),
            Fault::Disk { node: n, fault } => {
                node(n, "node")?;
                match fault.problem() {
                    Some(reason) => Err(ConfigError::OutOfRange {
                        field: format!("{field}.fault"),
                        reason,
                    }),
                    None => Ok(()),
                }
            }
            Fault::Upgrade { node: n, version } => {
                node(n, "node")?;
                if *version == 0 {
                    return Err(ConfigError::OutOfRange {
                        field: format!("{field}.version"),
                        reason: "version 0: versions count from 1".into(),
                    });
                }
                Ok(())
            }
            Fault::Clog { from, to } | Fault::Unclog { from, to } => {
                node(from, "from")?;
                node(to, "to")
            }
            Fault::SetClock {
                node: n,
                offset_ns,
                drift_ppm,
            } => {
                node(n, "node")?;
                NodeClock::validate_offset(*offset_ns, &format!("{field}.offset_ns"))?;
                NodeClock::validate_drift(*drift_ppm, &format!("{field}.drift_ppm"))
            }
            Fault::SetLink { from, to, config } => {
                node(from, "from")?;
                node(to, "to")?;
                config.validate(&format!("{field}.config"))
            }
            Fault::SetAllLinks { config } => config.validate(&format!("{field}.config")),
            Fault::Surge { factor } if !(1..=Self::MAX_SURGE).contains(factor) => {
                Err(ConfigError::OutOfRange {
                    field: format!("{field}.factor"),
                    reason: format!(
                        "a surge factor of {factor} is outside 1..={}",
                        Self::MAX_SURGE
                    ),
                })
            }
            Fault::Surge { .. } | Fault::EndSurge => Ok(()),
        }
    }
}
