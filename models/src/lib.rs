//! `models`: replicated-service models for faultline. Each model is a real
//! protocol written as a sans-IO [`sim::Node`], with the invariants that define it
//! as correct.
//!
//! Each model is described once, next to its code, as a
//! [`sim::model::EngineModel`]; [`CATALOG`] lists them.
//!
//! Module map:
//! - [`counter`]: a replicated grow-only counter with gossip; the worked example
//!   that every `Context` feature appears in (messages, timers, randomness,
//!   durable storage, client operations, recovery).
//! - [`register`]: a majority-quorum replicated register (ABD style) with the bug
//!   switch `ack-before-replication`; the harness's first catch.
//! - [`gateway`]: an authenticated, rate-limited gateway fleet in front of
//!   a backend store, facing five kinds of bad actor; six bug switches.
//! - [`kv`]: what the key-value models share: requests with client ids and
//!   sequence numbers, the exactly-once store, the retrying client library,
//!   and the translation into the checker's `kv` spec.
//! - [`raft_kv`]: a Raft-replicated key-value store with five bug switches.
//! - [`primary_backup`]: a primary-backup key-value store with a
//!   configuration service, failover and epoch fencing; three bug switches.
//! - [`leased_work`]: jobs in chunks leased to stateless workers, with
//!   renewals and fencing tokens; five bug switches.
//! - [`two_phase_commit`]: transactions across three shards by two-phase
//!   commit, checked for atomicity, conservation and strict
//!   serializability; five bug switches.
//! - [`read_replicas`]: a durable primary and lagging read replicas that
//!   join and leave, checked for bounded staleness, the session guarantees
//!   and prefix consistency; four bug switches.
//! - [`queue`]: a queue replicated by primary-backup's write path, with
//!   at-least-once delivery, idempotent consumers and backpressure, under
//!   traffic surges; five bug switches.

pub mod counter;
pub mod gateway;
pub mod judge;
pub mod kv;
pub mod leased_work;
pub mod primary_backup;
pub mod queue;
pub mod raft_kv;
pub mod read_replicas;
pub mod register;
pub mod session;
pub mod two_phase_commit;

/// The models of the built-in catalog that the engine runs, one line each.
/// (`faultline`'s catalog adds the madsim host's.) A new model is a folder
/// beside these, a `pub mod` above, and one line here.
pub const CATALOG: &[&dyn sim::model::Model] = &[
    &register::RegisterModel,
    &raft_kv::RaftKvModel,
    &primary_backup::PrimaryBackupModel,
    &leased_work::LeasedWorkModel,
    &two_phase_commit::TwoPhaseCommitModel,
    &read_replicas::ReadReplicasModel,
    &queue::QueueModel,
    &gateway::GatewayModel,
];
