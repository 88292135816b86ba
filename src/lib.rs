//! `faultline`: the command-line tool over the `sim` engine and the `models`.
//!
//! Module map:
//! - [`cli`]: the command-line grammar (clap) and exit codes.
//! - [`commands`]: what `list`, `explore`, `replay` and `shrink` print.
//! - [`bench`]: `faultline bench`, the reference ping-pong workload and its figures.
//! - [`pingpong`]: the ping-pong protocol the bench runs.
//! - [`catalog`]: the models `explore` knows, with invariants and bug switches.
//! - [`hosted`]: catalog models run on madsim (`raft-kv-madsim`, `async-kv`).
//! - [`artifact`]: failure artifacts under `target/faultline/`, never overwritten.
//! - [`explore`]: `faultline explore`, a seed sweep with a summary.
//! - [`replay`]: `faultline replay` and `faultline shrink`.
//! - [`check_history`]: `faultline check-history`, Jepsen histories through the linearizability checker.

pub mod artifact;
pub mod bench;
pub mod catalog;
pub mod check_history;
pub mod cli;
pub mod commands;
pub mod explore;
#[cfg(madsim)]
pub mod hosted;
pub mod pingpong;
pub mod replay;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
