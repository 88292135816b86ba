//! `sim`: faultline's deterministic simulation engine. It knows no particular
//! protocol: a protocol is a [`Node`], and a run is a pure function of its seed.
//!
//! The checkers (histories, specs, linearizability, transactions, read
//! guarantees, delivery, the Jepsen and Elle formats) and the ground they
//! stand on (time, random streams, ratios) are the `check` crate, which
//! needs no engine; they are re-exported here at their old paths.
//!
//! Module map:
//! - [`latency`]: fixed, uniform and exponential latency distributions.
//! - [`link`]: one directed link's latency, drop, duplication and reorder settings.
//! - [`partition`]: partition shapes (split, one-way, majority/minority, isolate, bridge, ring).
//! - [`clock`]: per-node clock offset and drift.
//! - [`storage`]: durable block storage with sync, crash loss, torn writes and corruption.
//! - [`versions`]: versions of a node, and the upgrades and rollbacks between them.
//! - [`fault`]: the faults and heals the engine can inject, as serde values.
//! - [`marks`]: fault points (BUGGIFY) and coverage probes a model leaves on a run.
//! - [`node`]: the sans-IO node trait, the context its handlers act through,
//!   and the effects they ask for.
//! - [`node_table`]: read access to a cluster's nodes, for invariant monitors on any host.
//! - [`config`]: the simulation config and its validation.
//! - [`error`]: configuration errors that name the field.
//! - [`engine`]: the event loop ([`Simulation`]).
//! - [`host`]: running a node outside the engine (the sans-IO adapter for
//!   other hosts, such as madsim).
//! - [`trace`]: trace events, the rolling hash, and the stable text rendering.
//! - [`determinism`]: run a scenario twice and report the first divergent event.
//! - [`plan`]: fault plans, timed lists of faults and heals.
//! - [`nemesis`]: random fault plans per seed, in swarm mode.
//! - [`mutate`]: mutations of fault plans, for the coverage-guided search.
//! - [`mix`]: the preset fault mixes, one table.
//! - [`shape`]: the per-seed shape of a swarm schedule (sparse, dense or storm; at the focus or not; short or long).
//! - [`strategy`]: proptest strategies for seeds and fault plans that shrink to fewer, shorter faults.
//! - [`model`]: models described once (name, checks, bug switches, scenario), for the CLI and tests.
//! - [`scenario`]: the test harness: a model, clients, faults and checks, in a safety and a liveness phase.
//! - [`artifact`]: failure artifacts, never overwritten.
//! - [`shrink`]: delta debugging over a failing fault plan.
//! - [`episode`]: a plan's episodes, each a fault and the heal that undoes it.
//! - [`essence`]: shrinking a failing plan by episodes, then faults, then shorter episodes.
//! - [`reshape`]: past a 1-minimal plan: one episode fewer, the others moved.
//! - [`narrow`]: shrinking a partition in place, to the links it must cut.
//! - [`smallest`]: the one shrinking pipeline: rounds of the plan, the fault points and the run (operations, length, clients), then partitions narrowed.
//! - [`story`]: a shrunk failure told in a few lines: its episodes, fault points, operations and the failure.
//! - [`regression`]: the regression file of kept failures, re-run first.
//! - [`seed`]: seeds from the environment (`FAULTLINE_SEED`, `FAULTLINE_SEEDS`) and seed sweeps that print the replay command.
//!
//! Internal: `network` (link tables, partitions, clogs), `event` (what the
//! queue holds), `world` (the shared state and the send path), `queue` (the (time, seq) heap), `timers` (the timer slab).

/// The checkers and the ground they stand on, from the `check` crate, at
/// the paths they have always had here.
pub use check::{
    delivery, history, jepsen, linearizability, ratio, rng, spec, staleness, time, txn,
};

pub mod artifact;
pub mod clock;
pub mod config;
pub mod determinism;
pub mod engine;
pub mod episode;
pub mod error;
pub mod essence;
pub mod fault;
pub mod host;
pub mod latency;
pub mod link;
pub mod marks;
pub mod mix;
pub mod model;
pub mod mutate;
pub mod narrow;
pub mod nemesis;
pub mod node;
mod node_id;
pub mod node_table;
pub mod partition;
pub mod plan;
pub mod regression;
pub mod reshape;
pub mod scenario;
pub mod seed;
pub mod shape;
pub mod shrink;
pub mod smallest;
pub mod storage;
pub mod story;
pub mod strategy;
pub mod trace;
pub mod versions;

mod event;
mod network;
mod queue;
mod timers;
mod world;

pub use config::SimConfig;
pub use engine::{Census, NodeStatus, Simulation};
pub use error::ConfigError;
pub use fault::Fault;
pub use latency::Latency;
pub use link::LinkConfig;
pub use mix::Mix;
pub use nemesis::{FaultKind, Nemesis};
pub use node::{Context, Effect, Node};
pub use node_id::{NodeId, OpId};
pub use node_table::{live_nodes, NodeTable};
pub use partition::Partition;
pub use plan::{FaultPlan, TimedFault};
pub use ratio::Ratio;
pub use rng::SimRng;
pub use storage::{CorruptBlock, Storage};
pub use time::{SimDuration, SimTime};
pub use timers::TimerId;
pub use trace::{Trace, TraceEvent, TraceRecord};
pub use world::{ClientReply, Stats};
