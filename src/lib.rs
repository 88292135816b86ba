//! `faultline`: the command-line tool over the `sim` engine and a catalog of
//! models, and the entry point a user's crate calls to get the same tool for
//! its own models ([`cli::main`]).
//!
//! The public surface: [`cli`] (what a user's `main` calls), [`catalog`]
//! (the built-in models), [`testing`] (a model's bug budgets for `cargo
//! test`), [`exit`] (the exit codes), [`mod@bench`] (the reference workload),
//! and the engine and models re-exported ([`sim`], [`models`]). Every
//! other module is private.
//!
//! Module map:
//! - [`cli`]: the grammar (one clap `Args` struct per command), the one
//!   dispatch, and [`cli::main`].
//! - [`exit`]: the exit codes.
//! - `arg`: value parsers the commands' arguments share (seeds, fault mixes).
//! - `caught`: one run with any panic that escapes the model caught as a failure.
//! - [`catalog`]: the built-in catalog, and looking models up by name.
//! - `list`: `faultline list`, read from the models' descriptions.
//! - `explore`: `faultline explore`, a seed sweep with an artifact per failure.
//! - `exhaustive`: `explore --exhaustive`, every behaviour of a small cluster up to a bound.
//! - `interrupt`: Ctrl-C during a sweep: stop taking seeds, sum up what ran.
//! - `guided`: `explore --guided`, a coverage-guided search over fault plans.
//! - `coverage`: the coverage probes a sweep reached, and the declared ones it never did.
//! - `summary`: a sweep's summary, tallied as runs finish (failures, availability, latency).
//! - `shard`: the K-th of N slices of a sweep, from a flag or a cluster engine's environment.
//! - `results`: `explore --out`, a result per seed and a shard summary as JSON lines.
//! - `merge`: `faultline merge`, shards' results as one sweep's summary.
//! - `regressions`: `explore`'s use of the regression file (re-run first, keep new failures).
//! - `histogram`: latency histograms in bounded memory.
//! - `replay`: `faultline replay`, and loading an artifact against a catalog.
//! - `shrink`: `faultline shrink`.
//! - `report`: HTML reports of a run (`replay --html`) and of a sweep (`explore --report`).
//! - `check_history`: `faultline check-history`, Jepsen histories through the linearizability checker.
//! - `check_txn`: `faultline check-txn`, transactional histories through the Elle-style checker.
//! - `check_reads`: `faultline check-reads`, read guarantees of a lagging store.
//! - `check_delivery`: `faultline check-delivery`, a queue's deliveries.
//! - `records`: the JSON records those two read.
//! - [`mod@bench`]: `faultline bench`, the reference ping-pong workload and its figures.
//! - `pingpong`: the ping-pong protocol the bench runs.
//! - [`testing`]: a model's bug switches held to their budgets, for a user's `cargo test`.
//!
//! A user's crate needs this one dependency: `sim` (the engine, the
//! harness, the checkers) and `models` (the built-in models and the
//! pieces a model of a real library reuses: the key-value service, FIFO
//! sessions, Raft's safety and membership judged from outside) are
//! re-exported here, and so is `madsim_host`, which runs async services on
//! madsim's deterministic runtime (its items need `--cfg madsim`).

pub use madsim_host;
pub use models;
pub use sim;

pub use explore::MAX_RUN_REPORTS;

mod arg;
pub mod bench;
pub mod catalog;
mod caught;
mod check_delivery;
mod check_history;
mod check_reads;
mod check_txn;
pub mod cli;
mod coverage;
mod exhaustive;
pub mod exit;
mod explore;
mod fits;
mod guided;
mod histogram;
mod interrupt;
mod list;
mod merge;
mod pingpong;
mod progress;
mod records;
mod regressions;
mod replay;
mod report;
mod results;
mod shard;
mod shrink;
mod summary;
pub mod testing;

/// The Rust examples of the README and of the guides in `docs/`, compiled
/// and run as doctests (`tests/docs.rs` checks the rest of their text).
#[cfg(doctest)]
mod doc_examples {
    #[doc = include_str!("../README.md")]
    struct Readme;
    #[doc = include_str!("../docs/architecture.md")]
    struct Architecture;
    #[doc = include_str!("../docs/writing-a-model.md")]
    struct WritingAModel;
    #[doc = include_str!("../docs/your-own-crate.md")]
    struct YourOwnCrate;
}
