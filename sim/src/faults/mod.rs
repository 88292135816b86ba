//! Faults: what can go wrong in a run, and how plans of it are drawn: the
//! faults themselves, timed plans, the nemesis that draws a plan per seed,
//! the preset mixes, partition shapes, swarm shapes, versions for upgrades
//! and rollbacks, and the fault points (BUGGIFY) and coverage probes a
//! model marks, and the core liveness mode's core and kept faults.

pub mod atlas;
pub mod core;
pub mod disk;
pub mod fault;
pub mod marks;
pub mod mix;
pub mod nemesis;
pub mod partition;
pub mod plan;
pub mod shape;
pub mod versions;
