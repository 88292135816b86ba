//! `faultline-targets`: real libraries that no one here wrote, under
//! faultline's engine, unmodified from crates.io, each at its newest release
//! and at the releases that shipped known bugs. Each library is a model
//! whose bug switches are released versions, named by version.
//!
//! - [`foca`]: caio/foca, SWIM membership.
//! - [`noraft`]: sile/noraft, a sans-IO Raft, carrying a key-value store.
//! - [`raft_rs`]: tikv/raft-rs, TiKV's Raft, carrying a key-value store.
//! - [`omnipaxos`]: haraldng/omnipaxos, Sequence Paxos, carrying a key-value store.
//! - [`raft_kv`]: the run every Raft library is judged in.
//! - `openraft`: databendlabs/openraft, an async Raft, on madsim's
//!   deterministic runtime, carrying a key-value store (built with
//!   `--cfg madsim`).
//!
//! The crate depends on faultline alone, as a user's crate would, and
//! faultline gives it what every library adapter needs: a model at several
//! releases (`sim::releases!`), the key-value service a consensus replica
//! carries (`models::kv::KvService`), FIFO sessions over the lossy network
//! (`models::session`), and Raft's safety and SWIM membership judged from
//! outside a library (`models::judge`).
//!
//! `cargo run --release -- list` (in `targets/`) shows them all; see
//! `targets/README.md` for the table of bugs re-found.

pub mod foca;
pub mod noraft;
pub mod omnipaxos;
#[cfg(madsim)]
// Each openraft release compiles the adapter's files against its own
// crates: one file, a module of each release.
#[allow(clippy::duplicate_mod)]
pub mod openraft;
pub mod raft_kv;
pub mod raft_rs;

/// Every library, as the command line and the tests list them (openraft
/// only where madsim simulates: `--cfg madsim`).
pub const LIBRARIES: &[&dyn faultline::sim::model::Model] = &[
    &noraft::NoraftModel,
    &raft_rs::RaftRsModel,
    &omnipaxos::OmniPaxosModel,
    &foca::FocaModel,
    #[cfg(madsim)]
    &openraft::OpenraftModel,
];
