//! The harness: a model described once and run as a scenario of clients,
//! faults and checks; its artifacts, the files it writes, the regression file, the determinism
//! self-check, and seeds from the environment.

pub mod artifact;
pub mod determinism;
pub mod files;
pub mod model;
pub mod regression;
pub mod scenario;
pub mod seed;
