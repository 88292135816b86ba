//! `madsim-host`: faultline's models, fault plans and checkers on madsim.
//!
//! madsim runs async Rust on a deterministic simulated runtime. This crate
//! runs a sans-IO [`sim::Node`] inside madsim nodes through [`sim::host`],
//! applies a [`sim::FaultPlan`] with madsim's own controls, drives any
//! clients over madsim's network, and records the same [`sim::history`] that
//! the engine's harness records, so the same checkers judge it.
//!
//! Module map:
//! - [`cluster`]: a cluster of hosted nodes, each a madsim node with an endpoint.
//! - [`faults`]: a fault plan as madsim controls (partitions and clogs become
//!   clogged links, crashes kill and restart, pauses pause); focused faults
//!   hit the service's focus (its leader, its primary), as on the engine.
//! - [`catalog`]: the host's models described for the catalog
//!   (`raft-kv-madsim`, `async-kv`, `async-counter`), so the command line
//!   runs them.
//! - [`async_pb`]: a primary-backup service written as ordinary async
//!   code, replicating a key-value store or a counter, with its own
//!   invariants and bug switch.
//! - [`clients`]: the client driver: any service's clients as async tasks,
//!   driven by the same [`sim::scenario::Workload`] the engine's harness takes.
//! - [`netlayer`]: the thin message layer that adds loss, duplication and
//!   reordering delay, which madsim's network lacks.
//! - [`wire`]: addresses, message tags and the run's virtual clock.
//! - [`run`]: one seeded run: cluster, clients, plan, history and its hash.
//! - [`violation`]: a broken invariant, as a run's observers report it.
//!
//! Everything here needs madsim's simulation mode (`--cfg madsim`, set in the
//! project's `.cargo/config.toml`); without it the crate is empty.

#[cfg(madsim)]
pub mod async_pb;
#[cfg(madsim)]
pub mod catalog;
#[cfg(madsim)]
pub mod clients;
#[cfg(madsim)]
pub mod cluster;
#[cfg(madsim)]
pub mod faults;
#[cfg(madsim)]
pub mod netlayer;
#[cfg(madsim)]
pub mod run;
#[cfg(madsim)]
pub mod violation;
#[cfg(madsim)]
pub mod wire;
