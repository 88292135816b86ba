//! `sim`: faultline's deterministic simulation engine. It knows no particular
//! protocol: a protocol is a [`Node`], and a run is a pure function of its seed.
//!
//! The checkers (histories, specs, linearizability, transactions, read
//! guarantees, delivery, the Jepsen and Elle formats) and the ground they
//! stand on (time, random streams, ratios) are the `check` crate, which
//! needs no engine; they are re-exported here at their old paths.
//!
//! The source is in five folders, one part each; every module is also
//! re-exported at the crate's root, where it has always been
//! (`sim::fault`, `sim::scenario`, …).
//!
//! - **`engine/`**: the event loop ([`Simulation`]) and what it
//!   runs on. [`node`] (the sans-IO node trait, the context its handlers act
//!   through, the effects they ask for), [`node_table`] (read access to a
//!   cluster, for monitors on any host), [`config`] and [`error`] (the
//!   simulation's settings and the errors that name them), [`link`] and
//!   [`latency`] (one directed link's delay, loss, duplication and
//!   reordering), [`clock`] (per-node offset and drift), [`storage`]
//!   (blocks with sync, crash loss, and every lie of a disk), [`sealed`]
//!   (checksummed, mirrored blocks that catch those lies), [`trace`]
//!   (events, the rolling hash, the stable text), [`host`] (a node run
//!   outside the engine, as madsim runs it). Internal: `world` (the shared
//!   state and the send path), `network` (link tables, partitions, clogs),
//!   `event` and `queue` (the (time, seq) heap), `timers` (the timer slab),
//!   `choice` (the engine driven by chosen steps: [`Simulation::pending`],
//!   [`Simulation::run_pending`], …) and `snapshot` (a simulation of
//!   [`Explorable`] nodes copied and fingerprinted).
//! - **`faults/`**: what can go wrong, and how it is drawn. [`fault`] (the
//!   faults and heals, as serde values), [`plan`] (timed lists of them),
//!   [`nemesis`] (a plan per seed, in swarm mode), [`mix`] (the preset
//!   mixes, one table), [`partition`] (split, one-way, majority/minority,
//!   isolate, bridge, ring), [`shape`] (a seed's swarm shape: sparse, dense
//!   or storm, at the focus or not), [`versions`] (upgrades and rollbacks),
//!   [`marks`] (fault points, BUGGIFY, and coverage probes), [`disk`] (the
//!   storage faults) and [`atlas`] (where they may land).
//! - **`shrinking/`**: from a failing plan to the smallest that still fails.
//!   [`smallest`] (the one pipeline: the plan, the fault points, the run,
//!   then partitions narrowed), [`shrink`] (delta debugging), [`episode`]
//!   (a fault and the heal that undoes it), [`essence`] (by episodes, then
//!   faults, then shorter episodes), [`reshape`] (past 1-minimal: an episode
//!   fewer, the others moved), [`narrow`] (a partition cut to the links it
//!   must cut), [`story`] (a shrunk failure told in a few lines).
//! - **`harness/`**: a model run as a test. [`model`] (a model described
//!   once: name, checks, bug switches, releases, budgets), [`scenario`]
//!   (clients, faults and checks, in a safety and a liveness phase; and
//!   [`scenario::exhaustive`], every behaviour up to a bound),
//!   [`artifact`] (failure artifacts, never overwritten), [`files`] (every
//!   file faultline writes, created new or updated under a lock), [`regression`]
//!   (the regression file, re-run first), [`determinism`] (a scenario run
//!   twice, and the first event that differs), [`seed`] (seeds from the
//!   environment, and sweeps that print the replay command).
//! - **`search/`**: beyond random seeds. [`mutate`] (mutations of fault
//!   plans, for the coverage-guided search), [`strategy`] (proptest
//!   strategies for seeds and plans that shrink to fewer, shorter faults).

/// The checkers and the ground they stand on, from the `check` crate, at
/// the paths they have always had here.
pub use check::{
    delivery, history, input, jepsen, linearizability, ratio, rng, spec, staleness, time, txn,
    workload,
};

mod engine;
mod faults;
mod harness;
mod search;
mod shrinking;

// The engine's modules, at the crate's root as they have always been.
pub use engine::{
    clock, config, error, host, latency, link, node, node_table, sealed, storage, trace,
};
use engine::{event, network, node_id, queue, timers, world};

// Faults.
pub use faults::{atlas, core, disk, fault, marks, mix, nemesis, partition, plan, shape, versions};

// Shrinking.
pub use shrinking::{episode, essence, narrow, reshape, shrink, smallest, story};

// The harness.
pub use harness::{artifact, determinism, files, model, regression, scenario, seed};

// Search.
pub use search::{mutate, strategy};

pub use config::SimConfig;
pub use disk::DiskFault;
pub use engine::{
    Census, Explorable, Fingerprinter, Focus, NodeStatus, Pending, PendingKind, Simulation,
};
pub use error::ConfigError;
pub use fault::Fault;
pub use latency::Latency;
pub use link::LinkConfig;
pub use mix::Mix;
pub use nemesis::{FaultKind, Nemesis};
pub use node::{Context, Effect, Node, Observed};
pub use node_id::{NodeId, OpId};
pub use node_table::{live_nodes, NodeTable};
pub use partition::Partition;
pub use plan::{FaultPlan, TimedFault};
pub use ratio::Ratio;
pub use rng::SimRng;
pub use storage::{checksum, CorruptBlock, DiskError, Storage};
pub use time::{SimDuration, SimTime};
pub use timers::TimerId;
pub use trace::{Trace, TraceEvent, TraceRecord};
pub use world::{ClientReply, Stats};
