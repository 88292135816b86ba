//! `faultline`: the command-line tool over the `sim` engine and the `models`.
//!
//! Module map:
//! - [`cli`]: the command-line grammar (clap) and exit codes.
//! - [`bench`]: `faultline bench`, the reference ping-pong workload and its figures.
//! - [`pingpong`]: the ping-pong protocol the bench runs.
//! - [`check_history`]: `faultline check-history`, Jepsen histories through the linearizability checker.

pub mod bench;
pub mod check_history;
pub mod cli;
pub mod pingpong;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
